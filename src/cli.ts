import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { type Database, openDatabase } from "./app/database";
import { createRootKeys } from "./app/services";
import { createLogger } from "./common/logger";
import { ConfigError, loadConfig } from "./app/config";
import { InProcessInvalidationBus } from "./db/invalidation-bus";
import { keysmithSchema, printKeysmithSchema } from "./graphql/schema";
import { printOpenApi } from "./http/openapi";

const USAGE = `usage: node dist/src/cli.js <command>
  migrate                 apply pending migrations
  create-root-key [name]  create a platform root key and print it once
  print-schema [folder]   write schema.graphql (GraphQL SDL) and openapi.json (REST) into the folder (default schema/)`;

/** Opens the configured database, migrated, for one command, and closes it afterwards. */
async function withDatabase(work: (database: Database) => Promise<void>): Promise<void> {
  const config = loadConfig(process.env);
  const database = await openDatabase(config, { poolSize: 2 });
  try {
    await work(database);
  } finally {
    await database.close();
  }
}

async function run(command: string | undefined, args: string[]): Promise<void> {
  switch (command) {
    case "migrate":
      return withDatabase(async ({ applied }) => {
        process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "the database is up to date\n");
      });
    case "create-root-key":
      return withDatabase(async ({ dataSource }) => {
        const rootKeys = createRootKeys(loadConfig(process.env), dataSource, new InProcessInvalidationBus(), createLogger("silent"));
        const key = await rootKeys.createRootKey(args[0] ?? "root");
        process.stdout.write(`New root key (shown only this once; store it now):\n\n    ${key}\n\n`);
      });
    case "print-schema": {
      const folder = path.resolve(args[0] ?? "schema");
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, "schema.graphql"), printKeysmithSchema(await keysmithSchema()));
      fs.writeFileSync(path.join(folder, "openapi.json"), printOpenApi());
      process.stdout.write(`wrote ${path.join(folder, "schema.graphql")} and ${path.join(folder, "openapi.json")}\n`);
      return;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exit(command ? 1 : 0);
  }
}

run(process.argv[2], process.argv.slice(3)).catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`keysmith: invalid configuration: ${error.message}\n`);
  else process.stderr.write(`keysmith: ${(error as Error).message}\n`);
  process.exit(1);
});
