import { CompareScheduler, type CompareSender, UNAUTHENTICATED } from "../../src/check/compare-scheduler";
import { DomainError } from "../../src/common/errors";

/** Compares that finish only when the test says so, so the order of dispatch is exact. */
class Gate {
  private readonly releases: Array<() => void> = [];
  started: string[] = [];

  compare(label: string): () => Promise<string> {
    return () => {
      this.started.push(label);
      return new Promise<string>((resolve) => this.releases.push(() => resolve(label)));
    };
  }

  /** Finishes the oldest running compare and lets the scheduler start the next. */
  async finishOne(): Promise<void> {
    this.releases.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  }

  async finishAll(): Promise<void> {
    while (this.releases.length > 0) await this.finishOne();
  }
}

const sender = (shareClass: string, id = "p1"): CompareSender => ({ shareClass, id });

describe("CompareScheduler", () => {
  it("runs at most `slots` compares at once, the rest waiting", async () => {
    const gate = new Gate();
    const sut = new CompareScheduler({ slots: 2, maxQueuedPerSender: 100 });
    const results = ["a", "b", "c", "d"].map((label) => sut.run(sender("t1"), gate.compare(label)));
    expect(gate.started).toEqual(["a", "b"]);
    expect(sut.waiting).toBe(2);
    await gate.finishAll();
    expect(await Promise.all(results)).toEqual(["a", "b", "c", "d"]);
    expect(sut.waiting).toBe(0);
  });

  it("serves tenants in turn: a newcomer waits behind at most one of a flooding tenant's compares", async () => {
    const gate = new Gate();
    const sut = new CompareScheduler({ slots: 1, maxQueuedPerSender: 1_000 });
    for (let index = 0; index < 100; index++) void sut.run(sender("flooder"), gate.compare(`flood-${index}`));
    void sut.run(sender("other"), gate.compare("other"));
    await gate.finishOne();
    await gate.finishOne();
    expect(gate.started.slice(0, 3)).toEqual(["flood-0", "flood-1", "other"]);
    await gate.finishAll();
  });

  it("serves principals of one tenant in turn, so more verify keys buy the tenant no larger share", async () => {
    const gate = new Gate();
    const sut = new CompareScheduler({ slots: 1, maxQueuedPerSender: 1_000 });
    for (let key = 0; key < 10; key++) {
      for (let index = 0; index < 5; index++) void sut.run(sender("flooder", `key-${key}`), gate.compare(`flood-${key}`));
    }
    void sut.run(sender("other"), gate.compare("other"));
    for (let index = 0; index < 5; index++) await gate.finishOne();
    // key-0's first compare started at once; then the tenants alternate, and within the flooder its keys take turns.
    expect(gate.started.slice(0, 5)).toEqual(["flood-0", "flood-0", "other", "flood-1", "flood-2"]);
    await gate.finishAll();
  });

  it("gives unauthenticated credentials at most half of the slots, even when nothing else waits", async () => {
    const gate = new Gate();
    const sut = new CompareScheduler({ slots: 4, maxQueuedPerSender: 100 });
    for (let index = 0; index < 6; index++) void sut.run(sender(UNAUTHENTICATED, `198.51.100.${index}`), gate.compare(`anon-${index}`));
    expect(gate.started).toEqual(["anon-0", "anon-1"]);
    void sut.run(sender("tenant"), gate.compare("tenant-1"));
    void sut.run(sender("tenant"), gate.compare("tenant-2"));
    expect(gate.started).toEqual(["anon-0", "anon-1", "tenant-1", "tenant-2"]);
    await gate.finishAll();
    expect(gate.started).toHaveLength(8);
  });

  it("refuses a sender with too many compares waiting (RATE_LIMITED), and no one else", async () => {
    const gate = new Gate();
    const sut = new CompareScheduler({ slots: 1, maxQueuedPerSender: 3 });
    const accepted = Array.from({ length: 4 }, (_, index) => sut.run(sender("t1"), gate.compare(`a-${index}`)));
    const refused = sut.run(sender("t1"), gate.compare("refused"));
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: "RATE_LIMITED" });
    const other = sut.run(sender("t1", "p2"), gate.compare("other principal"));
    await gate.finishAll();
    expect(await Promise.all([...accepted, other])).toHaveLength(5);
    expect(gate.started).not.toContain("refused");
    expect(sut.refusedQueueFull).toBe(1);
  });

  it("passes a failing compare's error to its caller and keeps serving", async () => {
    const sut = new CompareScheduler({ slots: 1, maxQueuedPerSender: 10 });
    const failing = sut.run(sender("t1"), () => Promise.reject(new Error("bcrypt failed")));
    const next = sut.run(sender("t1"), () => Promise.resolve("next"));
    await expect(failing).rejects.toThrow("bcrypt failed");
    await expect(next).resolves.toBe("next");
  });

  it("reports each dispatch with its sender and how long it waited", async () => {
    const gate = new Gate();
    const sut = new CompareScheduler({ slots: 1, maxQueuedPerSender: 10 });
    const events: Array<{ shareClass: string; waitedMs: number }> = [];
    sut.onDispatch(({ sender: { shareClass }, waitedMs }) => events.push({ shareClass, waitedMs }));
    void sut.run(sender("t1"), gate.compare("first"));
    void sut.run(sender("t2"), gate.compare("second"));
    await gate.finishAll();
    expect(events.map((event) => event.shareClass)).toEqual(["t1", "t2"]);
    expect(events.every((event) => event.waitedMs >= 0)).toBe(true);
  });
});
