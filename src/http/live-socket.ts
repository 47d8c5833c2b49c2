import { randomUUID } from "node:crypto";
import type http from "node:http";
import type { Duplex } from "node:stream";
import { GraphQLError, type GraphQLSchema } from "graphql";
import { CloseCode, handleProtocols, makeServer } from "graphql-ws";
import type { ContainerType } from "type-graphql";
import { type WebSocket, WebSocketServer } from "ws";
import { type Authenticator, readCredential } from "../auth/authenticator";
import { ErrorCode } from "../common/errors";
import type { Logger } from "../common/logger";
import type { AddressSet } from "../common/network";
import type { Invalidation, InvalidationBus } from "../db/invalidation-bus";
import { formatSocketErrors, socketOperation } from "../graphql/socket-operations";
import type { RequestContext } from "../principals/request-context";
import { MAX_BODY_BYTES } from "./body";
import { clientAddress } from "./client-address";

/** Open sockets per instance: memory stays bounded, whoever connects. */
export const MAX_SOCKETS = 5_000;
/** Subscriptions one socket may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 20;
/** How often every socket's credential is checked again, beyond the checks its key's changes cause (expiry, a JWT's exp). */
export const RECHECK_MS = 30_000;
const KEEP_ALIVE_MS = 12_000;

export interface LiveSocketDependencies {
  schema: GraphQLSchema;
  authenticator: Authenticator;
  container: ContainerType;
  bus: InvalidationBus;
  trustedProxies: AddressSet | null;
  logger: Logger;
  recheckMs?: number;
}

interface Session {
  socket: WebSocket;
  credential: string;
  context: RequestContext;
}

/**
 * GraphQL subscriptions over graphql-ws on /graphql. The credential comes in connection_init
 * (`{ "authorization": "Bearer <key or token>" }`); it is checked again whenever its key or tenant
 * changes on any instance (and every RECHECK_MS), and a socket whose credential no longer holds
 * is closed (4403). Messages are at most 100 kB.
 */
export function attachLiveSocket(server: http.Server, deps: LiveSocketDependencies): { close(): Promise<void> } {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES, handleProtocols });
  const sessions = new Map<WebSocket, Session>();
  const prepare = socketOperation(deps.schema);

  async function recheck(session: Session): Promise<void> {
    try {
      session.context.principal = await deps.authenticator.authenticate(session.credential, session.context.ip);
    } catch {
      session.socket.close(CloseCode.Forbidden, "Forbidden: the credential is no longer valid");
    }
  }
  const affected = (session: Session, invalidation: Invalidation): boolean => {
    const principal = session.context.principal;
    if (!principal) return false;
    if (invalidation.kind === "key") return invalidation.keyId === principal.keyId;
    return invalidation.kind === "tenant" && invalidation.tenantId === principal.tenantId;
  };
  deps.bus.onInvalidation((invalidation) => {
    for (const session of sessions.values()) if (affected(session, invalidation)) void recheck(session);
  });
  // Notices may have been lost while the bus was down: every credential is checked again.
  deps.bus.onHealthChange(() => sessions.forEach((session) => void recheck(session)));
  const rechecks = setInterval(() => sessions.forEach((session) => void recheck(session)), deps.recheckMs ?? RECHECK_MS);
  rechecks.unref();

  const graphqlWs = makeServer<Record<string, unknown>, { socket: WebSocket; request: http.IncomingMessage }>({
    schema: deps.schema,
    context: (ctx) => sessions.get(ctx.extra.socket)!.context,
    onConnect: async (ctx) => {
      const { socket, request } = ctx.extra;
      const params = ctx.connectionParams ?? {};
      const ip = clientAddress(request, deps.trustedProxies);
      try {
        const credential = readCredential({ authorization: stringOr(params.authorization), "x-api-key": stringOr(params["x-api-key"]) });
        if (credential === undefined) throw new Error("no credential");
        const principal = await deps.authenticator.authenticate(credential, ip);
        const context: RequestContext = { requestId: randomUUID(), ip, userAgent: request.headers["user-agent"]?.slice(0, 500) ?? null, principal, container: deps.container };
        sessions.set(socket, { socket, credential, context });
        return true;
      } catch {
        socket.close(CloseCode.Unauthorized, "Unauthorized: send a valid key or token as connection_init's authorization");
        return false;
      }
    },
    onSubscribe: (ctx, _id, payload) => {
      // The subscription being opened is already counted.
      if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_SOCKET) {
        return [new GraphQLError(`A socket holds at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions`, { extensions: { code: ErrorCode.BAD_REQUEST } })];
      }
      const prepared = prepare(payload);
      if (Array.isArray(prepared)) return prepared;
      return { ...prepared, contextValue: sessions.get(ctx.extra.socket)!.context };
    },
    onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: formatSocketErrors(result.errors) } : result),
    onError: (_ctx, _id, _payload, errors) => formatSocketErrors(errors),
  });

  sockets.on("connection", (socket: WebSocket, request: http.IncomingMessage) => {
    socket.once("error", (error) => {
      deps.logger.warn({ err: error }, "a live socket failed");
      socket.terminate();
    });
    const keepAlive = setInterval(() => socket.ping(), KEEP_ALIVE_MS);
    keepAlive.unref();
    const closed = graphqlWs.opened(
      {
        protocol: socket.protocol,
        send: (data) => new Promise<void>((resolve) => (socket.readyState === socket.OPEN ? socket.send(data, () => resolve()) : resolve())),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on("message", (data) => {
            handle(String(data)).catch((error: unknown) => {
              deps.logger.error({ err: error }, "a live socket message failed");
              socket.close(CloseCode.InternalServerError, "Internal server error");
            });
          }),
      },
      { socket, request },
    );
    socket.once("close", (code, reason) => {
      clearInterval(keepAlive);
      sessions.delete(socket);
      void closed(code, String(reason));
    });
  });

  server.on("upgrade", (request: http.IncomingMessage, stream: Duplex, head: Buffer) => {
    const path = (request.url ?? "/").split("?", 1)[0];
    if (path !== "/graphql" || sockets.clients.size >= MAX_SOCKETS) {
      stream.end(`HTTP/1.1 ${path !== "/graphql" ? "404 Not Found" : "503 Service Unavailable"}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, stream, head, (socket) => sockets.emit("connection", socket, request));
  });

  return {
    close: async () => {
      clearInterval(rechecks);
      for (const socket of sockets.clients) socket.close(1001, "Going away");
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      for (const socket of sockets.clients) socket.terminate();
    },
  };
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
