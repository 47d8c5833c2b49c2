import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { type KeysmithDecision, type KeysmithMiddlewareOptions, keysmithGate } from "./shared";

/** The part of a Fastify request the hook uses (structural: the SDK does not depend on Fastify). */
export interface FastifyRequestLike {
  headers: IncomingHttpHeaders;
  raw: IncomingMessage;
  keysmith?: KeysmithDecision;
}

/** The part of a Fastify reply the hook uses. */
export interface FastifyReplyLike {
  code(statusCode: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

/**
 * A Fastify preHandler hook: `app.addHook("preHandler", keysmithFastify(options))`, or a route's
 * `preHandler`. Answers the refusal, or sets `request.keysmith` and lets the route run.
 */
export function keysmithFastify(options: KeysmithMiddlewareOptions): (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<FastifyReplyLike | undefined> {
  const gate = keysmithGate(options);
  return async (request, reply) => {
    const outcome = await gate({ headers: request.headers, remoteAddress: request.raw.socket.remoteAddress });
    if (!outcome.allowed) {
      const { status, headers, body } = outcome.refusal;
      return reply.code(status).headers(headers).send(body);
    }
    request.keysmith = outcome.decision;
    return undefined;
  };
}
