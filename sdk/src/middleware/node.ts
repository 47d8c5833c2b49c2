import type { IncomingMessage, ServerResponse } from "node:http";
import { type KeysmithDecision, type KeysmithMiddlewareOptions, type Refusal, keysmithGate } from "./shared";

declare module "http" {
  interface IncomingMessage {
    /** Set by Keysmith's middleware on a request it let through. */
    keysmith?: KeysmithDecision;
  }
}

/** Writes a refusal as JSON: `{ error: { code, message } }`. */
export function sendRefusal(response: ServerResponse, refusal: Refusal): void {
  const text = JSON.stringify(refusal.body);
  response.writeHead(refusal.status, { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(text)), ...refusal.headers });
  response.end(text);
}

export const gateRequestOf = (request: IncomingMessage) => ({ headers: request.headers, remoteAddress: request.socket.remoteAddress });

/**
 * For node:http: resolves the decision (also set as `request.keysmith`) when the request may go
 * on, or undefined once it has answered the refusal itself.
 */
export function keysmithNode(options: KeysmithMiddlewareOptions): (request: IncomingMessage, response: ServerResponse) => Promise<KeysmithDecision | undefined> {
  const gate = keysmithGate(options);
  return async (request, response) => {
    const outcome = await gate(gateRequestOf(request));
    if (!outcome.allowed) {
      sendRefusal(response, outcome.refusal);
      return undefined;
    }
    request.keysmith = outcome.decision;
    return outcome.decision;
  };
}

/** A node:http request listener that runs `handler` only for requests the middleware lets through. */
export function withKeysmith(
  options: KeysmithMiddlewareOptions,
  handler: (request: IncomingMessage, response: ServerResponse, decision: KeysmithDecision) => void | Promise<void>,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const middleware = keysmithNode(options);
  return async (request, response) => {
    const decision = await middleware(request, response);
    if (decision) await handler(request, response, decision);
  };
}
