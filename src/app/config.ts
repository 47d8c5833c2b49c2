import path from "node:path";
import type { LogLevel } from "../common/logger";
import { parseCidr } from "../common/network";
import { type ScanningKey, parseScanningKeys } from "../leaks/github-scanning";

export type NodeEnv = "development" | "production" | "test";

export interface Config {
  /** External PostgreSQL; absent means the embedded database under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  host: string;
  port: number;
  bcryptCost: number;
  logLevel: LogLevel;
  nodeEnv: NodeEnv;
  introspection: boolean;
  corsOrigins: string[];
  trustedProxies: string[];
  /** CIDRs outbound requests (webhooks) may reach over http or https whatever their range. */
  outboundAllow: string[];
  /** CIDRs JWKS fetches may reach over http or https whatever their range (an on-premises identity provider). */
  jwksAllow: string[];
  /** GITHUB_SCANNING_KEYS: GitHub's secret scanning public keys; POST /v1/leaks/github is off without them. */
  githubScanningKeys: ScanningKey[];
  redisUrl?: string;
  /** Prefixes every Redis key, so deployments sharing one Redis never meet. */
  redisPrefix: string;
  /** Derives the pepper of verified-key fingerprints, which instances then share through Redis. */
  secretKey?: string;
  dbPoolSize: number;
  /** A statement running longer is cancelled (PostgreSQL; the embedded database ignores it). */
  dbStatementTimeoutMs: number;
  /** How long to wait for a database connection before answering SERVICE_UNAVAILABLE. */
  dbConnectTimeoutMs: number;
  /** Worker processes serving one port (node:cluster); above 1 needs DATABASE_URL and REDIS_URL. */
  webConcurrency: number;
  /** How long hourly check counts (keyUsage, tenantUsage) are kept. */
  usageRetentionDays: number;
  /** Management requests (every GraphQL operation but checkKey, and each subscribe) a principal may send per minute. */
  managementRequestsPerMinute: number;
  /** How long events and their webhook delivery log are kept. */
  eventRetentionDays: number;
}

/** A setting that cannot be used; the message names the variable and never echoes its value. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expectation: string,
  ) {
    super(`${variable} ${expectation}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const NODE_ENVS: readonly NodeEnv[] = ["development", "production", "test"];

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(", ")}`);
  }
  return value as T;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}`);
  }
  return Number(value);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const value = read(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (["true", "1", "yes", "on"].includes(value)) return true;
  if (["false", "0", "no", "off"].includes(value)) return false;
  throw new ConfigError(name, "must be true or false");
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(" or ")}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must be a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(" or ")}`);
  }
  return value;
}

function list(env: Env, name: string): string[] {
  return (read(env, name) ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function origins(env: Env, name: string): string[] {
  return list(env, name).map((origin) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !["http:", "https:"].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(name, "must be a comma-separated list of origins such as https://app.example.com");
    }
    return origin;
  });
}

function addressesOrCidrs(env: Env, name: string): string[] {
  const entries = list(env, name);
  if (entries.some((entry) => parseCidr(entry) === undefined)) {
    throw new ConfigError(name, "must be a comma-separated list of IP addresses or CIDR ranges");
  }
  return entries;
}

function redisPrefix(env: Env): string {
  const value = read(env, "REDIS_PREFIX") ?? "keysmith";
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value)) throw new ConfigError("REDIS_PREFIX", "must be 1-64 letters, digits, _ . or -");
  return value;
}

/** GITHUB_SCANNING_KEYS, parsed and each key loaded once at start. */
function scanningKeys(env: Env): ScanningKey[] {
  const value = read(env, "GITHUB_SCANNING_KEYS");
  if (value === undefined) return [];
  try {
    return parseScanningKeys(value);
  } catch (error) {
    throw new ConfigError("GITHUB_SCANNING_KEYS", (error as Error).message);
  }
}

/** A secret of at least 32 characters (a random string: `openssl rand -base64 32` gives 44). */
function secret(env: Env, name: string): string | undefined {
  const value = read(env, name);
  if (value !== undefined && value.length < 32) throw new ConfigError(name, "must be at least 32 characters");
  return value;
}

/** 10 to 15; as low as 4 for tests only, where speed matters more than strength. */
function bcryptCostOf(env: Env, nodeEnv: NodeEnv): number {
  const min = nodeEnv === "test" ? 4 : 10;
  const value = read(env, "BCRYPT_COST");
  if (value === undefined) return 10;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > 15) {
    throw new ConfigError("BCRYPT_COST", "must be an integer from 10 to 15 (4 to 9 only with NODE_ENV=test)");
  }
  return Number(value);
}

/**
 * Workers share one database and, through Redis, their rate limits; the embedded database serves
 * one process, so it runs one.
 */
function webConcurrencyOf(env: Env, databaseUrl: string | undefined, redisUrl: string | undefined): number {
  const workers = integer(env, "WEB_CONCURRENCY", 1, 1, 64);
  if (workers > 1 && !databaseUrl) throw new ConfigError("WEB_CONCURRENCY", "above 1 needs DATABASE_URL: the embedded database serves one process");
  if (workers > 1 && !redisUrl) throw new ConfigError("WEB_CONCURRENCY", "above 1 needs REDIS_URL: the workers share their rate limits through it");
  return workers;
}

/** Reads and validates every setting; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, "NODE_ENV", NODE_ENVS, "development");
  const bcryptCost = bcryptCostOf(env, nodeEnv);
  const databaseUrl = url(env, "DATABASE_URL", ["postgres:", "postgresql:"]);
  const redisUrl = url(env, "REDIS_URL", ["redis:", "rediss:"]);
  return {
    databaseUrl,
    dataDir: path.resolve(read(env, "DATA_DIR") ?? "./data"),
    host: read(env, "HOST") ?? "127.0.0.1",
    port: integer(env, "PORT", 4000, 0, 65535),
    bcryptCost,
    logLevel: oneOf(env, "LOG_LEVEL", LOG_LEVELS, "info"),
    nodeEnv,
    introspection: boolean(env, "INTROSPECTION", nodeEnv !== "production"),
    corsOrigins: origins(env, "CORS_ORIGINS"),
    trustedProxies: addressesOrCidrs(env, "TRUSTED_PROXIES"),
    outboundAllow: addressesOrCidrs(env, "OUTBOUND_ALLOW"),
    jwksAllow: addressesOrCidrs(env, "JWKS_ALLOW"),
    githubScanningKeys: scanningKeys(env),
    redisUrl,
    redisPrefix: redisPrefix(env),
    secretKey: secret(env, "SECRET_KEY"),
    dbPoolSize: integer(env, "DB_POOL_SIZE", 10, 1, 100),
    dbStatementTimeoutMs: integer(env, "DB_STATEMENT_TIMEOUT_MS", 10_000, 100, 600_000),
    dbConnectTimeoutMs: integer(env, "DB_CONNECT_TIMEOUT_MS", 5_000, 100, 600_000),
    webConcurrency: webConcurrencyOf(env, databaseUrl, redisUrl),
    usageRetentionDays: integer(env, "USAGE_RETENTION_DAYS", 90, 1, 3650),
    managementRequestsPerMinute: integer(env, "MANAGEMENT_REQUESTS_PER_MINUTE", 1_200, 10, 10_000_000),
    eventRetentionDays: integer(env, "EVENT_RETENTION_DAYS", 30, 2, 3650),
  };
}
