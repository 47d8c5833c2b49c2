import type { IncomingMessage, ServerResponse } from "node:http";
import type { Headers } from "./responses";

export const APOLLO_SANDBOX_ORIGINS = ["https://studio.apollographql.com", "https://sandbox.embed.apollographql.com"];
const ALLOWED_HEADERS = "authorization, x-api-key, content-type, apollo-require-preflight, x-apollo-operation-name";

/** CORS for the configured origins only; other origins get no CORS headers (the browser refuses). */
export class Cors {
  constructor(private readonly origins: ReadonlySet<string>) {}

  headers(request: IncomingMessage): Headers {
    const origin = request.headers.origin;
    if (!origin || !this.origins.has(origin)) return {};
    return { "access-control-allow-origin": origin, "access-control-allow-credentials": "true", vary: "Origin" };
  }

  preflight(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(204, {
      ...this.headers(request),
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": ALLOWED_HEADERS,
      "access-control-max-age": "600",
    });
    response.end();
  }
}
