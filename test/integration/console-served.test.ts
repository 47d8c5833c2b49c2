import { execFileSync } from "node:child_process";
import path from "node:path";
import { type TestApp, startTestApp } from "../support/test-app";

const ROOT_DIR = path.resolve(__dirname, "../..");

describe("the console on the API's server", () => {
  let sut: TestApp;
  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT_DIR, "scripts/build-console.mjs")], { stdio: "inherit" });
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  it("serves the built console at /console/ beside the API", async () => {
    const page = await fetch(`${sut.app.url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain("<title>Keysmith console</title>");
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)![1];
    const asset = await fetch(`${sut.app.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await sut.root.ok<any>("{ me { kind } }")).me.kind).toBe("ROOT");
  });

  it("loads nothing from another origin", async () => {
    const html = await (await fetch(`${sut.app.url}/console/keys`)).text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("still answers unknown paths with the API's 404", async () => {
    const response = await fetch(`${sut.app.url}/consoles`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe("NOT_FOUND");
  });
});

describe("scripts/build-console.mjs", () => {
  it("does nothing, quickly, when the console's sources have not changed", () => {
    execFileSync(process.execPath, [path.join(ROOT_DIR, "scripts/build-console.mjs")]);
    const output = execFileSync(process.execPath, [path.join(ROOT_DIR, "scripts/build-console.mjs")], { encoding: "utf8" });
    expect(output).toBe("");
  });
});

describe("GET /graphql", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  it("explains itself offline: links to the console and the explorer, and a curl example for this server", async () => {
    const response = await fetch(`${sut.app.url}/graphql`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('href="/console/"');
    expect(html).toContain('href="/console/explorer"');
    expect(html).toContain(`curl -s ${sut.app.url}/graphql`);
    expect(html).toContain("content-type: application/json");
    const externalAssets = [...html.matchAll(/<(script|link|img)[^>]+(src|href)="(https?:)?\/\//g)];
    expect(externalAssets).toEqual([]);
  });
});
