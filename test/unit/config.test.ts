import { generateKeyPairSync } from "node:crypto";
import path from "node:path";
import { ConfigError, loadConfig } from "../../src/app/config";

/** Calls loadConfig and returns the ConfigError it throws; fails the test when it does not throw one. */
function configErrorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${Object.keys(env).join(", ")}`);
}

const SCANNING_PUBLIC_KEY = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ type: "spki", format: "pem" }) as string;

describe("loadConfig", () => {
  it("uses the documented defaults for an empty environment", () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: undefined,
      dataDir: path.resolve("./data"),
      host: "127.0.0.1",
      port: 4000,
      bcryptCost: 10,
      logLevel: "info",
      nodeEnv: "development",
      introspection: true,
      corsOrigins: [],
      trustedProxies: [],
      outboundAllow: [],
      jwksAllow: [],
      redisUrl: undefined,
      redisPrefix: "keysmith",
      secretKey: undefined,
      dbPoolSize: 10,
      dbStatementTimeoutMs: 10_000,
      dbConnectTimeoutMs: 5_000,
      githubScanningKeys: [],
      webConcurrency: 1,
      usageRetentionDays: 90,
      managementRequestsPerMinute: 1_200,
      eventRetentionDays: 30,
    });
  });

  it("treats empty and blank variables as unset", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: "   ", NODE_ENV: " " })).toEqual(loadConfig({}));
  });

  it("reads every variable when valid", () => {
    const sut = loadConfig({
      DATABASE_URL: "postgres://app:pw@db.internal:5432/keysmith",
      DATA_DIR: "/var/lib/keysmith",
      HOST: "0.0.0.0",
      PORT: "8080",
      BCRYPT_COST: "12",
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      INTROSPECTION: "yes",
      CORS_ORIGINS: "https://app.example.com, http://localhost:3000",
      TRUSTED_PROXIES: "10.0.0.0/8,::1, 192.168.1.7",
      OUTBOUND_ALLOW: "10.1.0.0/16",
      JWKS_ALLOW: "192.168.0.10",
      REDIS_URL: "rediss://cache.internal:6380",
      REDIS_PREFIX: "keysmith-eu",
      SECRET_KEY: "k".repeat(32),
      DB_POOL_SIZE: "25",
      DB_STATEMENT_TIMEOUT_MS: "5000",
      DB_CONNECT_TIMEOUT_MS: "8000",
      GITHUB_SCANNING_KEYS: JSON.stringify({ public_keys: [{ key_identifier: "github-1", key: SCANNING_PUBLIC_KEY, is_current: true }] }),
      WEB_CONCURRENCY: "4",
      USAGE_RETENTION_DAYS: "30",
      MANAGEMENT_REQUESTS_PER_MINUTE: "600",
      EVENT_RETENTION_DAYS: "14",
    });
    expect(sut).toEqual({
      databaseUrl: "postgres://app:pw@db.internal:5432/keysmith",
      dataDir: "/var/lib/keysmith",
      host: "0.0.0.0",
      port: 8080,
      bcryptCost: 12,
      logLevel: "warn",
      nodeEnv: "production",
      introspection: true,
      corsOrigins: ["https://app.example.com", "http://localhost:3000"],
      trustedProxies: ["10.0.0.0/8", "::1", "192.168.1.7"],
      outboundAllow: ["10.1.0.0/16"],
      jwksAllow: ["192.168.0.10"],
      redisUrl: "rediss://cache.internal:6380",
      redisPrefix: "keysmith-eu",
      secretKey: "k".repeat(32),
      dbPoolSize: 25,
      dbStatementTimeoutMs: 5000,
      dbConnectTimeoutMs: 8000,
      githubScanningKeys: [{ id: "github-1", key: expect.objectContaining({ asymmetricKeyType: "ec" }) }],
      webConcurrency: 4,
      usageRetentionDays: 30,
      managementRequestsPerMinute: 600,
      eventRetentionDays: 14,
    });
  });

  describe("introspection", () => {
    it.each([
      ["development", true],
      ["test", true],
      ["production", false],
    ])("defaults to %p -> %p", (nodeEnv, introspection) => {
      expect(loadConfig({ NODE_ENV: nodeEnv }).introspection).toBe(introspection);
    });

    it.each([
      ["true", true],
      ["ON", true],
      ["1", true],
      ["false", false],
      ["off", false],
      ["0", false],
    ])("can be set explicitly in production (%p -> %p)", (value, introspection) => {
      expect(loadConfig({ NODE_ENV: "production", INTROSPECTION: value }).introspection).toBe(introspection);
    });
  });

  describe("GITHUB_SCANNING_KEYS", () => {
    it.each([
      ["not JSON", "{"],
      ["no keys", JSON.stringify({ public_keys: [] })],
      ["a key without its identifier", JSON.stringify([{ key: SCANNING_PUBLIC_KEY }])],
      ["a key that is not PEM", JSON.stringify([{ key_identifier: "k", key: "not a key" }])],
    ])("refuses %s", (_case, value) => {
      expect(configErrorFor({ GITHUB_SCANNING_KEYS: value }).variable).toBe("GITHUB_SCANNING_KEYS");
    });
  });

  describe("WEB_CONCURRENCY", () => {
    const server = { DATABASE_URL: "postgres://db/keysmith", REDIS_URL: "redis://cache:6379" };
    it.each([
      ["the embedded database", { REDIS_URL: "redis://cache:6379" }, "needs DATABASE_URL"],
      ["no Redis", { DATABASE_URL: "postgres://db/keysmith" }, "needs REDIS_URL"],
    ])("refuses more than one worker with %s", (_case, env, reason) => {
      expect(configErrorFor({ ...env, WEB_CONCURRENCY: "2" }).message).toContain(reason);
    });

    it.each(["0", "65", "two"])("refuses %p", (value) => {
      expect(configErrorFor({ ...server, WEB_CONCURRENCY: value }).variable).toBe("WEB_CONCURRENCY");
    });

    it("allows one worker on the embedded database", () => {
      expect(loadConfig({ WEB_CONCURRENCY: "1" }).webConcurrency).toBe(1);
    });
  });

  describe("BCRYPT_COST", () => {
    it("accepts a cost below 10 with NODE_ENV=test", () => {
      expect(loadConfig({ NODE_ENV: "test", BCRYPT_COST: "4" }).bcryptCost).toBe(4);
    });

    it.each(["development", "production"])("refuses a cost below 10 with NODE_ENV=%s", (nodeEnv) => {
      const sut = configErrorFor({ NODE_ENV: nodeEnv, BCRYPT_COST: "9" });
      expect(sut.variable).toBe("BCRYPT_COST");
      expect(sut.message).toContain("NODE_ENV=test");
    });

    it("refuses a cost below 10 when NODE_ENV is unset", () => {
      expect(configErrorFor({ BCRYPT_COST: "5" }).variable).toBe("BCRYPT_COST");
    });

    it.each(["3", "16"])("refuses %s even with NODE_ENV=test", (cost) => {
      expect(configErrorFor({ NODE_ENV: "test", BCRYPT_COST: cost }).variable).toBe("BCRYPT_COST");
    });
  });

  describe("a bad variable", () => {
    it.each([
      // variable, value, a part of the value that must not appear in the message
      ["NODE_ENV", "staging", "staging"],
      ["LOG_LEVEL", "verbose", "verbose"],
      ["BCRYPT_COST", "twelve", "twelve"],
      ["BCRYPT_COST", "-11", "-11"],
      ["PORT", "http", "http"],
      ["PORT", "70000", "70000"],
      ["PORT", "80.5", "80.5"],
      ["DB_POOL_SIZE", "500", "500"],
      ["DB_POOL_SIZE", "many", "many"],
      ["INTROSPECTION", "maybe", "maybe"],
      ["DATABASE_URL", "mysql://admin:S3cretDbPass@db.internal/app", "S3cretDbPass"],
      ["DATABASE_URL", "admin:S3cretDbPass@db.internal/app", "S3cretDbPass"],
      ["DATABASE_URL", "postgres://admin:S3cretDbPass@db.internal:99999/app", "S3cretDbPass"],
      ["REDIS_URL", "http://default:R3disPass@cache.internal:6379", "R3disPass"],
      ["REDIS_URL", "not a url R3disPass", "R3disPass"],
      ["CORS_ORIGINS", "https://console.acme.test,ftp://files.acme.test", "files.acme.test"],
      ["CORS_ORIGINS", "https://console.acme.test/login", "console.acme.test"],
      ["CORS_ORIGINS", "*", "*"],
      ["TRUSTED_PROXIES", "10.0.0.0/33", "10.0.0.0"],
      ["TRUSTED_PROXIES", "10.0.0.1,proxy.internal", "proxy.internal"],
      ["TRUSTED_PROXIES", "LOCAL_ONLY", "LOCAL_ONLY"],
      ["SECRET_KEY", "short-Secr3tValue", "Secr3tValue"],
      ["REDIS_PREFIX", "has spaces Pr3fix", "Pr3fix"],
    ])("%s=%p throws a ConfigError naming the variable and not echoing the value", (variable, value, fragment) => {
      const sut = configErrorFor({ NODE_ENV: "test", [variable]: value });
      expect(sut).toBeInstanceOf(ConfigError);
      expect(sut.name).toBe("ConfigError");
      expect(sut.variable).toBe(variable);
      expect(sut.message.startsWith(`${variable} must `)).toBe(true);
      expect(sut.message).not.toContain(value);
      expect(sut.message).not.toContain(fragment);
    });

    it("never puts a database password into the message", () => {
      const sut = configErrorFor({ DATABASE_URL: "mysql://admin:S3cretDbPass@db.internal/app" });
      expect(sut.message).not.toContain("S3cretDbPass");
      expect(String(sut.stack)).not.toContain("S3cretDbPass");
    });
  });
});
