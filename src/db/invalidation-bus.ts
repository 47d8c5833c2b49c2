import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { Client } from "pg";
import type { EntityManager } from "typeorm";
import type { Logger } from "../common/logger";

/**
 * What a committed change makes stale in the caches of every instance, or (kind "event") an event
 * it recorded, for every instance's live subscribers (the event itself is read from the database:
 * a notification stays small).
 */
export type Invalidation =
  | { kind: "key"; keyId: string; tenantId: string }
  | { kind: "tenant"; tenantId: string }
  | { kind: "subscription"; subscriptionId: string }
  | { kind: "catalog"; tenantId: string }
  | { kind: "identity"; identityId: string; tenantId: string }
  | { kind: "event"; eventId: string; tenantId: string; type: string; keyId: string | null };

export type InvalidationListener = (invalidation: Invalidation) => void;
/** Called with false when invalidations may be lost (caches must be flushed and bypassed), true when they flow again. */
export type HealthListener = (healthy: boolean) => void;

/** One interface, two implementations: PostgreSQL LISTEN/NOTIFY, and in-process for the embedded database. */
export interface InvalidationBus {
  /** Sends the invalidation inside the transaction that makes the change, so it is delivered only on commit. */
  publish(manager: EntityManager, invalidation: Invalidation): Promise<void>;
  /** Applies committed invalidations in this process at once, without waiting for the round trip. */
  deliverLocally(invalidations: readonly Invalidation[]): void;
  onInvalidation(listener: InvalidationListener): void;
  onHealthChange(listener: HealthListener): void;
  readonly healthy: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const INVALIDATION_CHANNEL = "keysmith_invalidation";

/** What a cache keeps coherent: drop one entry, or everything. */
export interface Invalidatable<K> {
  invalidate(key: K): void;
  clear(): void;
}

/** Returned by a staleKey function: the invalidation makes every entry stale. */
export const EVERY_ENTRY = Symbol("every entry");

/**
 * Keeps a cache coherent with committed changes on every instance: `staleKey` names the entry an
 * invalidation makes stale (EVERY_ENTRY for all, undefined for none), and the whole cache is
 * dropped when invalidations may have been lost.
 */
export function keepCoherent<K>(
  bus: InvalidationBus,
  cache: Invalidatable<K>,
  staleKey: (invalidation: Invalidation) => K | typeof EVERY_ENTRY | undefined,
): void {
  bus.onInvalidation((invalidation) => {
    const key = staleKey(invalidation);
    if (key === EVERY_ENTRY) cache.clear();
    else if (key !== undefined) cache.invalidate(key);
  });
  bus.onHealthChange(() => cache.clear());
}

abstract class BaseBus implements InvalidationBus {
  /** One listener per cache and per live feature of the instance: more than EventEmitter's default 10, and a fixed number. */
  protected readonly events = new EventEmitter().setMaxListeners(50);
  abstract readonly healthy: boolean;

  abstract publish(manager: EntityManager, invalidation: Invalidation): Promise<void>;
  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  deliverLocally(invalidations: readonly Invalidation[]): void {
    for (const invalidation of invalidations) this.events.emit("invalidation", invalidation);
  }

  onInvalidation(listener: InvalidationListener): void {
    this.events.on("invalidation", listener);
  }

  onHealthChange(listener: HealthListener): void {
    this.events.on("health", listener);
  }
}

/** The embedded database does not deliver NOTIFY between connections, and it serves one process. */
export class InProcessInvalidationBus extends BaseBus {
  readonly healthy = true;

  async publish(): Promise<void> {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2_000;

export function parseInvalidation(payload: string): Invalidation | undefined {
  try {
    const value = JSON.parse(payload) as Invalidation;
    const valid =
      (value.kind === "key" && typeof value.keyId === "string" && typeof value.tenantId === "string") ||
      (value.kind === "tenant" && typeof value.tenantId === "string") ||
      (value.kind === "subscription" && typeof value.subscriptionId === "string") ||
      (value.kind === "catalog" && typeof value.tenantId === "string") ||
      (value.kind === "identity" && typeof value.identityId === "string" && typeof value.tenantId === "string") ||
      (value.kind === "event" && typeof value.eventId === "string" && typeof value.tenantId === "string" && typeof value.type === "string");
    return valid ? value : undefined;
  } catch {
    return undefined;
  }
}

/** LISTEN on a dedicated connection that reconnects by itself; NOTIFY in the changing transaction. */
export class PostgresInvalidationBus extends BaseBus {
  private client: Client | undefined;
  private connected = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = RECONNECT_MIN_MS;
  /** Names this instance's listener connection in pg_stat_activity. */
  readonly applicationName = `keysmith-listener-${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  get healthy(): boolean {
    return this.connected;
  }

  async publish(manager: EntityManager, invalidation: Invalidation): Promise<void> {
    await manager.query("SELECT pg_notify($1, $2)", [INVALIDATION_CHANNEL, JSON.stringify(invalidation)]);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    this.setConnected(false);
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: this.applicationName, connectionTimeoutMillis: 5_000 });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client));
    client.on("notification", (message) => {
      const invalidation = message.payload ? parseInvalidation(message.payload) : undefined;
      if (invalidation) this.events.emit("invalidation", invalidation);
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${INVALIDATION_CHANNEL}`);
      if (this.stopped || this.client !== client) {
        await client.end().catch(() => undefined);
        return;
      }
      this.retryDelay = RECONNECT_MIN_MS;
      this.setConnected(true);
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  private lost(client: Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners("end");
    client.end().catch(() => undefined);
    if (this.connected) this.logger.warn({ err: error?.message }, "invalidation listener lost its connection");
    this.setConnected(false);
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => void this.connect(), this.retryDelay);
    this.retryTimer.unref();
    this.retryDelay = Math.min(this.retryDelay * 2, RECONNECT_MAX_MS);
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.events.emit("health", connected);
  }
}
