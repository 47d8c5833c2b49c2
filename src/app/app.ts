import type http from "node:http";
import type { ApolloServer } from "@apollo/server";
import { LRUCache } from "lru-cache";
import type { ContainerType } from "type-graphql";
import type { DataSource } from "typeorm";
import type { Logger } from "../common/logger";
import type { RequestWork } from "../common/request-work";
import { AddressSet } from "../common/network";
import type { Config } from "./config";
import { InProcessInvalidationBus, type InvalidationBus, PostgresInvalidationBus } from "../db/invalidation-bus";
import { QueryLog } from "../db/query-log";
import { type SharedRedis, connectRedis } from "../db/redis";
import { createApollo } from "../graphql/apollo";
import { keysmithSchema } from "../graphql/schema";
import { createConsoleHandler, defaultConsoleRoot } from "../http/console-assets";
import { APOLLO_SANDBOX_ORIGINS, Cors } from "../http/cors";
import { graphqlRoute } from "../http/graphql-route";
import { createHttpServer } from "../http/http-server";
import { attachLiveSocket } from "../http/live-socket";
import { restCheckRoute } from "../http/rest-check";
import { githubLeaksRoute } from "../http/github-leaks";
import { clusterMetricsOf } from "../metrics/cluster-metrics";
import { Metrics, type RenderedMetrics } from "../metrics/metrics";
import type { RequestContext } from "../principals/request-context";
import { type Database, type DatabaseTarget, openDatabase } from "./database";
import { listen } from "./listen";
import { resolverContainer } from "./resolver-container";
import { type ServiceOptions, type Services, createServices } from "./services";

export interface AppOptions extends ServiceOptions {
  config: Config;
  logger: Logger;
  /** A database someone else started (tests: a PGlite socket per jest worker); otherwise config decides. */
  database?: DatabaseTarget;
  /** Counts the queries and bcrypt compares of each request, for `requestWork` (the tests use it). */
  countRequestWork?: boolean;
  /** How often live sockets' credentials are checked beyond their key's changes (tests lengthen it, to show a change closes at once). */
  liveRecheckMs?: number;
  /** One of WEB_CONCURRENCY workers: its metrics are labelled and served merged with the others'. */
  workerId?: number;
}

export interface App {
  /** Counts every statement sent to the database. */
  queryLog: QueryLog;
  /** The base URL the server listens on, e.g. http://127.0.0.1:4000 */
  url: string;
  /** The first root key, when this start created it (to be printed once). */
  firstRootKey: string | undefined;
  dataSource: DataSource;
  services: Services;
  /** What a recent request cost (queries and bcrypt compares it caused), by its x-request-id; with countRequestWork. */
  requestWork(requestId: string): RequestWork | undefined;
  /** Stops accepting, finishes requests in flight, flushes usage and closes the database. */
  close(): Promise<void>;
}

/**
 * config -> database -> migrations -> services -> listening -> first root key -> serving, in that
 * order. The server listens before the first root key is made, so a start that cannot listen
 * leaves no key behind; requests wait until the key is made (and printed).
 */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const queryLog = new QueryLog(logger);
  const database = await openDatabase(config, { target: options.database, queryLog });
  logDatabase(logger, config, database);
  const bus = await startBus(database, logger);
  const redis = config.redisUrl ? connectRedis(config.redisUrl, config.redisPrefix, logger) : undefined;
  let metrics: Metrics | undefined;
  const services = createServices(config, logger, database, bus, redis, options, (code) => metrics?.recordCheck(code));
  metrics = new Metrics({ verifier: services.verifier, scheduler: services.scheduler, store: services.store, queryLog, dataSource: database.dataSource });
  services.usage.start();
  services.usageRetention.start();
  services.eventRetention.start();
  if (!options.events?.manual) {
    services.deliveries.start();
    services.keyEventScan.start();
  }
  let url = "";
  const apollo = await createApollo({
    production: config.nodeEnv === "production",
    introspection: config.introspection,
    url: () => url,
    logger,
    audit: services.audit,
    management: {
      requestsOf: (principalId) => services.limits.managementRequests(principalId),
      databaseShare: services.databaseShare,
    },
    plugins: [metrics.plugin()],
  });
  const workLog = options.countRequestWork ? new LRUCache<string, RequestWork>({ max: 1_000 }) : undefined;
  let started!: () => void;
  const serving = new Promise<void>((resolve) => (started = resolve));
  const { workerId } = options;
  const renderMetrics = workerId === undefined ? () => metrics!.render() : clusterMetricsOf(metrics, workerId);
  const container = resolverContainer(services);
  const server = buildHttpServer({ config, logger, services, apollo, container, renderMetrics, dataSource: database.dataSource, workLog, serving, workerId });
  const live = attachLiveSocket(server, {
    schema: await keysmithSchema(),
    authenticator: services.authenticator,
    container,
    bus,
    trustedProxies: trustedProxiesOf(config),
    logger,
    requestsOf: (principalId) => services.limits.managementRequests(principalId),
    recheckMs: options.liveRecheckMs,
  });
  const stop = () => live.close().then(() => shutdown(server, apollo, services, database, redis));
  let firstRootKey: string | undefined;
  try {
    url = await listen(server, config);
    firstRootKey = await services.rootKeys.createFirstRootKey();
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  started();
  let closing: Promise<void> | undefined;
  return {
    url,
    firstRootKey,
    queryLog,
    dataSource: database.dataSource,
    services,
    requestWork: (requestId) => workLog?.get(requestId),
    close: () => (closing ??= stop()),
  };
}

function trustedProxiesOf(config: Config): AddressSet | null {
  return config.trustedProxies.length > 0 ? new AddressSet(config.trustedProxies) : null;
}

function logDatabase(logger: Logger, config: Config, database: Database): void {
  if (database.target.embedded && !config.databaseUrl) logger.info({ dataDir: config.dataDir }, "embedded PostgreSQL started");
  if (database.applied.length > 0) logger.info({ migrations: database.applied }, "migrations applied");
}

/** The embedded database delivers no NOTIFY between connections, and it serves one process. */
async function startBus(database: Database, logger: Logger): Promise<InvalidationBus> {
  const bus = database.target.embedded ? new InProcessInvalidationBus() : new PostgresInvalidationBus(database.target.url, logger);
  await bus.start();
  return bus;
}

interface HttpServerParts {
  config: Config;
  logger: Logger;
  services: Services;
  apollo: ApolloServer<RequestContext>;
  container: ContainerType;
  renderMetrics: () => Promise<RenderedMetrics>;
  dataSource: DataSource;
  workLog: LRUCache<string, RequestWork> | undefined;
  serving: Promise<void>;
  workerId: number | undefined;
}

function buildHttpServer({ config, logger, services, apollo, container, renderMetrics, dataSource, workLog, serving, workerId }: HttpServerParts): http.Server {
  const production = config.nodeEnv === "production";
  const cors = new Cors(new Set([...config.corsOrigins, ...(production ? [] : APOLLO_SANDBOX_ORIGINS)]));
  const trustedProxies = trustedProxiesOf(config);
  const graphql = graphqlRoute({ apollo, authenticator: services.authenticator, container, trustedProxies, cors });
  const check = restCheckRoute({ authenticator: services.authenticator, checks: services.checks, trustedProxies, cors });
  const githubLeaks = githubLeaksRoute({ leaks: services.leaks, keys: config.githubScanningKeys, trustedProxies });
  return createHttpServer({
    graphql,
    check,
    githubLeaks,
    serveConsole: createConsoleHandler({ root: defaultConsoleRoot() }),
    cors,
    logger,
    metrics: renderMetrics,
    workLog,
    serving,
    workerId,
    ready: () => dataSource.query("SELECT 1").then(() => true, () => false),
  });
}

async function shutdown(
  server: http.Server,
  apollo: ApolloServer<RequestContext>,
  services: Services,
  database: Database,
  redis: SharedRedis | undefined,
): Promise<void> {
  // Requests already received finish; connections left idle after them are closed as they free up.
  const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  clearInterval(idleSweep);
  await apollo.stop();
  services.usageRetention.stop();
  services.eventRetention.stop();
  await Promise.all([services.deliveries.stop(), services.keyEventScan.stop()]);
  await services.usage.stop().catch(() => undefined);
  redis?.client.disconnect();
  await services.bus.stop();
  await database.close();
}
