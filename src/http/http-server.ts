import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { classifyError } from "../common/error-classifier";
import { ErrorCode, requestError } from "../common/errors";
import type { Logger } from "../common/logger";
import { type RequestWork, withRequestWork } from "../common/request-work";
import type { RenderedMetrics } from "../metrics/metrics";
import type { Cors } from "./cors";
import type { graphqlRoute } from "./graphql-route";
import { openApiDocument } from "./openapi";
import { sendGraphqlError, sendJson, sendRestError } from "./responses";
import type { restCheckRoute } from "./rest-check";
import type { githubLeaksRoute } from "./github-leaks";

const OPENAPI = openApiDocument();

export interface HttpServerDependencies {
  graphql: ReturnType<typeof graphqlRoute>;
  check: ReturnType<typeof restCheckRoute>;
  githubLeaks: ReturnType<typeof githubLeaksRoute>;
  /** The web console's files under /console; false when the path is not the console's. */
  serveConsole: (request: IncomingMessage, response: ServerResponse, path: string) => Promise<boolean>;
  cors: Cors;
  logger: Logger;
  /** True when the database answers. */
  ready: () => Promise<boolean>;
  metrics?: () => Promise<RenderedMetrics>;
  /**
   * When given, each request's costly work (queries, bcrypt compares) is counted and kept here by
   * request id. Off by default: on Node 20 the async context it needs costs a few percent of
   * throughput.
   */
  workLog?: { set(requestId: string, work: RequestWork): void };
  /** Settles once start-up is done: requests received before wait for it. */
  serving?: Promise<void>;
  /** Under WEB_CONCURRENCY, which worker this is: /healthz says so, to tell workers apart. */
  workerId?: number;
}

/**
 * A plain node:http server (express would halve Apollo's throughput): /graphql, /healthz, /readyz,
 * /metrics and the console under /console. Every refusal goes through the one error classifier.
 */
export function createHttpServer(deps: HttpServerDependencies): http.Server {
  async function route(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const [path, query = ""] = (request.url ?? "/").split("?", 2);
    switch (path) {
      case "/healthz":
        return sendJson(response, 200, deps.workerId === undefined ? { status: "ok" } : { status: "ok", worker: deps.workerId });
      case "/readyz": {
        const ready = await deps.ready();
        return sendJson(response, ready ? 200 : 503, { status: ready ? "ready" : "database unreachable" });
      }
      case "/metrics": {
        if (!deps.metrics) break;
        const metrics = await deps.metrics();
        response.writeHead(200, { "content-type": metrics.contentType });
        response.end(metrics.body);
        return;
      }
      case "/graphql":
        if (request.method === "OPTIONS") return deps.cors.preflight(request, response);
        return deps.graphql(request, response, requestId, query ? `?${query}` : "");
      case "/v1/keys.check":
        if (request.method === "OPTIONS") return deps.cors.preflight(request, response);
        return deps.check(request, response, requestId);
      case "/v1/leaks/github":
        return deps.githubLeaks(request, response, requestId);
      case "/v1/openapi.json":
        return sendJson(response, 200, OPENAPI, { "cache-control": "public, max-age=300" });
    }
    if (await deps.serveConsole(request, response, path)) return;
    throw requestError(ErrorCode.NOT_FOUND, "Not found");
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      await deps.serving;
      if (deps.workLog) {
        const work: RequestWork = { queries: 0, bcryptCompares: 0 };
        deps.workLog.set(requestId, work);
        await withRequestWork(work, () => route(request, response, requestId));
      } else {
        await route(request, response, requestId);
      }
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const classified = classifyError(error, requestId);
      if (classified.log) deps.logger[classified.log]({ err: error, requestId }, "request failed");
      const send = request.url?.startsWith("/v1/") ? sendRestError : sendGraphqlError;
      send(response, classified, requestId, deps.cors.headers(request));
    }
  }

  const server = http.createServer((request, response) => void handle(request, response));
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  return server;
}
