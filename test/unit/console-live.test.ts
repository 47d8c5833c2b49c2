import { coalesced } from "../../console/src/lib/coalesce";
import { EVENT_DESCRIPTIONS, SUBSCRIBABLE_EVENTS, describeEvents, orderedEvents } from "../../console/src/lib/events";

/** A task whose runs finish only when the test says so. */
function controlledTask() {
  const finishers: Array<() => void> = [];
  let runs = 0;
  const task = () => {
    runs++;
    return new Promise<void>((resolve) => finishers.push(resolve));
  };
  return { task, runs: () => runs, finish: () => finishers.shift()!() };
}

describe("console live refresh", () => {
  it("runs at once when idle", async () => {
    const { task, runs, finish } = controlledTask();
    const refresh = coalesced(task);
    const done = refresh();
    expect(runs()).toBe(1);
    finish();
    await done;
    const again = refresh();
    expect(runs()).toBe(2);
    finish();
    await again;
  });

  it("folds a burst during a run into one more run, after it", async () => {
    const { task, runs, finish } = controlledTask();
    const refresh = coalesced(task);
    const first = refresh();
    const burst = [refresh(), refresh(), refresh()];
    expect(runs()).toBe(1);
    finish();
    // The burst's run starts once the first has finished.
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs()).toBe(2);
    finish();
    await Promise.all([first, ...burst]);
    expect(runs()).toBe(2);
  });

  it("keeps refreshing after a failed run", async () => {
    let calls = 0;
    const refresh = coalesced(async () => {
      calls++;
      if (calls === 1) throw new Error("offline");
    });
    await refresh();
    await refresh();
    expect(calls).toBe(2);
  });
});

describe("console webhook events", () => {
  it("offers every subscribable event type, never WEBHOOK_PING", () => {
    expect(SUBSCRIBABLE_EVENTS).toHaveLength(10);
    expect(SUBSCRIBABLE_EVENTS).not.toContain("WEBHOOK_PING");
    for (const event of SUBSCRIBABLE_EVENTS) expect(EVENT_DESCRIPTIONS[event]).toMatch(/\.$/);
  });

  it("orders and describes an endpoint's events", () => {
    expect(orderedEvents(["KEY_REVOKED", "WEBHOOK_PING", "KEY_CREATED"])).toEqual(["KEY_CREATED", "KEY_REVOKED"]);
    expect(describeEvents(["KEY_REVOKED", "KEY_CREATED"])).toBe("KEY_CREATED, KEY_REVOKED");
    expect(describeEvents([...SUBSCRIBABLE_EVENTS].reverse())).toBe("Every event");
  });
});
