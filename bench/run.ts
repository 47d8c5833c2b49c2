import "reflect-metadata";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/app/config";
import { openDatabase } from "../src/app/database";
import { type Figures, drive, headers } from "./load";
import {
  type Scenario,
  HONEST_CONNECTIONS,
  REST_CHECK,
  attacks,
  baseline,
  ceiling,
  check,
  honestColdChecks,
  noisyNeighbour,
  quietFirstPage,
  restCheck,
  restScenarios,
  scenarios,
} from "./scenarios";
import { type Seeded, seed } from "./seed";
import { type BenchServer, metric, startCeiling, startServer } from "./server";

const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 8);
/** Unmeasured load before each scenario, so JIT warm-up and cold caches do not count. */
const WARMUP_SECONDS = Math.max(1, Math.round(DURATION_SECONDS / 4));
const CONNECTIONS = 50;
const LARGE_KEYS = Number(process.env.BENCH_LARGE_KEYS ?? 1_000_000);
const COLD_KEYS = 2_000;
/** Keys a first instance verifies before the restart-warm run starts a second one. */
const RESTART_KEYS = 200;
/** BENCH_PROFILE=1 writes the server's CPU profile to .bench/ (open it in Chrome DevTools). */
const PROFILE = process.env.BENCH_PROFILE === "1";
/** BENCH_ONLY=checkKey (or a comma-separated list) runs only the scenarios whose name contains one of them (with their baseline or ceiling). */
const ONLY = process.env.BENCH_ONLY?.split(",").map((part) => part.trim()).filter(Boolean);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

interface Row extends Figures {
  /** The scenario's first request, alone and before any warm-up: for apiKeyStats, the uncached count. */
  firstRequestMs: number;
  throughputRatio: number;
  p99Ratio: number;
}

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
const selected = (name: string) => !ONLY || ONLY.some((part) => name.includes(part));

/** Seeds before the server starts: the embedded database is one process's at a time. */
async function prepareDatabase(): Promise<{ env: Record<string, string>; seeded: Seeded; seedSeconds: number; cleanup: () => void }> {
  const started = Date.now();
  const external = process.env.DATABASE_URL;
  const dataDir = external ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), "keysmith-bench-"));
  const database = await openDatabase(loadConfig({ ...(external ? { DATABASE_URL: external } : { DATA_DIR: dataDir }), NODE_ENV: "test", DB_STATEMENT_TIMEOUT_MS: "600000" }), { poolSize: 2 });
  try {
    log(`seeding (${LARGE_KEYS.toLocaleString("en")} keys in the large tenant)...`);
    const seeded = await seed(database.dataSource, String(Date.now()), LARGE_KEYS, COLD_KEYS);
    return {
      env: external ? { DATABASE_URL: external } : { DATA_DIR: dataDir! },
      seeded,
      seedSeconds: (Date.now() - started) / 1000,
      cleanup: () => dataDir && fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  } finally {
    await database.close();
  }
}

/** One request on its own, checked; returns its latency (for stats, the uncached count). */
async function firstRequest(baseUrl: string, scenario: Scenario): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}${scenario.path ?? "/graphql"}`, { method: "POST", headers: headers(scenario.credential), body: scenario.body ?? scenario.bodies![0] });
  const body = await response.json();
  const elapsed = performance.now() - started;
  if (!scenario.expect(body, response.status)) throw new Error(`${scenario.name}: unexpected answer ${JSON.stringify(body).slice(0, 300)}`);
  return elapsed;
}

async function measure(baseUrl: string, scenario: Scenario): Promise<Figures & { firstRequestMs: number }> {
  const firstRequestMs = await firstRequest(baseUrl, scenario);
  log(`${scenario.name}...`);
  const connections = scenario.connections ?? CONNECTIONS;
  if (scenario.warmUp !== false) await drive(baseUrl, scenario, connections, WARMUP_SECONDS);
  return { ...(await drive(baseUrl, scenario, connections, DURATION_SECONDS, scenario.name)), firstRequestMs };
}

/**
 * The load scenarios between two baselines; every ratio compares with their mean, so a machine
 * that slowed down (or sped up) during the run shows as a gap between the two.
 */
async function loadScenarios(url: string, seeded: Seeded, largeLabel: string): Promise<Row[]> {
  const chosen = scenarios(seeded, largeLabel).filter((scenario) => selected(scenario.name));
  if (chosen.length === 0) return [];
  const first = await measure(url, baseline());
  const results = [first];
  for (const scenario of chosen) results.push(await measure(url, scenario));
  results.push(await measure(url, { ...baseline(), name: "baseline { __typename }, again" }));
  const last = results[results.length - 1];
  const baselineRps = (first.requestsPerSecond + last.requestsPerSecond) / 2;
  const baselineP99 = Math.max(1, (first.p99Ms + last.p99Ms) / 2);
  return results.map((figures) => ({ ...figures, throughputRatio: figures.requestsPerSecond / baselineRps, p99Ratio: figures.p99Ms / baselineP99 }));
}

interface RestRows {
  /** The bare node:http server, before and after the REST scenarios. */
  ceiling: Figures[];
  rows: Array<Figures & { throughputRatio: number; p99Ratio: number }>;
}

/** The REST check warm and malformed, between two runs of a bare node:http server answering the same JSON. */
async function restRun(url: string, seeded: Seeded): Promise<RestRows> {
  const warm = await fetch(`${url}${REST_CHECK}`, { method: "POST", headers: headers(seeded.verifier.key), body: restCheck(seeded.validKey) });
  const bare = await startCeiling(await warm.text());
  try {
    const first = await measure(bare.url, ceiling(seeded));
    const measured = [];
    for (const scenario of restScenarios(seeded).filter((scenario) => selected(scenario.name))) measured.push(await measure(url, scenario));
    const last = await measure(bare.url, { ...ceiling(seeded), name: `${ceiling(seeded).name}, again` });
    const ceilingRps = (first.requestsPerSecond + last.requestsPerSecond) / 2;
    const ceilingP99 = Math.max(1, (first.p99Ms + last.p99Ms) / 2);
    return {
      ceiling: [first, last],
      rows: measured.map((figures) => ({ ...figures, throughputRatio: figures.requestsPerSecond / ceilingRps, p99Ratio: figures.p99Ms / ceilingP99 })),
    };
  } finally {
    await bare.stop();
  }
}

interface ConcurrencyRow {
  oneWorker: Figures;
  twoWorkers: Figures;
  /** Two workers' warm REST throughput over one worker's, same database, same Redis, same run. */
  throughputRatio: number;
}

/** PostgreSQL and Redis only: the warm REST check with WEB_CONCURRENCY=1, then 2. */
async function concurrencyRun(env: Record<string, string>, seeded: Seeded): Promise<ConcurrencyRow | undefined> {
  if (!process.env.DATABASE_URL || !(await redisReachable())) {
    log("WEB_CONCURRENCY run skipped: it needs PostgreSQL (DATABASE_URL) and Redis");
    return undefined;
  }
  const [warm] = restScenarios(seeded);
  const withWorkers = async (workers: number) => {
    const server = await startServer({ ...env, REDIS_URL, REDIS_PREFIX: `keysmith-bench-${randomBytes(4).toString("hex")}`, WEB_CONCURRENCY: String(workers) });
    try {
      return await measure(server.url, { ...warm, name: `REST check warm, WEB_CONCURRENCY=${workers}` });
    } finally {
      await server.stop();
    }
  };
  const oneWorker = await withWorkers(1);
  const twoWorkers = await withWorkers(2);
  return { oneWorker, twoWorkers, throughputRatio: twoWorkers.requestsPerSecond / oneWorker.requestsPerSecond };
}

interface AttackRow extends Figures {
  /** The honest sender's p99 over its own uncontended cold p99, measured in the same run. */
  p99OverUncontended: number;
  attackerRequestsPerSecond: number;
}

/** The honest sender's cold checks alone, then under each attack running as fast as it can. */
async function attackScenarios(url: string, seeded: Seeded): Promise<AttackRow[]> {
  const uncontended = await measure(url, { ...honestColdChecks(seeded, "uncontended"), name: "cold, honest sender alone" });
  const rows: AttackRow[] = [{ ...uncontended, p99OverUncontended: 1, attackerRequestsPerSecond: 0 }];
  for (const attack of attacks(seeded)) {
    const honest = honestColdChecks(seeded, attack.victims);
    log(`${attack.name}...`);
    const attacker = drive(url, attack.load(seeded.coldKeys[attack.victims]), CONNECTIONS, DURATION_SECONDS + WARMUP_SECONDS + 1);
    await new Promise((resolve) => setTimeout(resolve, WARMUP_SECONDS * 1000));
    const figures = await drive(url, honest, HONEST_CONNECTIONS, DURATION_SECONDS, attack.name);
    const attackFigures = await attacker;
    rows.push({ ...figures, p99OverUncontended: figures.p99Ms / Math.max(1, uncontended.p99Ms), attackerRequestsPerSecond: attackFigures.requestsPerSecond });
  }
  return rows;
}

interface NoisyRow {
  alone: Figures;
  withNeighbour: Figures;
  /** The quiet tenant's p99 with the noisy neighbour over its own p99 alone (goal <= 3). */
  p99Ratio: number;
  neighbourRequestsPerSecond: number;
  neighbourRefusedAs429: number;
}

/** PostgreSQL only: a tenant sending the most expensive documents the limits allow beside another's ordinary reads. */
async function noisyNeighbourRun(url: string, seeded: Seeded): Promise<NoisyRow | undefined> {
  if (!process.env.DATABASE_URL) {
    log("noisy neighbour skipped: it measures PostgreSQL (DATABASE_URL); the embedded database runs one statement at a time");
    return undefined;
  }
  const quiet = quietFirstPage(seeded);
  const alone = await measure(url, { ...quiet, name: "quiet tenant alone" });
  log("noisy neighbour...");
  const neighbour = drive(url, noisyNeighbour(seeded), CONNECTIONS, DURATION_SECONDS + WARMUP_SECONDS + 1, "noisy neighbour");
  await new Promise((resolve) => setTimeout(resolve, WARMUP_SECONDS * 1000));
  const withNeighbour = await drive(url, quiet, HONEST_CONNECTIONS, DURATION_SECONDS, "quiet tenant beside the noisy one");
  const neighbourFigures = await neighbour;
  return {
    alone,
    withNeighbour,
    p99Ratio: withNeighbour.p99Ms / Math.max(1, alone.p99Ms),
    neighbourRequestsPerSecond: neighbourFigures.requestsPerSecond,
    neighbourRefusedAs429: neighbourFigures.expectedStatusCount ?? 0,
  };
}

function redisReachable(): Promise<boolean> {
  const { hostname, port } = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379), timeout: 1_000 });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

interface RestartRow {
  keys: number;
  firstInstance: { bcryptCompares: number; seconds: number };
  restartedInstance: { bcryptCompares: number; sharedFingerprintHits: number; seconds: number };
}

/** With Redis and SECRET_KEY: an instance started after another verified keys checks them with no bcrypt. */
async function restartWarm(env: Record<string, string>, seeded: Seeded): Promise<RestartRow | undefined> {
  if (!(await redisReachable())) {
    log(`restart warm skipped: no Redis at ${REDIS_URL} (BENCH_REDIS_URL)`);
    return undefined;
  }
  const shared = { ...env, REDIS_URL, REDIS_PREFIX: `keysmith-bench-${randomBytes(4).toString("hex")}`, SECRET_KEY: randomBytes(32).toString("base64") };
  const keys = seeded.coldKeys.restart.slice(0, RESTART_KEYS);
  const checkAll = async (server: BenchServer) => {
    const started = performance.now();
    const before = await metric(server.url, "keysmith_bcrypt_compares_total");
    const sharedBefore = await metric(server.url, "keysmith_shared_fingerprint_hits_total");
    for (let i = 0; i < keys.length; i += HONEST_CONNECTIONS) {
      await Promise.all(
        keys.slice(i, i + HONEST_CONNECTIONS).map(async (key) => {
          const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: headers(seeded.verifier.key), body: check(key) });
          const answer = (await response.json()) as { data?: { checkKey?: { code?: string } } };
          if (answer.data?.checkKey?.code !== "VALID") throw new Error(`restart warm: unexpected answer ${JSON.stringify(answer)}`);
        }),
      );
    }
    return {
      bcryptCompares: (await metric(server.url, "keysmith_bcrypt_compares_total")) - before,
      sharedFingerprintHits: (await metric(server.url, "keysmith_shared_fingerprint_hits_total")) - sharedBefore,
      seconds: (performance.now() - started) / 1000,
    };
  };
  log("restart warm: a first instance verifies the keys...");
  const first = await startServer(shared);
  // The backend's own key is verified (and shared) before the measured checks.
  await fetch(`${first.url}/graphql`, { method: "POST", headers: headers(seeded.verifier.key), body: JSON.stringify({ query: "{ __typename }" }) });
  const firstFigures = await checkAll(first);
  await first.stop();
  log("restart warm: a new instance checks them...");
  const second = await startServer(shared);
  await fetch(`${second.url}/graphql`, { method: "POST", headers: headers(seeded.verifier.key), body: JSON.stringify({ query: "{ __typename }" }) });
  const secondFigures = await checkAll(second);
  await second.stop();
  return {
    keys: keys.length,
    firstInstance: { bcryptCompares: firstFigures.bcryptCompares, seconds: firstFigures.seconds },
    restartedInstance: secondFigures,
  };
}

function machine() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    database: process.env.DATABASE_URL ? "postgresql (DATABASE_URL)" : "embedded PGlite",
    connections: CONNECTIONS,
    durationSeconds: DURATION_SECONDS,
  };
}

function table(header: string[], lines: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const format = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column]))).join("  ");
  return [format(header), ...lines.map(format)].join("\n");
}

function searchLine(rows: Row[]): string {
  const small = rows.find((row) => row.scenario.startsWith("apiKeys search by partial key, 1k"));
  const large = rows.find((row) => row.scenario.startsWith("apiKeys search by partial key") && row !== small);
  if (!small || !large) return "";
  return `key search at ${large.scenario.split(", ")[1]} over 1k keys: p50 x${(large.p50Ms / Math.max(1, small.p50Ms)).toFixed(2)}, p99 x${(large.p99Ms / Math.max(1, small.p99Ms)).toFixed(2)}, throughput x${(large.requestsPerSecond / small.requestsPerSecond).toFixed(2)} (goal: latency <= 2x)`;
}

function noisyLine(noisy: NoisyRow | undefined): string {
  if (!noisy) return "";
  return (
    `noisy neighbour: the quiet tenant's apiKeys(first: 20) p99 ${noisy.alone.p99Ms.toFixed(1)} ms alone, ${noisy.withNeighbour.p99Ms.toFixed(1)} ms beside ` +
    `the noisy one (x${noisy.p99Ratio.toFixed(2)}, goal <= 3); the noisy tenant got ${noisy.neighbourRequestsPerSecond.toFixed(0)} answers/s ` +
    `(${noisy.neighbourRefusedAs429} refused 429)`
  );
}

function restTable(rest: RestRows | undefined): string {
  if (!rest) return "";
  return table(
    ["REST check", "req/s", "p50 ms", "p99 ms", "errors", "x ceiling", "p99 x ceiling"],
    [
      ...rest.ceiling.map((row) => [row.scenario, row.requestsPerSecond.toFixed(0), row.p50Ms.toFixed(1), row.p99Ms.toFixed(1), String(row.errors), "", ""]),
      ...rest.rows.map((row) => [
        row.scenario,
        row.requestsPerSecond.toFixed(0),
        row.p50Ms.toFixed(1),
        row.p99Ms.toFixed(1),
        String(row.errors),
        row.throughputRatio.toFixed(2),
        row.p99Ratio.toFixed(2),
      ]),
    ],
  );
}

function concurrencyLine(concurrency: ConcurrencyRow | undefined): string {
  if (!concurrency) return "";
  const { oneWorker, twoWorkers } = concurrency;
  return (
    `WEB_CONCURRENCY=2: warm REST check ${twoWorkers.requestsPerSecond.toFixed(0)} req/s (p99 ${twoWorkers.p99Ms.toFixed(1)} ms) over one worker's ` +
    `${oneWorker.requestsPerSecond.toFixed(0)} req/s (p99 ${oneWorker.p99Ms.toFixed(1)} ms): x${concurrency.throughputRatio.toFixed(2)}, ` +
    `with the load generator on the same ${os.cpus().length} cores`
  );
}

interface Report {
  rows: Row[];
  rest: RestRows | undefined;
  attackRows: AttackRow[];
  noisy: NoisyRow | undefined;
  restart: RestartRow | undefined;
  concurrency: ConcurrencyRow | undefined;
}

function report({ rows, rest, attackRows, noisy, restart, concurrency }: Report): string {
  const load = rows.length === 0 ? "" : table(
    ["scenario", "req/s", "p50 ms", "p99 ms", "errors", "x baseline", "p99 x", "first ms"],
    rows.map((row) => [
      row.scenario,
      row.requestsPerSecond.toFixed(0),
      row.p50Ms.toFixed(1),
      row.p99Ms.toFixed(1),
      String(row.errors),
      row.throughputRatio.toFixed(2),
      row.p99Ratio.toFixed(2),
      row.firstRequestMs.toFixed(1),
    ]),
  );
  const attack = attackRows.length === 0 ? "" : table(
    ["honest cold checks (10 connections)", "req/s", "p50 ms", "p99 ms", "errors", "p99 x alone", "attacker req/s"],
    attackRows.map((row) => [
      row.scenario,
      row.requestsPerSecond.toFixed(0),
      row.p50Ms.toFixed(1),
      row.p99Ms.toFixed(1),
      String(row.errors),
      row.p99OverUncontended.toFixed(2),
      row.attackerRequestsPerSecond.toFixed(0),
    ]),
  );
  const restartLine = restart
    ? `restart warm: ${restart.keys} keys verified by a first instance (${restart.firstInstance.bcryptCompares} bcrypt compares, ` +
      `${restart.firstInstance.seconds.toFixed(2)} s); a new instance checked them with ${restart.restartedInstance.bcryptCompares} ` +
      `bcrypt compares (${restart.restartedInstance.sharedFingerprintHits} shared fingerprints) in ${restart.restartedInstance.seconds.toFixed(2)} s`
    : "";
  return [load, searchLine(rows), restTable(rest), attack, noisyLine(noisy), restartLine, concurrencyLine(concurrency)].filter(Boolean).join("\n\n");
}

async function main(): Promise<void> {
  const database = await prepareDatabase();
  log(`seeded in ${database.seedSeconds.toFixed(1)} s; starting the server`);
  // The many-address attack comes through a proxy on loopback, as it would behind a load balancer.
  const server = await startServer({ ...database.env, TRUSTED_PROXIES: "127.0.0.1" }, PROFILE);
  const measured: Report = { rows: [], rest: undefined, attackRows: [], noisy: undefined, restart: undefined, concurrency: undefined };
  try {
    const largeLabel = LARGE_KEYS >= 1_000_000 ? `${LARGE_KEYS / 1_000_000}M` : LARGE_KEYS.toLocaleString("en");
    measured.rows = await loadScenarios(server.url, database.seeded, largeLabel);
    if (restScenarios(database.seeded).some((scenario) => selected(scenario.name))) measured.rest = await restRun(server.url, database.seeded);
    if (selected("cold under attack")) measured.attackRows = await attackScenarios(server.url, database.seeded);
    if (selected("noisy neighbour")) measured.noisy = await noisyNeighbourRun(server.url, database.seeded);
  } finally {
    await server.stop();
  }
  try {
    if (selected("restart warm")) measured.restart = await restartWarm(database.env, database.seeded);
    if (selected("WEB_CONCURRENCY")) measured.concurrency = await concurrencyRun(database.env, database.seeded);
    const document = {
      machine: machine(),
      seedSeconds: database.seedSeconds,
      largeTenantKeys: LARGE_KEYS,
      results: measured.rows,
      restCheck: measured.rest,
      coldUnderAttack: measured.attackRows,
      noisyNeighbour: measured.noisy,
      restartWarm: measured.restart,
      webConcurrency: measured.concurrency,
    };
    fs.mkdirSync(".bench", { recursive: true });
    fs.writeFileSync(path.join(".bench", "latest.json"), `${JSON.stringify(document, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n\n${report(measured)}\n`);
  } finally {
    database.cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
