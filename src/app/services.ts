import type { DataSource } from "typeorm";
import { AuditService } from "../audit/audit.service";
import { Authenticator } from "../auth/authenticator";
import { JwtVerifier } from "../auth/jwt-verifier";
import { type CheckObserver, CheckService } from "../check/check.service";
import { DEFAULT_STATE_CACHE, KeyStateStore, type StateCacheOptions } from "../check/key-state-store";
import { CompareScheduler, DEFAULT_SCHEDULER, type SchedulerOptions } from "../check/compare-scheduler";
import { CreditLedger } from "../check/credit-ledger";
import { DEFAULT_UNKNOWN_KEYS, KeyVerifier, type UnknownKeysOptions } from "../check/key-verifier";
import { DEFAULT_RATE_LIMITS, type RateLimitOptions, RateLimits } from "../check/rate-limits";
import { Senders } from "../check/senders";
import { UsageRecorder } from "../check/usage-recorder";
import { VerificationPipeline } from "../check/verification-pipeline";
import { DEFAULT_VERIFIED_KEYS, VerifiedKeys, type VerifiedKeysOptions, fingerprintPepper, redisFingerprints } from "../check/verified-keys";
import { KeyedSemaphore } from "../common/keyed-semaphore";
import type { Logger } from "../common/logger";
import { AddressSet } from "../common/network";
import { outboundAgents } from "../common/outbound";
import type { Config } from "./config";
import type { Database } from "./database";
import type { InvalidationBus } from "../db/invalidation-bus";
import type { SharedRedis } from "../db/redis";
import { Transactions } from "../db/transactions";
import { DEFAULT_KEY_EVENT_SCAN, KeyEventScan, type KeyEventScanOptions } from "../events/key-event-scan";
import { EventHub } from "../events/event-hub";
import { EventOutbox } from "../events/outbox";
import { IdentitiesService } from "../identities/identities.service";
import { KeyIssuer } from "../keys/key-issuer";
import { LeakResponse } from "../leaks/leak-response";
import { KeyQueries } from "../keys/key-queries.service";
import { KeysService } from "../keys/keys.service";
import { RootKeys } from "../keys/root-keys";
import { BcryptHasher, type SecretHasher } from "../keys/secret-hasher";
import { CatalogService } from "../scopes/catalog.service";
import { SubscriptionService } from "../subscriptions/subscription.service";
import { TenantPolicies } from "../tenants/tenant-policies";
import { TenantService } from "../tenants/tenant.service";
import { Retention } from "../db/retention";
import { DEFAULT_DELIVERY_WORKER, DeliveryWorker, type DeliveryWorkerOptions } from "../webhooks/delivery-worker";
import { WebhookSender } from "../webhooks/webhook-sender";
import { WebhooksService } from "../webhooks/webhooks.service";
import { UsageService } from "../usage/usage.service";

/** What tests and the benchmark may replace or tune; production uses the defaults. */
export interface ServiceOptions {
  hasher?: SecretHasher;
  stateCache?: StateCacheOptions;
  rateLimits?: RateLimitOptions;
  verifiedKeys?: VerifiedKeysOptions;
  unknownKeys?: UnknownKeysOptions;
  scheduler?: SchedulerOptions;
  usageFlushMs?: number;
  /** The clock of checks (credit refills, usage hours); tests move it instead of waiting. */
  clock?: () => number;
  /** Webhook delivery and the key event scan; tests drive them by hand (drain, scan) when `manual`. */
  events?: { worker?: Partial<DeliveryWorkerOptions>; scan?: Partial<KeyEventScanOptions>; sendTimeoutMs?: number; manual?: boolean };
}

export interface Services {
  bus: InvalidationBus;
  audit: AuditService;
  catalog: CatalogService;
  tenants: TenantService;
  subscriptions: SubscriptionService;
  keys: KeysService;
  keyQueries: KeyQueries;
  identities: IdentitiesService;
  outbox: EventOutbox;
  webhooks: WebhooksService;
  /** Live key events for subscriptions, from changes on any instance. */
  eventHub: EventHub;
  leaks: LeakResponse;
  deliveries: DeliveryWorker;
  keyEventScan: KeyEventScan;
  usageQueries: UsageService;
  usageRetention: Retention;
  /** Events and their delivery log are kept EVENT_RETENTION_DAYS. */
  eventRetention: Retention;
  checks: CheckService;
  rootKeys: RootKeys;
  store: KeyStateStore;
  verifier: KeyVerifier;
  scheduler: CompareScheduler;
  pipeline: VerificationPipeline;
  usage: UsageRecorder;
  authenticator: Authenticator;
  limits: RateLimits;
  /** Each tenant's share of the database connections; absent on the embedded database. */
  databaseShare?: KeyedSemaphore;
}

/** The pieces that mint root keys, and nothing else (the command line needs no more). */
export function createRootKeys(config: Config, dataSource: DataSource, bus: InvalidationBus, logger: Logger, hasher?: SecretHasher): RootKeys {
  const transactions = new Transactions(dataSource, bus);
  const issuer = new KeyIssuer(hasher ?? new BcryptHasher(config.bcryptCost));
  return new RootKeys(dataSource, transactions, issuer, new AuditService(dataSource, logger), new TenantPolicies(dataSource, bus));
}

/**
 * A quarter of the pool per tenant on PostgreSQL, so one tenant's slow reads queue behind each
 * other and never take every connection. The embedded database runs one statement at a time, on
 * one connection: there the query cost limit is the bound.
 */
function databaseShare(config: Config, database: Database): KeyedSemaphore | undefined {
  if (database.target.embedded) return undefined;
  return new KeyedSemaphore(Math.max(1, Math.floor(config.dbPoolSize / 4)), 1_000);
}

/** Every service, wired once. */
export function createServices(
  config: Config,
  logger: Logger,
  database: Database,
  bus: InvalidationBus,
  redis: SharedRedis | undefined,
  options: ServiceOptions = {},
  observeCheck?: CheckObserver,
): Services {
  const { dataSource } = database;
  const hasher = options.hasher ?? new BcryptHasher(config.bcryptCost);
  const transactions = new Transactions(dataSource, bus);
  const audit = new AuditService(dataSource, logger);
  const issuer = new KeyIssuer(hasher);
  const catalog = new CatalogService(dataSource, transactions, audit, bus);
  const policies = new TenantPolicies(dataSource, bus);
  const store = new KeyStateStore(dataSource, bus, options.stateCache ?? DEFAULT_STATE_CACHE);
  // Fingerprints are shared only under a pepper every instance derives from SECRET_KEY.
  const sharedFingerprints = redis && config.secretKey ? redisFingerprints(redis.client, redis.prefix, logger) : undefined;
  const verified = new VerifiedKeys(options.verifiedKeys ?? DEFAULT_VERIFIED_KEYS, fingerprintPepper(config.secretKey), sharedFingerprints);
  const scheduler = new CompareScheduler(options.scheduler ?? DEFAULT_SCHEDULER);
  const verifier = new KeyVerifier(store, hasher, verified, scheduler, options.unknownKeys ?? DEFAULT_UNKNOWN_KEYS);
  const clock = options.clock ?? Date.now;
  const usage = new UsageRecorder(dataSource, logger, options.usageFlushMs, clock);
  const limits = new RateLimits(options.rateLimits ?? { ...DEFAULT_RATE_LIMITS, managementRequestsPerMinute: config.managementRequestsPerMinute }, redis);
  const outbox = new EventOutbox(clock);
  const pipeline = new VerificationPipeline(verifier, store, catalog, usage, limits, new CreditLedger(dataSource, bus, outbox), clock);
  const senders = new Senders(limits);
  const jwksAllowed = config.jwksAllow.length > 0 ? new AddressSet(config.jwksAllow) : null;
  const outbound = { allowed: config.outboundAllow.length > 0 ? new AddressSet(config.outboundAllow) : null };
  const events = options.events ?? {};
  const sender = new WebhookSender(outboundAgents(outbound), events.sendTimeoutMs);
  const deliveries = new DeliveryWorker(dataSource, sender, logger, { ...DEFAULT_DELIVERY_WORKER, ...events.worker }, clock);
  outbox.onRecorded(() => deliveries.wake());
  const keys = new KeysService(transactions, issuer, catalog, audit, policies, outbox);
  return {
    bus,
    audit,
    catalog,
    tenants: new TenantService(dataSource, transactions, issuer, audit, jwksAllowed !== null),
    subscriptions: new SubscriptionService(dataSource, transactions, catalog, audit),
    keys,
    leaks: new LeakResponse(verifier, keys, senders),
    keyQueries: new KeyQueries(dataSource, policies, bus),
    identities: new IdentitiesService(dataSource, transactions, audit),
    outbox,
    webhooks: new WebhooksService(dataSource, transactions, audit, outbox, outbound, clock),
    deliveries,
    eventHub: new EventHub(dataSource, bus, logger),
    keyEventScan: new KeyEventScan(transactions, outbox, logger, { ...DEFAULT_KEY_EVENT_SCAN, ...events.scan }, clock),
    usageQueries: new UsageService(dataSource),
    usageRetention: new Retention(dataSource, logger, { name: "hourly check counts", deleteOlderThan: "DELETE FROM key_verifications WHERE hour < $1", retentionDays: config.usageRetentionDays }, clock),
    // Deliveries and their attempts go with their event; none is pending after 24 hours.
    eventRetention: new Retention(dataSource, logger, { name: "events", deleteOlderThan: "DELETE FROM events WHERE occurred_at < $1", retentionDays: config.eventRetentionDays }, clock),
    checks: new CheckService(pipeline, senders, observeCheck),
    rootKeys: new RootKeys(dataSource, transactions, issuer, audit, policies),
    store,
    verifier,
    scheduler,
    pipeline,
    usage,
    databaseShare: databaseShare(config, database),
    authenticator: new Authenticator(pipeline, senders, new JwtVerifier(dataSource, bus, catalog, outboundAgents({ allowed: jwksAllowed }))),
    limits,
  };
}
