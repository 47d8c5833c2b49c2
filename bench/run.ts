import "reflect-metadata";
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { loadConfig } from "../src/app/config";
import { openDatabase } from "../src/app/database";
import { type Scenario, scenarios } from "./scenarios";
import { type Seeded, seed } from "./seed";

const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 8);
/** Unmeasured load before each scenario, so JIT warm-up and cold caches do not count. */
const WARMUP_SECONDS = Math.max(1, Math.round(DURATION_SECONDS / 4));
const CONNECTIONS = 50;
const LARGE_KEYS = Number(process.env.BENCH_LARGE_KEYS ?? 1_000_000);
const COLD_KEYS = 2_000;
const MAIN = path.resolve(__dirname, "../src/main.js");
/** BENCH_PROFILE=1 writes the server's CPU profile to .bench/ (open it in Chrome DevTools). */
const PROFILE = process.env.BENCH_PROFILE === "1";
/** BENCH_ONLY=checkKey runs only the scenarios whose name contains it (the baseline always runs). */
const ONLY = process.env.BENCH_ONLY;

interface Figures {
  scenario: string;
  /** The scenario's first request, alone and before any warm-up: for apiKeyStats, the uncached count. */
  firstRequestMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  throughputRatio: number;
  p99Ratio: number;
}

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

/** Seeds before the server starts: the embedded database is one process's at a time. */
async function prepareDatabase(): Promise<{ env: Record<string, string>; seeded: Seeded; seedSeconds: number; cleanup: () => void }> {
  const started = Date.now();
  const external = process.env.DATABASE_URL;
  const dataDir = external ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), "keysmith-bench-"));
  const database = await openDatabase(loadConfig({ ...(external ? { DATABASE_URL: external } : { DATA_DIR: dataDir }), NODE_ENV: "test" }), { poolSize: 2 });
  const { dataSource } = database;
  try {
    log(`seeding (${LARGE_KEYS.toLocaleString("en")} keys in the large tenant)...`);
    const seeded = await seed(dataSource, String(Date.now()), LARGE_KEYS, COLD_KEYS);
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

/** The real server, in its own process, as a user runs it. */
function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const profile = PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(".bench")}`] : [];
  const child = spawn(process.execPath, [...profile, MAIN], {
    env: { PATH: process.env.PATH, NODE_ENV: "production", PORT: "0", LOG_LEVEL: "info", BCRYPT_COST: "10", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const ready = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"Keysmith is ready"/.exec(output);
      if (ready) resolve({ child, url: ready[1] });
    });
    child.once("exit", (code) => reject(new Error(`the server exited with ${code} before it was ready:\n${output}`)));
  });
}

function headers(credential?: string): Record<string, string> {
  return { "content-type": "application/json", ...(credential ? { authorization: `Bearer ${credential}` } : {}) };
}

/** One request on its own, checked; returns its latency (for stats, the uncached count). */
async function verify(url: string, scenario: Scenario): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { method: "POST", headers: headers(scenario.credential), body: scenario.body ?? scenario.bodies![0] });
  const body = await response.json();
  const elapsed = performance.now() - started;
  if (!scenario.expect(body)) throw new Error(`${scenario.name}: unexpected answer ${JSON.stringify(body).slice(0, 300)}`);
  return elapsed;
}

async function measure(url: string, scenario: Scenario, duration = DURATION_SECONDS) {
  let next = 0;
  const bodies = scenario.bodies;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    method: "POST",
    headers: headers(scenario.credential),
    body: scenario.body,
    requests: bodies ? [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }] : undefined,
  });
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

function table(rows: Figures[]): string {
  const header = ["scenario", "req/s", "p50 ms", "p99 ms", "errors", "x baseline", "p99 x", "first ms"];
  const lines = rows.map((row) => [
    row.scenario,
    row.requestsPerSecond.toFixed(0),
    row.p50Ms.toFixed(1),
    row.p99Ms.toFixed(1),
    String(row.errors),
    row.throughputRatio.toFixed(2),
    row.p99Ratio.toFixed(2),
    row.firstRequestMs.toFixed(1),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const format = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column]))).join("  ");
  return [format(header), ...lines.map(format)].join("\n");
}

async function main(): Promise<void> {
  const database = await prepareDatabase();
  log(`seeded in ${database.seedSeconds.toFixed(1)} s; starting the server`);
  const server = await startServer(database.env);
  const url = server.url;
  try {
    const largeLabel = LARGE_KEYS >= 1_000_000 ? `${LARGE_KEYS / 1_000_000}M` : LARGE_KEYS.toLocaleString("en");
    const all = scenarios(database.seeded, largeLabel);
    const [baselineScenario] = all;
    const selected = all.filter((scenario, index) => index > 0 && (!ONLY || scenario.name.includes(ONLY)));
    // The baseline runs first and last; its mean is what every ratio compares against, so a
    // machine that slowed down (or sped up) during the run shows as a gap between the two.
    const measured: Array<{ scenario: Scenario; firstRequestMs: number; result: Awaited<ReturnType<typeof measure>> }> = [];
    for (const scenario of [baselineScenario, ...selected, { ...baselineScenario, name: `${baselineScenario.name}, again` }]) {
      const firstRequestMs = await verify(url, scenario);
      log(`${scenario.name}...`);
      if (scenario.warmUp !== false) await measure(url, scenario, WARMUP_SECONDS);
      measured.push({ scenario, firstRequestMs, result: await measure(url, scenario) });
    }
    const baselines = [measured[0].result, measured[measured.length - 1].result];
    const baselineRps = (baselines[0].requests.average + baselines[1].requests.average) / 2;
    const baselineP99 = Math.max(1, (baselines[0].latency.p99 + baselines[1].latency.p99) / 2);
    const rows: Figures[] = measured.map(({ scenario, firstRequestMs, result }) => ({
      scenario: scenario.name,
      firstRequestMs,
      requestsPerSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors: result.errors + result.timeouts + result.non2xx,
      throughputRatio: result.requests.average / baselineRps,
      p99Ratio: result.latency.p99 / baselineP99,
    }));
    const document = { machine: machine(), seedSeconds: database.seedSeconds, largeTenantKeys: LARGE_KEYS, results: rows };
    fs.mkdirSync(".bench", { recursive: true });
    fs.writeFileSync(path.join(".bench", "latest.json"), `${JSON.stringify(document, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n\n${table(rows)}\n`);
  } finally {
    server.child.kill("SIGTERM");
    await new Promise((resolve) => server.child.once("exit", resolve));
    database.cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
