import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { CONSOLE_CSP, createConsoleHandler, defaultConsoleRoot } from "../../src/http/console-assets";

const INDEX = '<!doctype html><script type="module" src="/console/assets/index-AbCd1234.js"></script>';

describe("console assets handler", () => {
  let root: string;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "keysmith-console-"));
    fs.mkdirSync(path.join(root, "assets"));
    fs.writeFileSync(path.join(root, "index.html"), INDEX);
    fs.writeFileSync(path.join(root, "assets/index-AbCd1234.js"), "console.log('console');");
    fs.writeFileSync(path.join(root, "assets/index-Ef_Gh-56.css"), "body{}");
    fs.writeFileSync(path.join(root, "favicon.svg"), "<svg/>");
    fs.writeFileSync(path.join(root, ".build-hash"), "abc\n");
    fs.writeFileSync(path.join(path.dirname(root), "keysmith-console-secret.txt"), "outside");
    const sut = createConsoleHandler({ root });
    server = http.createServer(async (request, response) => {
      const pathname = (request.url ?? "/").split("?")[0];
      if (!(await sut(request, response, pathname))) {
        response.writeHead(404, { "x-handled-by": "next" });
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(path.join(path.dirname(root), "keysmith-console-secret.txt"), { force: true });
  });

  /** fetch() normalises ../ away: a raw request sends the path as written. */
  function rawGet(rawPath: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request(`${base}/`, { path: rawPath }, (response) => {
        let body = "";
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on("error", reject);
      request.end();
    });
  }

  it("serves index.html at /console/ without caching, with the security headers", async () => {
    const response = await fetch(`${base}/console/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("content-security-policy")).toBe(CONSOLE_CSP);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(await response.text()).toBe(INDEX);
  });

  it("allows only its own origin and no inline script", () => {
    expect(CONSOLE_CSP).toContain("default-src 'self'");
    expect(CONSOLE_CSP).toContain("script-src 'self';");
    expect(CONSOLE_CSP).toContain("connect-src 'self'");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(CONSOLE_CSP).not.toMatch(/script-src[^;]*unsafe/);
    expect(CONSOLE_CSP).not.toMatch(/https?:/);
  });

  it("redirects /console to /console/", async () => {
    const response = await fetch(`${base}/console`, { redirect: "manual" });
    expect(response.status).toBe(308);
    expect(response.headers.get("location")).toBe("/console/");
  });

  it("answers client-side routes with index.html", async () => {
    for (const route of ["/console/keys/0190c8a8-0000-7000-8000-000000000001", "/console/audit", "/console/tenants"]) {
      const response = await fetch(`${base}${route}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(await response.text()).toBe(INDEX);
    }
  });

  it("caches hashed assets for a year and gives them their content type", async () => {
    const script = await fetch(`${base}/console/assets/index-AbCd1234.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await script.text()).toBe("console.log('console');");
    const style = await fetch(`${base}/console/assets/index-Ef_Gh-56.css`);
    expect(style.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(style.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });

  it("serves unhashed files without immutable caching", async () => {
    const response = await fetch(`${base}/console/favicon.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/svg+xml");
    expect(response.headers.get("cache-control")).toBe("no-cache");
  });

  it("answers 404 for a missing asset instead of the index", async () => {
    for (const missing of ["/console/assets/index-Missing1.js", "/console/assets/nothing", "/console/logo.png"]) {
      const response = await fetch(`${base}${missing}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain("<script");
    }
  });

  it("does not serve dotfiles such as the build hash", async () => {
    expect((await fetch(`${base}/console/.build-hash`)).status).toBe(404);
  });

  it("refuses path traversal, encoded or not", async () => {
    for (const attempt of ["/console/../keysmith-console-secret.txt", "/console/%2e%2e/keysmith-console-secret.txt", "/console/assets/..%2f..%2fkeysmith-console-secret.txt", "/console/..%5ckeysmith-console-secret.txt", "/console/%00", "/console/%E0%A4%A"]) {
      const response = await rawGet(attempt);
      expect(response.status).toBe(400);
      expect(response.body).not.toContain("outside");
    }
  });

  it("answers HEAD with the headers and no body", async () => {
    const response = await fetch(`${base}/console/assets/index-AbCd1234.js`, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String("console.log('console');".length));
    expect(await response.text()).toBe("");
  });

  it("refuses other methods", async () => {
    const response = await fetch(`${base}/console/`, { method: "POST", body: "x" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("leaves every other path to the next handler", async () => {
    for (const other of ["/graphql", "/consoles", "/", "/healthz"]) {
      const response = await fetch(`${base}${other}`);
      expect(response.headers.get("x-handled-by")).toBe("next");
    }
  });

  it("says how to build the console when it is not built", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "keysmith-console-empty-"));
    const sut = createConsoleHandler({ root: empty });
    const unbuilt = http.createServer((request, response) => void sut(request, response, request.url ?? "/"));
    await new Promise<void>((resolve) => unbuilt.listen(0, "127.0.0.1", resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(unbuilt.address() as AddressInfo).port}/console/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain("not built");
    } finally {
      await new Promise((resolve) => unbuilt.close(resolve));
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it("finds console/dist of this repository from src/ and from dist/src/", () => {
    const repository = path.resolve(__dirname, "../..");
    expect(defaultConsoleRoot(path.join(repository, "src/http"))).toBe(path.join(repository, "console/dist"));
    expect(defaultConsoleRoot(path.join(repository, "dist/src/http"))).toBe(path.join(repository, "console/dist"));
  });
});
