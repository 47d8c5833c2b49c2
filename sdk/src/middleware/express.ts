import type { IncomingMessage, ServerResponse } from "node:http";
import { gateRequestOf, sendRefusal } from "./node";
import { type KeysmithMiddlewareOptions, keysmithGate } from "./shared";

/**
 * Express middleware (any `(req, res, next)` framework on node:http): answers the refusal, or sets
 * `req.keysmith` and calls next(). It reads the socket's address itself, not Express's `trust proxy`.
 */
export function keysmithExpress(options: KeysmithMiddlewareOptions): (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void {
  const gate = keysmithGate(options);
  return (request, response, next) => {
    gate(gateRequestOf(request)).then((outcome) => {
      if (!outcome.allowed) return sendRefusal(response, outcome.refusal);
      request.keysmith = outcome.decision;
      next();
    }, next);
  };
}
