import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

const MAIN = path.resolve(__dirname, "../src/main.js");
const CEILING = path.resolve(__dirname, "ceiling.js");

export interface BenchServer {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** The real server, in its own process, as a user runs it (production mode, bcrypt cost 10). */
export function startServer(env: Record<string, string>, profile = false): Promise<BenchServer> {
  const profiling = profile ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(".bench")}`] : [];
  return startProcess(MAIN, profiling, {
    env: { PATH: process.env.PATH, NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? "", NODE_ENV: "production", PORT: "0", LOG_LEVEL: "info", BCRYPT_COST: "10",
      // The bench measures how fast reads are served, not the per-principal budget (tested on its own): no principal runs out.
      MANAGEMENT_REQUESTS_PER_MINUTE: "10000000", ...env },
    ready: /"url":"(http:\/\/[^"]+)\/graphql"[^\n]*"msg":"Keysmith is ready"/,
  });
}

/** The bare node:http server the REST check is compared with, answering `answer` to every request. */
export function startCeiling(answer: string): Promise<BenchServer> {
  return startProcess(CEILING, [], { env: { PATH: process.env.PATH, CEILING_ANSWER: answer }, ready: /"url":"(http:\/\/[^"]+)","msg":"ceiling ready"/ });
}

function startProcess(main: string, nodeArguments: string[], { env, ready: readyLine }: { env: NodeJS.ProcessEnv; ready: RegExp }): Promise<BenchServer> {
  const child = spawn(process.execPath, [...nodeArguments, main], { env, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const ready = readyLine.exec(output);
      if (!ready) return;
      resolve({
        child,
        url: ready[1],
        stop: () =>
          new Promise((stopped) => {
            child.once("exit", () => stopped());
            child.kill("SIGTERM");
          }),
      });
    });
    child.once("exit", (code) => reject(new Error(`the server exited with ${code} before it was ready:\n${output}`)));
  });
}

/** A counter's value from /metrics (summed over its labels). */
export async function metric(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}
