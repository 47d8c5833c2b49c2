import { Writable } from "node:stream";
import { type App, type AppOptions, startApp } from "../../src/app/app";
import { type Config, loadConfig } from "../../src/app/config";
import { createLogger } from "../../src/common/logger";
import { type GraphQLClient, graphqlClient } from "./graphql-client";
import { testDatabase } from "./test-database";

export interface TestApp {
  app: App;
  /** A client without credentials; `.as(key)` gives one that sends a key or token. */
  client: GraphQLClient;
  /** A root key made for this test file. */
  rootKey: string;
  root: GraphQLClient;
  /** Every log line written so far, raw. */
  logs(): string;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  // Both embedded test databases live in jest's parent process: on a busy machine a connection can take seconds.
  return { ...loadConfig({ NODE_ENV: "test", BCRYPT_COST: "4", PORT: "0", LOG_LEVEL: "debug", DB_CONNECT_TIMEOUT_MS: "30000" }), ...overrides };
}

/** A real Keysmith on a free port, on the test database, with its logs kept in memory. */
export async function startTestApp(options: Omit<Partial<AppOptions>, "config"> & { config?: Partial<Config> } = {}): Promise<TestApp> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = testConfig(options.config);
  const app = await startApp({
    ...options,
    config,
    logger: createLogger(config.logLevel, sink),
    database: options.database ?? testDatabase(),
    countRequestWork: true,
    // Every test request comes from 127.0.0.1: the brute-force tests set the production budgets themselves.
    rateLimits: options.rateLimits ?? { failedAuthPerMinute: 100_000, failedChecksPerMinute: 100_000, failedComparesPerMinute: 100_000, managementRequestsPerMinute: 100_000 },
  });
  const rootKey = await app.services.rootKeys.createRootKey("test root");
  const client = graphqlClient(`${app.url}/graphql`);
  return {
    app,
    client,
    rootKey,
    root: client.as(rootKey),
    logs: () => lines.join(""),
    close: () => app.close(),
  };
}
