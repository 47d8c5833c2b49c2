import "reflect-metadata";
import { type App, ListenError, startApp } from "./app/app";
import { ConfigError, loadConfig } from "./app/config";
import { DataDirLockedError } from "./db/data-dir-lock";
import { isDatabaseUnavailable } from "./common/database-errors";
import { createLogger } from "./common/logger";

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

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) refuse(`invalid configuration: ${error.message}`);
    throw error;
  }
  const logger = createLogger(config.logLevel);

  let app: App;
  try {
    app = await startApp({ config, logger });
  } catch (error) {
    if (error instanceof DataDirLockedError || error instanceof ListenError) refuse(error.message);
    if (isDatabaseUnavailable(error)) {
      refuse(config.databaseUrl ? "cannot reach the database at DATABASE_URL" : `the embedded database under DATA_DIR (${config.dataDir}) could not start`);
    }
    logger.fatal({ err: error }, "start-up failed");
    process.exit(1);
  }
  if (app.firstRootKey) printRootKey(app.firstRootKey);
  logger.info({ url: `${app.url}/graphql`, database: config.databaseUrl ? "external" : "embedded" }, "Keysmith is ready");

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
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
}

void main();
