import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, type Page, chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const AXE_SOURCE_FILE = require.resolve("axe-core/axe.min.js");

export interface ConsoleBrowser {
  context: BrowserContext;
  page: Page;
  /** Requests the page tried to send anywhere but the loopback interface (all were aborted). */
  outsideRequests: string[];
  /** Content-Security-Policy refusals and uncaught page errors. */
  pageProblems: string[];
  close(): Promise<void>;
}

function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === "data:" || protocol === "blob:" || protocol === "about:") return true;
  return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Debian's chromium through playwright-core; every request off the loopback interface is recorded and aborted. */
export async function launchConsoleBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<ConsoleBrowser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: the console tests drive a real browser. Install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "keysmith-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    viewport: options.viewport ?? { width: 1280, height: 860 },
    deviceScaleFactor: 1,
    locale: "en-GB",
    timezoneId: "UTC",
  });
  const outsideRequests: string[] = [];
  const pageProblems: string[] = [];
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    outsideRequests.push(url);
    return route.abort("blockedbyclient");
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/i.test(text)) pageProblems.push(`CSP: ${text.replace(/data:[^']{40,}/g, (uri) => `${uri.slice(0, 40)}…`)}`);
  });
  page.on("pageerror", (error) => pageProblems.push(`page error: ${error.message}`));
  return {
    context,
    page,
    outsideRequests,
    pageProblems,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; html: string }>;
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, so the page's CSP does not
 * block it) and returns the serious and critical violations, as "rule: help (where)".
 */
export async function seriousAccessibilityViolations(page: Page, what: string, options: { exclude?: string[] } = {}): Promise<string[]> {
  // Dialogs fade in: judge colours once every transition has finished.
  await page.evaluate("Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined)))");
  const loaded = await page.evaluate("typeof window.axe !== 'undefined'");
  if (!loaded) await page.evaluate(fs.readFileSync(AXE_SOURCE_FILE, "utf8"));
  const context = JSON.stringify({ exclude: (options.exclude ?? []).map((selector) => [selector]) });
  const violations = (await page.evaluate(
    `axe.run(${context}.exclude.length ? ${context} : document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 160) })) })))`,
  )) as AxeViolation[];
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${what}: ${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.slice(0, 3).map((node) => `${node.target.join(" ")} ${node.html}`).join(", ")}`);
}

const ROOT_DIR = path.resolve(__dirname, "../..");
/** `npm run screenshots` sets it: the console tests then save a picture at each step, into docs/screenshots. */
const SCREENSHOTS_DIR = process.env.SCREENSHOTS_DIR ? path.resolve(ROOT_DIR, process.env.SCREENSHOTS_DIR) : null;

/** Builds the bundle under test from the sources (a no-op when console/dist is current). */
export function buildConsole(): void {
  execFileSync(process.execPath, [path.join(ROOT_DIR, "scripts/build-console.mjs")], { stdio: "inherit" });
  if (SCREENSHOTS_DIR) fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
}

/** Saves the page as `<name>.png` once its animations have settled, when SCREENSHOTS_DIR is set; otherwise does nothing. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (!SCREENSHOTS_DIR) return;
  await page.evaluate("Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined)))");
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage: options.fullPage ?? false });
}
