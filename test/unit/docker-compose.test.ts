import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { loadConfig } from "../../src/app/config";

const root = path.resolve(__dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

interface Service {
  image?: string;
  build?: string | { context: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  healthcheck?: { test: string[] };
  command?: string[];
}

describe("docker-compose.yml", () => {
  const compose = parse(read("docker-compose.yml")) as { services: Record<string, Service> };
  const { postgres, redis, app } = compose.services;
  const env = app.environment!;

  it("runs PostgreSQL, Redis and the app built from this repository", () => {
    expect(postgres.image).toMatch(/^postgres:\d+$/);
    expect(redis.image).toMatch(/^redis:\d+$/);
    expect(postgres.healthcheck?.test.join(" ")).toContain(`pg_isready -U ${postgres.environment!.POSTGRES_USER}`);
    const context = typeof app.build === "string" ? app.build : app.build?.context;
    expect(context).toBe(".");
  });

  it("points the app's DATABASE_URL at the postgres service with its credentials", () => {
    const url = new URL(env.DATABASE_URL);
    const postgresEnv = postgres.environment!;
    expect(url.protocol).toBe("postgres:");
    expect(url.hostname).toBe("postgres");
    expect(url.port).toBe("5432");
    expect(decodeURIComponent(url.username)).toBe(postgresEnv.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(postgresEnv.POSTGRES_PASSWORD);
    expect(url.pathname.slice(1)).toBe(postgresEnv.POSTGRES_DB);
  });

  it("gives the app a configuration the server accepts, in production, sharing limits through the redis service", () => {
    const config = loadConfig(env);
    expect(config.nodeEnv).toBe("production");
    expect(config.host).toBe("0.0.0.0");
    expect(new URL(config.redisUrl!).hostname).toBe("redis");
    expect(Object.keys(env).filter((variable) => !read("src/app/config.ts").includes(`"${variable}"`))).toEqual([]);
  });

  it("starts the app once PostgreSQL is healthy, and publishes its port on the loopback interface only (/metrics is on it)", () => {
    expect(app.depends_on?.postgres.condition).toBe("service_healthy");
    expect(app.ports).toEqual([`127.0.0.1:${env.PORT}:${env.PORT}`]);
  });

  it("keeps Redis free of persistence (limits and fingerprints are disposable)", () => {
    expect(redis.command).toEqual(expect.arrayContaining(["--save", "", "--appendonly", "no"]));
  });

  it("is started the way its comment and README say", () => {
    expect(read("docker-compose.yml")).toContain("docker compose up --build");
    expect(read("README.md")).toContain("docker compose up --build");
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");

  it("builds with the package scripts and runs the compiled server as a non-root user", () => {
    expect(JSON.parse(read("package.json")).scripts.build).toBe("tsc -p tsconfig.build.json");
    expect(dockerfile).toContain("RUN npm run build");
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/src\/main\.js"\]$/m);
  });

  it("builds the console in the build stage and ships its bundle, without its build tools", () => {
    const [build, runtime] = dockerfile.split(/^FROM /m).slice(1);
    expect(build).toMatch(/^COPY console \.\/console$/m);
    expect(build.indexOf("COPY console")).toBeLessThan(build.indexOf("RUN npm ci"));
    expect(runtime).toContain("RUN npm ci --omit=dev --ignore-scripts");
    expect(runtime).toMatch(/^COPY --from=build \/app\/console\/dist \.\/console\/dist$/m);
  });

  it("checks health on /readyz (the database answers) at the configured PORT", () => {
    const healthcheck = dockerfile.split("\n").find((line) => line.includes("CMD [\"node\", \"-e\""))!;
    expect(healthcheck).toContain("/readyz");
    expect(healthcheck).toContain("process.env.PORT");
    expect(healthcheck).not.toContain(":4000/");
  });
});
