import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import type { DataSource } from "typeorm";
import { EMBEDDED_POOL_SIZE, createServices } from "./app/app";
import { InProcessInvalidationBus } from "./db/invalidation-bus";
import { type Config, ConfigError, loadConfig } from "./config";
import { DataDirLockedError } from "./db/data-dir-lock";
import { createDataSource } from "./db/data-source";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./db/embedded-postgres";
import { runMigrations } from "./db/migrate";
import { keysmithSchema, printKeysmithSchema } from "./graphql/schema";
import { createLogger } from "./common/logger";

const USAGE = `usage: node dist/src/cli.js <command>
  migrate                 apply pending migrations
  create-root-key [name]  create a platform root key and print it once
  print-schema [file]     write the GraphQL SDL (default schema/schema.graphql)`;

/** Opens the configured database (starting the embedded one when DATABASE_URL is unset) and migrates it. */
async function withDatabase<T>(work: (dataSource: DataSource, config: Config, applied: string[]) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  let embedded: EmbeddedPostgres | undefined;
  if (!config.databaseUrl) embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, maxConnections: EMBEDDED_POOL_SIZE + 2 });
  const dataSource = createDataSource({ url: config.databaseUrl ?? embedded!.url, poolSize: embedded ? EMBEDDED_POOL_SIZE : 2 });
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource, { lock: !embedded });
    return await work(dataSource, config, applied);
  } finally {
    await dataSource.destroy().catch(() => undefined);
    await embedded?.close();
  }
}

async function run(command: string | undefined, args: string[]): Promise<void> {
  switch (command) {
    case "migrate":
      await withDatabase(async (_dataSource, _config, applied) => {
        process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "the database is up to date\n");
      });
      return;
    case "create-root-key":
      await withDatabase(async (dataSource, config) => {
        const services = createServices({ config, logger: createLogger("silent") }, dataSource, new InProcessInvalidationBus());
        try {
          const key = await services.rootKeys.createRootKey(args[0] ?? "root");
          process.stdout.write(`New root key (shown only this once; store it now):\n\n    ${key}\n\n`);
        } finally {
          await services.limits.close();
        }
      });
      return;
    case "print-schema": {
      const file = path.resolve(args[0] ?? "schema/schema.graphql");
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, printKeysmithSchema(await keysmithSchema()));
      process.stdout.write(`wrote ${file}\n`);
      return;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exit(command ? 1 : 0);
  }
}

run(process.argv[2], process.argv.slice(3)).catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`keysmith: invalid configuration: ${error.message}\n`);
  else if (error instanceof DataDirLockedError) process.stderr.write(`keysmith: ${error.message}\n`);
  else process.stderr.write(`keysmith: ${(error as Error).message}\n`);
  process.exit(1);
});
