import { LRUCache } from "lru-cache";
import type { DataSource } from "typeorm";
import type { Logger } from "../common/logger";
import { EventType } from "../core/event-type";
import type { Invalidation, InvalidationBus } from "../db/invalidation-bus";
import type { KeyEvent } from "./key-event.types";

/** Events a slow subscriber may fall behind by before its stream ends (memory stays bounded). */
export const MAX_QUEUED_EVENTS = 1_000;
/** Event ids remembered to drop repeats (PostgreSQL echoes a NOTIFY to the instance that sent it). */
const SEEN_EVENTS = 10_000;

type Listener = (event: KeyEvent) => void;

/** The end of a stream whose subscriber fell too far behind. */
export class SubscriberTooSlow extends Error {
  constructor() {
    super(`the subscriber fell more than ${MAX_QUEUED_EVENTS} events behind`);
  }
}

/**
 * Every instance's live events: the notices of events committed on any instance (through the
 * invalidation bus), each read once from the database and handed to the subscribers of its
 * tenant, in the order they were heard, each event once.
 */
export class EventHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly seen = new LRUCache<string, true>({ max: SEEN_EVENTS });
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    bus: InvalidationBus,
    private readonly logger: Logger,
  ) {
    bus.onInvalidation((invalidation) => this.heard(invalidation));
  }

  /** The tenant's events from now on, until the consumer stops (return) or falls too far behind. */
  stream(tenantId: string): AsyncIterableIterator<KeyEvent> {
    const queue: KeyEvent[] = [];
    const waiting: Array<{ resolve: (result: IteratorResult<KeyEvent>) => void; reject: (error: Error) => void }> = [];
    let failed: Error | undefined;
    let done = false;
    const finish = () => {
      done = true;
      this.listeners.get(tenantId)?.delete(listener);
      if (this.listeners.get(tenantId)?.size === 0) this.listeners.delete(tenantId);
    };
    const listener: Listener = (event) => {
      const next = waiting.shift();
      if (next) return next.resolve({ value: event, done: false });
      if (queue.length >= MAX_QUEUED_EVENTS) {
        failed = new SubscriberTooSlow();
        finish();
        return;
      }
      queue.push(event);
    };
    if (!this.listeners.has(tenantId)) this.listeners.set(tenantId, new Set());
    this.listeners.get(tenantId)!.add(listener);
    return {
      next: () => {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
        if (failed) return Promise.reject(failed);
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
      },
      return: () => {
        finish();
        for (const next of waiting.splice(0)) next.resolve({ value: undefined, done: true });
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** How many streams are open (for tests and metrics). */
  get subscribers(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  private heard(invalidation: Invalidation): void {
    if (invalidation.kind !== "event" || invalidation.type === EventType.WEBHOOK_PING) return;
    if (this.seen.has(invalidation.eventId)) return;
    this.seen.set(invalidation.eventId, true);
    if (!this.listeners.has(invalidation.tenantId)) return;
    const { eventId, tenantId } = invalidation;
    this.tail = this.tail.then(() =>
      this.read(tenantId, eventId).then(
        (event) => {
          if (event) for (const listener of [...(this.listeners.get(tenantId) ?? [])]) listener(event);
        },
        (error: unknown) => this.logger.warn({ err: error, eventId }, "a live event could not be read; its subscribers miss it"),
      ),
    );
  }

  private async read(tenantId: string, id: string): Promise<KeyEvent | undefined> {
    const [row] = await this.dataSource.query("SELECT id, type, key_id, data, occurred_at FROM events WHERE tenant_id = $1 AND id = $2", [tenantId, id]);
    if (!row) return undefined;
    return { id: row.id, type: row.type, keyId: row.key_id, occurredAt: row.occurred_at, data: { tenantId, ...row.data } };
  }
}
