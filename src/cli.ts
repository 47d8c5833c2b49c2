import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { createServices } from "./app";
import { InProcessInvalidationBus } from "./check/invalidation-bus";
import { ConfigError, loadConfig } from "./config";
import { DataDirLockedError } from "./db/data-dir-lock";
import { createDataSource } from "./db/data-source";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./db/embedded-postgres";
import { runMigrations } from "./db/migrate";
import { keysmithSchema, printKeysmithSchema } from "./graphql/schema";
import { createLogger } from "./logger";

const USAGE = `usage: node dist/src/cli.js <command>
  migrate                 apply pending migrations
  create-root-key [name]  create a platform root key and print it once
  print-schema [file]     write the GraphQL SDL (default schema/schema.graphql)`;

async function withDatabase<T>(work: (url: string, config: ReturnType<typeof loadConfig>) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  let embedded: EmbeddedPostgres | undefined;
  const url = config.databaseUrl ?? (embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, maxConnections: 4 })).url;
  try {
    return await work(url, config);
  } finally {
    await embedded?.close();
  }
}

async function run(command: string | undefined, args: string[]): Promise<void> {
  switch (command) {
    case "migrate":
      await withDatabase(async (url) => {
        const dataSource = createDataSource({ url, poolSize: 2 });
        await dataSource.initialize();
        try {
          const applied = await runMigrations(dataSource);
          process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "the database is up to date\n");
        } finally {
          await dataSource.destroy();
        }
      });
      return;
    case "create-root-key":
      await withDatabase(async (url, config) => {
        const dataSource = createDataSource({ url, poolSize: 2 });
        await dataSource.initialize();
        try {
          await runMigrations(dataSource);
          const logger = createLogger("silent");
          const services = createServices({ config, logger }, dataSource, new InProcessInvalidationBus());
          const key = await services.rootKeys.createRootKey(args[0] ?? "root");
          process.stdout.write(`New root key (shown only this once; store it now):\n\n    ${key}\n\n`);
        } finally {
          await dataSource.destroy();
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
