import { BoundedCache } from "../../src/common/bounded-cache";

const T0 = 1_700_000_000_000;
const TTL_MS = 1_000;

describe("BoundedCache", () => {
  let sut: BoundedCache<string, number>;
  beforeEach(() => {
    sut = new BoundedCache<string, number>(3, TTL_MS);
  });

  describe("size bound", () => {
    it("keeps up to maxEntries entries", () => {
      sut.set("a", 1, T0);
      sut.set("b", 2, T0);
      sut.set("c", 3, T0);
      expect(sut.size).toBe(3);
      expect(["a", "b", "c"].map((key) => sut.get(key, T0))).toEqual([1, 2, 3]);
    });

    it("evicts the oldest inserted entry when one more is set", () => {
      sut.set("a", 1, T0);
      sut.set("b", 2, T0);
      sut.set("c", 3, T0);
      sut.set("d", 4, T0);
      expect(sut.size).toBe(3);
      expect(sut.get("a", T0)).toBeUndefined();
      expect(["b", "c", "d"].map((key) => sut.get(key, T0))).toEqual([2, 3, 4]);
    });

    it("does not count reading as use: the oldest inserted entry goes even if it was just read", () => {
      sut.set("a", 1, T0);
      sut.set("b", 2, T0);
      sut.set("c", 3, T0);
      sut.get("a", T0);
      sut.set("d", 4, T0);
      expect(sut.has("a", T0)).toBe(false);
      expect(sut.has("b", T0)).toBe(true);
    });

    it("makes an entry that is set again the newest", () => {
      sut.set("a", 1, T0);
      sut.set("b", 2, T0);
      sut.set("c", 3, T0);
      sut.set("a", 10, T0);
      sut.set("d", 4, T0);
      expect(sut.get("a", T0)).toBe(10);
      expect(sut.get("b", T0)).toBeUndefined();
      expect(sut.size).toBe(3);
    });

    it("does not grow when an existing key is replaced", () => {
      sut.set("a", 1, T0);
      sut.set("a", 2, T0);
      expect(sut.size).toBe(1);
      expect(sut.get("a", T0)).toBe(2);
    });
  });

  describe("time to live", () => {
    it("returns an entry until its TTL has passed", () => {
      sut.set("a", 1, T0);
      expect(sut.get("a", T0 + TTL_MS - 1)).toBe(1);
      expect(sut.has("a", T0 + TTL_MS - 1)).toBe(true);
    });

    it("expires an entry exactly at set time + TTL and forgets it", () => {
      sut.set("a", 1, T0);
      expect(sut.get("a", T0 + TTL_MS)).toBeUndefined();
      expect(sut.size).toBe(0);
      expect(sut.get("a", T0)).toBeUndefined();
    });

    it("answers has() false for an expired entry", () => {
      sut.set("a", 1, T0);
      expect(sut.has("a", T0 + TTL_MS + 5_000)).toBe(false);
    });

    it("gives an entry a fresh TTL when it is set again", () => {
      sut.set("a", 1, T0);
      sut.set("a", 2, T0 + 900);
      expect(sut.get("a", T0 + TTL_MS + 500)).toBe(2);
      expect(sut.get("a", T0 + 900 + TTL_MS)).toBeUndefined();
    });

    it("expires each entry on its own clock", () => {
      sut.set("early", 1, T0);
      sut.set("late", 2, T0 + 500);
      expect(sut.get("early", T0 + TTL_MS)).toBeUndefined();
      expect(sut.get("late", T0 + TTL_MS)).toBe(2);
    });
  });

  describe("delete and clear", () => {
    it("delete removes one entry", () => {
      sut.set("a", 1, T0);
      sut.set("b", 2, T0);
      sut.delete("a");
      expect(sut.get("a", T0)).toBeUndefined();
      expect(sut.get("b", T0)).toBe(2);
      expect(sut.size).toBe(1);
    });

    it("clear removes every entry", () => {
      sut.set("a", 1, T0);
      sut.set("b", 2, T0);
      sut.clear();
      expect(sut.size).toBe(0);
      expect(sut.has("b", T0)).toBe(false);
    });
  });

  it("answers undefined for a key never set", () => {
    expect(sut.get("missing", T0)).toBeUndefined();
    expect(sut.has("missing", T0)).toBe(false);
  });
});
