import type http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { ApolloServerPluginLandingPageProductionDefault } from "@apollo/server/plugin/landingPage/default";
import type { DataSource } from "typeorm";
import { AuditResolver } from "../audit/audit.resolver";
import { AuditService } from "../audit/audit.service";
import { Authenticator } from "../auth/authenticator";
import { JwtVerifier } from "../auth/jwt-verifier";
import { MeResolver } from "../auth/me.resolver";
import { InProcessInvalidationBus, type InvalidationBus, PostgresInvalidationBus } from "../db/invalidation-bus";
import { KeyStateStore, type StateCacheOptions, DEFAULT_STATE_CACHE } from "../check/key-state-store";
import { DEFAULT_VERIFIER_OPTIONS, KeyVerifier, type VerifierOptions } from "../check/key-verifier";
import { CheckResolver } from "../check/check.resolver";
import { type CheckObserver, CheckService } from "../check/check.service";
import { DEFAULT_RATE_LIMITS, type RateLimitOptions, RateLimits } from "../check/rate-limits";
import { UsageRecorder } from "../check/usage-recorder";
import { buildBlockList } from "../common/network";
import type { Config } from "../config";
import { createDataSource } from "../db/data-source";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../db/embedded-postgres";
import { runMigrations } from "../db/migrate";
import { QueryLog } from "../db/query-log";
import { Transactions } from "../db/transactions";
import type { RequestContext } from "../principals/request-context";
import { errorLoggingPlugin, formatError } from "../graphql/error-formatting";
import { APOLLO_SANDBOX_ORIGINS, createHttpServer } from "../http/http-server";
import { keysmithSchema } from "../graphql/schema";
import { ApiKeyResolver } from "../keys/api-key.resolver";
import { KeyIssuer } from "../keys/key-issuer";
import { KeyQueries } from "../keys/key-queries.service";
import { KeysService } from "../keys/keys.service";
import { RootKeys } from "../keys/root-keys";
import { BcryptHasher, type SecretHasher } from "../keys/secret-hasher";
import { MAX_TOKENS, queryLimits } from "../graphql/query-limits";
import type { Logger } from "../common/logger";
import { Metrics } from "../metrics/metrics";
import { CatalogResolver } from "../scopes/catalog.resolver";
import { CatalogService } from "../scopes/catalog.service";
import { SubscriptionResolver } from "../subscriptions/subscription.resolver";
import { SubscriptionService } from "../subscriptions/subscription.service";
import { TenantResolver } from "../tenants/tenant.resolver";
import { TenantPolicies } from "../tenants/tenant-policies";
import { TenantService } from "../tenants/tenant.service";

export interface AppOptions {
  config: Config;
  logger: Logger;
  /**
   * Tests pass a database they started (a PGlite socket per jest worker, `embedded: true`);
   * otherwise config decides (DATABASE_URL, or embedded PGlite under DATA_DIR).
   */
  database?: DatabaseTarget;
  hasher?: SecretHasher;
  stateCache?: StateCacheOptions;
  rateLimits?: RateLimitOptions;
  verifier?: VerifierOptions;
  usageFlushMs?: number;
}

export interface DatabaseTarget {
  url: string;
  /** PGlite behind its socket server: one connection, and invalidations delivered in process. */
  embedded: boolean;
}

/**
 * pglite-socket multiplexes connections onto one PGlite session message by message, so the
 * extended-protocol messages (Parse, Bind, Execute) of two connections can interleave and one
 * query run another's statement. PGlite executes one statement at a time anyway: one connection
 * loses nothing and rules the interleaving out.
 */
export const EMBEDDED_POOL_SIZE = 1;

export interface App {
  /** Counts every statement sent to the database. */
  queryLog: QueryLog;
  /** The base URL the server listens on, e.g. http://127.0.0.1:4000 */
  url: string;
  /** The first root key, when this start created it (to be printed once). */
  firstRootKey: string | undefined;
  dataSource: DataSource;
  services: Services;
  /** Stops accepting, finishes requests in flight, flushes usage and closes the database. */
  close(): Promise<void>;
}

export interface Services {
  bus: InvalidationBus;
  audit: AuditService;
  catalog: CatalogService;
  tenants: TenantService;
  subscriptions: SubscriptionService;
  keys: KeysService;
  keyQueries: KeyQueries;
  checks: CheckService;
  rootKeys: RootKeys;
  store: KeyStateStore;
  verifier: KeyVerifier;
  usage: UsageRecorder;
  authenticator: Authenticator;
  limits: RateLimits;
}

/** Everything that talks to the database, wired once. */
export function createServices(options: AppOptions, dataSource: DataSource, bus: InvalidationBus, observeCheck?: CheckObserver): Services {
  const { config, logger } = options;
  const hasher = options.hasher ?? new BcryptHasher(config.bcryptCost);
  const transactions = new Transactions(dataSource, bus);
  const audit = new AuditService(dataSource, logger);
  const issuer = new KeyIssuer(hasher);
  const catalog = new CatalogService(dataSource, transactions, audit, bus);
  const store = new KeyStateStore(dataSource, bus, options.stateCache ?? DEFAULT_STATE_CACHE);
  const verifier = new KeyVerifier(store, hasher, options.verifier ?? DEFAULT_VERIFIER_OPTIONS);
  const usage = new UsageRecorder(dataSource, logger, options.usageFlushMs);
  const jwt = new JwtVerifier(dataSource, bus);
  const tenantPolicies = new TenantPolicies(dataSource, bus);
  const limits = RateLimits.create(config.redisUrl, options.rateLimits ?? DEFAULT_RATE_LIMITS, logger);
  return {
    bus,
    audit,
    catalog,
    tenants: new TenantService(dataSource, transactions, issuer, audit),
    subscriptions: new SubscriptionService(dataSource, transactions, catalog, audit),
    keys: new KeysService(transactions, issuer, catalog, audit, tenantPolicies),
    keyQueries: new KeyQueries(dataSource, tenantPolicies, bus),
    checks: new CheckService(verifier, store, catalog, usage, limits, observeCheck),
    rootKeys: new RootKeys(dataSource, transactions, issuer, audit),
    store,
    verifier,
    usage,
    authenticator: new Authenticator(verifier, store, usage, jwt, limits),
    limits,
  };
}

function resolverContainer(services: Services) {
  const resolvers = new Map<Function, unknown>([
    [MeResolver, new MeResolver()],
    [TenantResolver, new TenantResolver(services.tenants)],
    [SubscriptionResolver, new SubscriptionResolver(services.subscriptions)],
    [ApiKeyResolver, new ApiKeyResolver(services.keys, services.keyQueries)],
    [AuditResolver, new AuditResolver(services.audit)],
    [CheckResolver, new CheckResolver(services.checks)],
    [CatalogResolver, new CatalogResolver(services.catalog)],
  ]);
  return {
    get(resolverClass: Function) {
      const resolver = resolvers.get(resolverClass);
      if (!resolver) throw new Error(`No instance for resolver ${resolverClass.name}`);
      return resolver;
    },
  };
}

/** config -> database -> migrations -> first root key -> server, in that order. */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  let embedded: EmbeddedPostgres | undefined;
  let database = options.database;
  if (!database && config.databaseUrl) database = { url: config.databaseUrl, embedded: false };
  if (!database) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, maxConnections: EMBEDDED_POOL_SIZE + 2 });
    database = { url: embedded.url, embedded: true };
    logger.info({ dataDir: config.dataDir }, "embedded PostgreSQL started");
  }
  const queryLog = new QueryLog(logger);
  const poolSize = database.embedded ? EMBEDDED_POOL_SIZE : config.dbPoolSize;
  const dataSource = createDataSource({ url: database.url, poolSize, queryLog });
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource, { lock: !database.embedded });
    if (applied.length > 0) logger.info({ migrations: applied }, "migrations applied");
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    await embedded?.close();
    throw error;
  }

  const bus: InvalidationBus =
    database.embedded ? new InProcessInvalidationBus() : new PostgresInvalidationBus(database.url, logger);
  await bus.start();
  let metrics: Metrics | undefined;
  const services = createServices(options, dataSource, bus, (code) => metrics?.recordCheck(code));
  metrics = new Metrics({ verifier: services.verifier, store: services.store, queryLog, dataSource });
  services.usage.start();
  const firstRootKey = await services.rootKeys.createFirstRootKey();

  const production = config.nodeEnv === "production";
  const armor = queryLimits().protect();
  const apollo = new ApolloServer<RequestContext>({
    schema: await keysmithSchema(),
    introspection: config.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT: Apollo's own handlers would stop it mid-shutdown and hang the exit.
    stopOnTerminationSignals: false,
    formatError,
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: MAX_TOKENS },
    plugins: [
      production ? ApolloServerPluginLandingPageProductionDefault({ footer: false }) : ApolloServerPluginLandingPageLocalDefault({ footer: false }),
      ...armor.plugins,
      errorLoggingPlugin(logger),
      metrics.plugin(),
    ],
  });
  await apollo.start();

  const corsOrigins = new Set([...config.corsOrigins, ...(production ? [] : APOLLO_SANDBOX_ORIGINS)]);
  const server = createHttpServer({
    apollo,
    authenticator: services.authenticator,
    container: resolverContainer(services),
    audit: services.audit,
    logger,
    corsOrigins,
    trustedProxies: config.trustedProxies.length > 0 ? buildBlockList(config.trustedProxies) : null,
    metrics: () => metrics.render(),
    ready: async () => {
      try {
        await dataSource.query("SELECT 1");
        return true;
      } catch {
        return false;
      }
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    firstRootKey,
    queryLog,
    dataSource,
    services,
    close: () => (closing ??= shutdown(server, apollo, services, dataSource, embedded)),
  };
}

async function shutdown(
  server: http.Server,
  apollo: ApolloServer<RequestContext>,
  services: Services,
  dataSource: DataSource,
  embedded: EmbeddedPostgres | undefined,
): Promise<void> {
  // Requests already received finish; connections left idle after them are closed as they free up.
  const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  clearInterval(idleSweep);
  await apollo.stop();
  await services.usage.stop().catch(() => undefined);
  await services.limits.close();
  await services.bus.stop();
  await dataSource.destroy();
  await embedded?.close();
}
