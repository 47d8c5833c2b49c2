import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";

const root = path.resolve(__dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

interface Service {
  image?: string;
  build?: string | { context: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  healthcheck?: { test: string[] };
}

describe("docker-compose.yml", () => {
  const compose = parse(read("docker-compose.yml")) as { services: Record<string, Service> };
  const { postgres, app } = compose.services;

  it("runs PostgreSQL and the app built from this repository", () => {
    expect(postgres.image).toMatch(/^postgres:\d+/);
    expect(postgres.healthcheck?.test.join(" ")).toContain("pg_isready");
    const context = typeof app.build === "string" ? app.build : app.build?.context;
    expect(context).toBe(".");
  });

  it("points the app's DATABASE_URL at the postgres service with its credentials", () => {
    const url = new URL(app.environment!.DATABASE_URL);
    const env = postgres.environment!;
    expect(url.protocol).toBe("postgres:");
    expect(url.hostname).toBe("postgres");
    expect(decodeURIComponent(url.username)).toBe(env.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(env.POSTGRES_PASSWORD);
    expect(url.pathname.slice(1)).toBe(env.POSTGRES_DB);
  });

  it("starts the app once PostgreSQL is healthy, and publishes its port", () => {
    expect(app.depends_on?.postgres.condition).toBe("service_healthy");
    expect(app.ports).toContain(`${app.environment!.PORT}:${app.environment!.PORT}`);
    expect(app.environment!.HOST).toBe("0.0.0.0");
  });

  it("sets only variables the server reads", () => {
    const configSource = read("src/app/config.ts");
    for (const variable of Object.keys(app.environment!)) expect(configSource).toContain(`"${variable}"`);
  });

  it("shares rate limits through the redis service", () => {
    expect(new URL(app.environment!.REDIS_URL).hostname).toBe("redis");
    expect(compose.services.redis.image).toMatch(/^redis:/);
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");

  it("builds with the package scripts and runs the compiled server as a non-root user", () => {
    expect(JSON.parse(read("package.json")).scripts.build).toBeDefined();
    expect(dockerfile).toContain("RUN npm run build");
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/src\/main\.js"\]$/m);
  });
});
