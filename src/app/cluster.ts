import cluster, { type Worker } from "node:cluster";
import { randomBytes } from "node:crypto";
import type { Logger } from "../common/logger";
import { InProcessInvalidationBus } from "../db/invalidation-bus";
import { serveClusterMetrics } from "../metrics/cluster-metrics";
import type { Config } from "./config";
import { openDatabase } from "./database";
import { probeListen } from "./listen";
import { createRootKeys } from "./services";

/** A worker tells the primary it serves, and where. */
const WORKER_READY = "keysmith:worker-ready";
/** A worker that keeps dying is a fault to report, not to hide behind restarts. */
const RESTARTS_PER_MINUTE = 5;
const SHUTDOWN_DEADLINE_MS = 12_000;

interface ReadyMessage {
  type: typeof WORKER_READY;
  url: string;
}

const isReady = (message: unknown): message is ReadyMessage =>
  typeof message === "object" && message !== null && (message as ReadyMessage).type === WORKER_READY;

/** In a worker: tells the primary this worker serves at url. */
export function announceWorkerReady(url: string): void {
  process.send?.({ type: WORKER_READY, url } satisfies ReadyMessage);
}

/**
 * What the primary does once, before any worker exists: migrations, a proof that HOST:PORT can be
 * listened on (so a start that cannot listen leaves no key), then the first root key.
 */
async function prepare(config: Config, logger: Logger): Promise<string | undefined> {
  const database = await openDatabase(config, { poolSize: 2 });
  try {
    if (database.applied.length > 0) logger.info({ migrations: database.applied }, "migrations applied");
    await probeListen(config);
    return await createRootKeys(config, database.dataSource, new InProcessInvalidationBus(), logger).createFirstRootKey();
  } finally {
    await database.close();
  }
}

/**
 * Workers prove keys by fingerprints under one pepper, so a key one worker verified is warm in
 * every worker (through Redis). Without SECRET_KEY the primary makes one for this run.
 */
function workerEnvironment(config: Config, logger: Logger): NodeJS.ProcessEnv {
  if (config.secretKey) return {};
  logger.info("SECRET_KEY is unset: the workers share a fingerprint pepper made for this run");
  return { SECRET_KEY: randomBytes(32).toString("base64url") };
}

export interface PrimaryEvents {
  /** The first root key, made on this start: to be shown once. */
  firstRootKey(key: string): void;
}

/**
 * WEB_CONCURRENCY workers on one port (node:cluster): the primary prepares the database, forks,
 * says "Keysmith is ready" once every worker serves, replaces a worker that dies, and on SIGTERM
 * or SIGINT stops them all gracefully. Resolves with the exit code.
 */
export async function runPrimary(config: Config, logger: Logger, events: PrimaryEvents): Promise<number> {
  const firstRootKey = await prepare(config, logger);
  if (firstRootKey) events.firstRootKey(firstRootKey);
  serveClusterMetrics();
  const env = workerEnvironment(config, logger);
  const live = new Map<number, Worker>();
  const serving = new Set<number>();
  const restarts: number[] = [];
  let announced = false;
  let stopping = false;
  let exitCode = 0;

  const fork = () => {
    const worker = cluster.fork(env);
    live.set(worker.id, worker);
  };

  return new Promise<number>((resolve) => {
    const stop = (code: number) => {
      if (stopping) return;
      stopping = true;
      exitCode = code;
      if (live.size === 0) return resolve(exitCode);
      for (const worker of live.values()) worker.process.kill("SIGTERM");
      setTimeout(() => {
        logger.error("workers did not stop in time; killing them");
        for (const worker of live.values()) worker.process.kill("SIGKILL");
        resolve(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
    };

    cluster.on("message", (worker, message: unknown) => {
      if (!isReady(message)) return;
      serving.add(worker.id);
      if (!announced && serving.size === config.webConcurrency) {
        announced = true;
        logger.info({ url: `${message.url}/graphql`, database: "external", workers: config.webConcurrency }, "Keysmith is ready");
      }
    });

    cluster.on("exit", (worker, code, signal) => {
      live.delete(worker.id);
      const served = serving.delete(worker.id);
      if (stopping) {
        if (live.size === 0) resolve(exitCode);
        return;
      }
      if (!served && !announced) {
        logger.error({ worker: worker.id, code, signal }, "a worker could not start; stopping");
        return stop(1);
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && now - restarts[0]! > 60_000) restarts.shift();
      if (restarts.length > RESTARTS_PER_MINUTE) {
        logger.error({ restarts: restarts.length }, "workers keep exiting; stopping");
        return stop(1);
      }
      logger.error({ worker: worker.id, code, signal }, "a worker exited; starting another");
      fork();
    });

    process.on("SIGTERM", () => (logger.info({ signal: "SIGTERM" }, "shutting down"), stop(0)));
    process.on("SIGINT", () => (logger.info({ signal: "SIGINT" }, "shutting down"), stop(0)));
    for (let worker = 0; worker < config.webConcurrency; worker++) fork();
  });
}
