import { rateLimited } from "./errors";

interface Holder {
  running: number;
  waiting: Array<() => void>;
}

/**
 * At most `capacity` holders per key at once; the rest of that key's callers wait their turn, and
 * no other key's. A key with too many waiting is refused (RATE_LIMITED). Keys with nothing running
 * or waiting are forgotten, so the map stays as small as the work in flight.
 */
export class KeyedSemaphore {
  private readonly holders = new Map<string, Holder>();

  constructor(
    private readonly capacity: number,
    private readonly maxWaiting: number,
  ) {}

  /** Waits for a slot of `key`; the returned function gives it back (call it exactly once). */
  async acquire(key: string): Promise<() => void> {
    let holder = this.holders.get(key);
    if (!holder) {
      holder = { running: 0, waiting: [] };
      this.holders.set(key, holder);
    }
    if (holder.running >= this.capacity) {
      if (holder.waiting.length >= this.maxWaiting) throw rateLimited("Too many requests waiting for this tenant's share of the database; try again shortly", 1);
      await new Promise<void>((resolve) => holder!.waiting.push(resolve));
    } else {
      holder.running++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = holder!.waiting.shift();
      if (next) return next();
      holder!.running--;
      if (holder!.running === 0) this.holders.delete(key);
    };
  }

  /** Slots of `key` in use (for tests and metrics). */
  inUse(key: string): number {
    return this.holders.get(key)?.running ?? 0;
  }

  /** Callers of `key` waiting for a slot. */
  waitingFor(key: string): number {
    return this.holders.get(key)?.waiting.length ?? 0;
  }
}
