import "reflect-metadata";
import cluster from "node:cluster";
import { type App, startApp } from "./app/app";
import { announceWorkerReady, runPrimary } from "./app/cluster";
import { type Config, ConfigError, loadConfig } from "./app/config";
import { ListenError } from "./app/listen";
import { DataDirLockedError } from "./db/data-dir-lock";
import { isDatabaseUnavailable } from "./common/database-errors";
import { type Logger, createLogger } from "./common/logger";

const SHUTDOWN_DEADLINE_MS = 10_000;

/** One line on standard error and exit 1: for mistakes an operator fixes, a stack trace is noise. */
function refuse(message: string): never {
  process.stderr.write(`keysmith: ${message}\n`);
  process.exit(1);
}

function printRootKey(key: string): void {
  process.stdout.write(
    [
      "",
      "Keysmith created the platform root key. It is shown only this once; store it now:",
      "",
      `    ${key}`,
      "",
      "Send it as `Authorization: Bearer <key>`. `npm run create-root-key` makes another.",
      "",
      "",
    ].join("\n"),
  );
}

/** The refusals an operator fixes (a locked data directory, a port in use, an unreachable database), as one line. */
function refuseStartFailure(error: unknown, config: Config, logger: Logger): never {
  if (error instanceof DataDirLockedError || error instanceof ListenError) refuse(error.message);
  if (isDatabaseUnavailable(error)) {
    refuse(config.databaseUrl ? "cannot reach the database at DATABASE_URL" : `the embedded database under DATA_DIR (${config.dataDir}) could not start`);
  }
  logger.fatal({ err: error }, "start-up failed");
  process.exit(1);
}

/** One server process: alone, or one of WEB_CONCURRENCY workers. */
async function serve(config: Config, logger: Logger): Promise<void> {
  const workerId = cluster.isWorker ? cluster.worker!.id : undefined;
  let app: App;
  try {
    app = await startApp({ config, logger, workerId });
  } catch (error) {
    refuseStartFailure(error, config, logger);
  }
  if (app.firstRootKey) printRootKey(app.firstRootKey);
  if (workerId === undefined) logger.info({ url: `${app.url}/graphql`, database: config.databaseUrl ? "external" : "embedded" }, "Keysmith is ready");
  else announceWorkerReady(app.url);

  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, "shutting down");
    const deadline = setTimeout(() => {
      logger.error("shutdown deadline passed; exiting");
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  // A worker whose primary is gone has no one to hand it connections or replace it.
  if (workerId !== undefined) process.on("disconnect", () => stop("the primary exited"));
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) refuse(`invalid configuration: ${error.message}`);
    throw error;
  }
  const logger = createLogger(config.logLevel);
  if (config.webConcurrency === 1 || cluster.isWorker) return serve(config, cluster.isWorker ? logger.child({ worker: cluster.worker!.id }) : logger);
  try {
    process.exit(await runPrimary(config, logger.child({ role: "primary" }), { firstRootKey: printRootKey }));
  } catch (error) {
    refuseStartFailure(error, config, logger);
  }
}

void main();
