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
/** Events heard and not read yet; beyond, the oldest are dropped (their subscribers miss them). */
const MAX_UNREAD = 10_000;
/** Events read per statement. */
const READ_BATCH = 100;

type Listener = (event: KeyEvent) => void;

/** The end of a stream whose subscriber fell too far behind. */
export class SubscriberTooSlow extends Error {
  constructor() {
    super(`the subscriber fell more than ${MAX_QUEUED_EVENTS} events behind`);
  }
}

/**
 * Every instance's live events: the notices of events committed on any instance (through the
 * invalidation bus), read from the database in batches (once per instance, only for tenants with
 * subscribers) and handed to the subscribers of their tenant, in the order they were heard, each
 * event once.
 */
export class EventHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly seen = new LRUCache<string, true>({ max: SEEN_EVENTS });
  private readonly unread: string[] = [];
  private reading = false;

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
    if (this.unread.length >= MAX_UNREAD) this.unread.shift();
    this.unread.push(invalidation.eventId);
    void this.readUnread();
  }

  private async readUnread(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      while (this.unread.length > 0) {
        const ids = this.unread.splice(0, READ_BATCH);
        const rows: Array<{ id: string; tenant_id: string; type: EventType; key_id: string | null; data: Record<string, unknown>; occurred_at: Date }> =
          await this.dataSource.query("SELECT id, tenant_id, type, key_id, data, occurred_at FROM events WHERE id = ANY ($1::uuid[])", [ids]).catch((error: unknown) => {
            this.logger.warn({ err: error, events: ids.length }, "live events could not be read; their subscribers miss them");
            return [];
          });
        const byId = new Map(rows.map((row) => [row.id, row]));
        for (const id of ids) {
          const row = byId.get(id);
          if (!row) continue;
          const event: KeyEvent = { id: row.id, type: row.type, keyId: row.key_id, occurredAt: row.occurred_at, data: { tenantId: row.tenant_id, ...row.data } };
          for (const listener of [...(this.listeners.get(row.tenant_id) ?? [])]) listener(event);
        }
      }
    } finally {
      this.reading = false;
    }
  }
}
