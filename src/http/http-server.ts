import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { BlockList } from "node:net";
import { type ApolloServer, HeaderMap } from "@apollo/server";
import type { ContainerType } from "type-graphql";
import type { AuditService } from "../audit/audit.service";
import type { Authenticator } from "../auth/authenticator";
import { readCredential } from "../auth/authenticator";
import type { Principal } from "../principals/principal";
import { DomainError, ErrorCode, serviceUnavailable } from "../common/errors";
import { isDatabaseUnavailable } from "../common/database-errors";
import type { Logger } from "../common/logger";
import { clientAddress } from "./client-address";
import type { RequestContext } from "../principals/request-context";

export const MAX_BODY_BYTES = 100 * 1024;
export const APOLLO_SANDBOX_ORIGINS = ["https://studio.apollographql.com", "https://sandbox.embed.apollographql.com"];
const ALLOWED_HEADERS = "authorization, x-api-key, content-type, apollo-require-preflight, x-apollo-operation-name";

export interface HttpServerDependencies {
  apollo: ApolloServer<RequestContext>;
  authenticator: Authenticator;
  container: ContainerType;
  audit: AuditService;
  logger: Logger;
  corsOrigins: ReadonlySet<string>;
  trustedProxies: BlockList | null;
  /** True when the database answers. */
  ready: () => Promise<boolean>;
  metrics?: () => Promise<{ contentType: string; body: string }>;
}

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
};

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** A GraphQL-shaped error for requests refused before execution (credentials, body, method). */
function sendError(response: ServerResponse, status: number, code: string, message: string, requestId: string): void {
  sendJson(response, status, { errors: [{ message, extensions: { code, requestId } }] });
}

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function toHeaderMap(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

/**
 * A plain node:http server (express would halve Apollo's throughput): POST /graphql, GET /graphql
 * for the landing page only (a query in a URL would put keys in access logs), /healthz, /readyz
 * and /metrics.
 */
export function createHttpServer(deps: HttpServerDependencies): http.Server {
  const corsHeaders = (request: IncomingMessage): Record<string, string> => {
    const origin = request.headers.origin;
    if (!origin || !deps.corsOrigins.has(origin)) return {};
    return {
      "access-control-allow-origin": origin,
      "access-control-allow-credentials": "true",
      vary: "Origin",
    };
  };

  async function authenticate(request: IncomingMessage, ip: string): Promise<Principal | null> {
    const credential = readCredential(request.headers);
    return credential === undefined ? null : deps.authenticator.authenticate(credential, ip);
  }

  async function graphql(request: IncomingMessage, response: ServerResponse, requestId: string, search: string): Promise<void> {
    const ip = clientAddress(request, deps.trustedProxies);
    let body: unknown;
    if (request.method === "POST") {
      const text = await readBody(request);
      const contentType = request.headers["content-type"] ?? "";
      body = text;
      if (contentType.includes("application/json")) {
        try {
          body = JSON.parse(text);
        } catch {
          sendError(response, 400, "BAD_REQUEST", "The body is not valid JSON", requestId);
          return;
        }
      }
    }
    const principal = request.method === "POST" ? await authenticate(request, ip) : null;
    const context: RequestContext = {
      requestId,
      ip,
      userAgent: request.headers["user-agent"]?.slice(0, 500) ?? null,
      principal,
      container: deps.container,
      audit: deps.audit,
    };
    const result = await deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? "GET", headers: toHeaderMap(request), search, body },
      context: async () => context,
    });
    const headers: Record<string, string> = { ...corsHeaders(request), "x-request-id": requestId };
    for (const [name, value] of result.headers) headers[name] = value;
    if (result.body.kind === "complete") {
      headers["content-length"] = String(Buffer.byteLength(result.body.string));
      response.writeHead(result.status ?? 200, headers);
      response.end(result.body.string);
      return;
    }
    response.writeHead(result.status ?? 200, headers);
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const [path, query = ""] = (request.url ?? "/").split("?", 2);
    const search = query ? `?${query}` : "";
    try {
      if (path === "/healthz") return sendJson(response, 200, { status: "ok" });
      if (path === "/readyz") {
        const ready = await deps.ready();
        return sendJson(response, ready ? 200 : 503, { status: ready ? "ready" : "database unreachable" });
      }
      if (path === "/metrics" && deps.metrics) {
        const metrics = await deps.metrics();
        response.writeHead(200, { "content-type": metrics.contentType });
        response.end(metrics.body);
        return;
      }
      if (path !== "/graphql") return sendJson(response, 404, { error: "not found" });
      if (request.method === "OPTIONS") {
        response.writeHead(204, {
          ...corsHeaders(request),
          "access-control-allow-methods": "GET, POST, OPTIONS",
          "access-control-allow-headers": ALLOWED_HEADERS,
          "access-control-max-age": "600",
        });
        response.end();
        return;
      }
      if (request.method === "GET" && new URLSearchParams(query).has("query")) {
        return sendError(response, 405, "METHOD_NOT_ALLOWED", "Send operations with POST: a query in a URL would put keys in access logs", requestId);
      }
      if (request.method !== "GET" && request.method !== "POST") {
        return sendError(response, 405, "METHOD_NOT_ALLOWED", "Use POST /graphql", requestId);
      }
      await graphql(request, response, requestId, search);
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof BodyTooLarge) {
        return sendError(response, 413, "PAYLOAD_TOO_LARGE", `The body exceeds ${MAX_BODY_BYTES} bytes`, requestId);
      }
      const refusal = isDatabaseUnavailable(error) ? serviceUnavailable() : error;
      if (refusal instanceof DomainError) {
        return sendError(response, STATUS_OF[refusal.code] ?? 400, refusal.code, refusal.message, requestId);
      }
      deps.logger.error({ err: error, requestId }, "request failed");
      sendError(response, 500, "INTERNAL_SERVER_ERROR", `Internal server error (request id ${requestId})`, requestId);
    }
  }

  const server = http.createServer((request, response) => void handle(request, response));
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  return server;
}
