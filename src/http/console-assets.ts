import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

/** The URL path the console is served under; Vite builds it with the same `base`. */
export const CONSOLE_PATH = "/console";

/**
 * Only the server's own origin, and no inline script. Two exceptions, for styles only: Mantine
 * writes its theme variables and responsive rules into <style> elements at run time, as does
 * GraphiQL's editor (Monaco), hence style-src 'unsafe-inline'; GraphiQL's stylesheet embeds its
 * fonts as data: URIs, hence font-src data:. Neither can run code or reach another origin.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self'",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONSOLE_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

const IMMUTABLE = "public, max-age=31536000, immutable";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".txt": "text/plain; charset=utf-8",
};

/** Vite names built files `name-<hash>.ext` under assets/: those never change, so they cache for a year. */
const HASHED_ASSET = /^assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

export interface ConsoleHandlerOptions {
  /** The built console (console/dist). */
  root: string;
}

/** Answers the request when its path is under /console, and resolves false otherwise. */
export type ConsoleHandler = (request: IncomingMessage, response: ServerResponse, pathname: string) => Promise<boolean>;

/** console/dist of this repository, whether running from src/ (ts-jest) or dist/src/ (built). */
export function defaultConsoleRoot(from: string = __dirname): string {
  let directory = from;
  while (!fs.existsSync(path.join(directory, "package.json"))) {
    const parent = path.dirname(directory);
    if (parent === directory) return path.resolve(from, "../../console/dist");
    directory = parent;
  }
  return path.join(directory, "console", "dist");
}

function sendText(response: ServerResponse, status: number, text: string, method: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-cache",
    ...headers,
  });
  response.end(method === "HEAD" ? undefined : text);
}

async function statFile(file: string): Promise<fs.Stats | null> {
  try {
    const stats = await fs.promises.stat(file);
    return stats.isFile() ? stats : null;
  } catch {
    return null;
  }
}

function sendFile(response: ServerResponse, file: string, stats: fs.Stats, method: string, cacheControl: string): Promise<void> {
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    "content-type": CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream",
    "content-length": String(stats.size),
    "cache-control": cacheControl,
    "last-modified": stats.mtime.toUTCString(),
  });
  if (method === "HEAD") {
    response.end();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const stream = fs.createReadStream(file);
    stream.once("error", () => {
      response.destroy();
      resolve();
    });
    stream.once("end", resolve);
    stream.pipe(response);
  });
}

/**
 * Serves the built console: files under /console/, index.html for every other path there (the
 * console routes on the client), hashed assets cached for a year and index.html revalidated.
 */
export function createConsoleHandler({ root }: ConsoleHandlerOptions): ConsoleHandler {
  const base = path.resolve(root);
  const indexFile = path.join(base, "index.html");

  return async (request, response, pathname) => {
    if (pathname !== CONSOLE_PATH && !pathname.startsWith(`${CONSOLE_PATH}/`)) return false;
    const method = request.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      sendText(response, 405, "Method not allowed\n", method, { allow: "GET, HEAD" });
      return true;
    }
    if (pathname === CONSOLE_PATH) {
      response.writeHead(308, { ...SECURITY_HEADERS, location: `${CONSOLE_PATH}/`, "content-length": "0" });
      response.end();
      return true;
    }

    let relative: string;
    try {
      relative = decodeURIComponent(pathname.slice(CONSOLE_PATH.length + 1));
    } catch {
      sendText(response, 400, "Bad request\n", method);
      return true;
    }
    const segments = relative.split(/[/\\]/);
    if (relative.includes("\0") || segments.some((segment) => segment === "..")) {
      sendText(response, 400, "Bad request\n", method);
      return true;
    }
    // Dotfiles (the build hash) are not part of the console.
    if (segments.some((segment) => segment.startsWith("."))) {
      sendText(response, 404, "Not found\n", method);
      return true;
    }
    const file = path.join(base, ...segments);
    if (file !== base && !file.startsWith(`${base}${path.sep}`)) {
      sendText(response, 400, "Bad request\n", method);
      return true;
    }

    const stats = relative === "" || relative === "index.html" ? null : await statFile(file);
    if (stats) {
      await sendFile(response, file, stats, method, HASHED_ASSET.test(segments.join("/")) ? IMMUTABLE : "no-cache");
      return true;
    }
    // A missing file (it has an extension, or lives under assets/) is a 404; any other path is a client-side route.
    if (segments[0] === "assets" || path.extname(relative) !== "") {
      sendText(response, 404, "Not found\n", method);
      return true;
    }
    const index = await statFile(indexFile);
    if (!index) {
      sendText(response, 503, "The console is not built: run `npm install` (or `node scripts/build-console.mjs`).\n", method);
      return true;
    }
    await sendFile(response, indexFile, index, method, "no-cache");
    return true;
  };
}
