import { randomUUID } from "node:crypto";
import type http from "node:http";
import type { Duplex } from "node:stream";
import { GraphQLError, type GraphQLSchema } from "graphql";
import { CloseCode, handleProtocols, makeServer } from "graphql-ws";
import type { ContainerType } from "type-graphql";
import { type WebSocket, WebSocketServer } from "ws";
import { type Authenticator, readCredential } from "../auth/authenticator";
import type { FailureBudget } from "../check/rate-limits";
import { DomainError, ErrorCode, rateLimited } from "../common/errors";
import type { Logger } from "../common/logger";
import { type AddressSet, sourceOf } from "../common/network";
import { KeysScope } from "../core/reserved-scopes";
import type { Invalidation, InvalidationBus } from "../db/invalidation-bus";
import { formatSocketErrors, socketOperation } from "../graphql/socket-operations";
import { mayPerform } from "../principals/authorization";
import type { Principal } from "../principals/principal";
import type { RequestContext } from "../principals/request-context";
import { MAX_BODY_BYTES } from "./body";
import { clientAddress } from "./client-address";

/** Open sockets per instance, and per source address (an IPv6 source counts as its /64): memory stays bounded, whoever connects. */
export const MAX_SOCKETS = 5_000;
export const MAX_SOCKETS_PER_SOURCE = 100;
/** Subscriptions one socket may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 20;
/** How often every socket's credential is checked again, beyond the checks its key's changes cause (expiry, a JWT's exp). */
export const RECHECK_MS = 30_000;
const KEEP_ALIVE_MS = 12_000;
/** At shutdown, how long sockets get to close before they are cut. */
const CLOSE_GRACE_MS = 1_000;
/** What a live subscription needs: the one subscription there is, keyEvents. */
const LIVE_SCOPES = [KeysScope.LIST];

export interface LiveSocketDependencies {
  schema: GraphQLSchema;
  authenticator: Authenticator;
  container: ContainerType;
  bus: InvalidationBus;
  trustedProxies: AddressSet | null;
  logger: Logger;
  /** The management budget of a principal: each subscribe message spends one, as each POST does. */
  requestsOf: (principalId: string) => FailureBudget;
  recheckMs?: number;
}

interface Session {
  socket: WebSocket;
  credential: string;
  context: RequestContext & { principal: Principal };
}

/** Sessions by a key of theirs (their key id, their tenant), so a change finds its sockets without a scan. */
class SessionIndex {
  private readonly sessions = new Map<string, Set<Session>>();

  add(key: string | null, session: Session): void {
    if (key === null) return;
    if (!this.sessions.has(key)) this.sessions.set(key, new Set());
    this.sessions.get(key)!.add(session);
  }

  delete(key: string | null, session: Session): void {
    if (key === null) return;
    this.sessions.get(key)?.delete(session);
    if (this.sessions.get(key)?.size === 0) this.sessions.delete(key);
  }

  get(key: string | null): Session[] {
    return key === null ? [] : [...(this.sessions.get(key) ?? [])];
  }
}

/**
 * GraphQL subscriptions over graphql-ws on /graphql. The credential comes in connection_init
 * (`{ "authorization": "Bearer <key or token>" }`); it is checked again whenever its key or
 * tenant changes on any instance (and every RECHECK_MS), and a socket whose credential no longer
 * holds, or no longer may list keys, is closed (4403).
 */
export function attachLiveSocket(server: http.Server, deps: LiveSocketDependencies): { close(): Promise<void> } {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES, handleProtocols });
  const sessions = new Map<WebSocket, Session>();
  const byKey = new SessionIndex();
  const byTenant = new SessionIndex();
  const perSource = new Map<string, number>();
  const prepare = socketOperation(deps.schema);
  let closing = false;

  const forget = (socket: WebSocket) => {
    const session = sessions.get(socket);
    if (!session) return;
    sessions.delete(socket);
    byKey.delete(session.context.principal.keyId, session);
    byTenant.delete(session.context.principal.tenantId, session);
  };

  async function recheck(session: Session): Promise<void> {
    try {
      const principal = await deps.authenticator.authenticate(session.credential, session.context.ip);
      if (!mayPerform(principal, LIVE_SCOPES)) throw new DomainError(ErrorCode.UNAUTHENTICATED, "no longer allowed");
      session.context.principal = principal;
    } catch (error) {
      // Only a refused credential closes the socket: a database or limiter hiccup is tried again later.
      if (error instanceof DomainError && error.code === ErrorCode.UNAUTHENTICATED) {
        session.socket.close(CloseCode.Forbidden, "Forbidden: the credential is no longer valid, or may no longer list keys");
      } else {
        deps.logger.debug({ err: error }, "a live socket's credential could not be checked again; will retry");
      }
    }
  }
  const affected = (invalidation: Invalidation): Session[] => {
    switch (invalidation.kind) {
      case "key":
        return byKey.get(invalidation.keyId);
      case "tenant":
        return byTenant.get(invalidation.tenantId);
      case "event":
        // A scheduled revocation found by the scan changes no row a cache holds: its event tells.
        return byKey.get(invalidation.keyId);
      default:
        return [];
    }
  };
  deps.bus.onInvalidation((invalidation) => affected(invalidation).forEach((session) => void recheck(session)));
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
        // Closed while the credential was checked: nothing to keep.
        if (socket.readyState !== socket.OPEN) return false;
        const session: Session = {
          socket,
          credential,
          context: { requestId: randomUUID(), ip, userAgent: request.headers["user-agent"]?.slice(0, 500) ?? null, principal, container: deps.container },
        };
        sessions.set(socket, session);
        byKey.add(principal.keyId, session);
        byTenant.add(principal.tenantId, session);
        return true;
      } catch {
        socket.close(CloseCode.Unauthorized, "Unauthorized: send a valid key or token as connection_init's authorization");
        return false;
      }
    },
    onSubscribe: async (ctx, _id, payload) => {
      // The subscription being opened is already counted.
      if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_SOCKET) {
        return [new GraphQLError(`A socket holds at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions`, { extensions: { code: ErrorCode.BAD_REQUEST } })];
      }
      const session = sessions.get(ctx.extra.socket)!;
      const { principal } = session.context;
      const wait = await deps.requestsOf(`${principal.tenantId}:${principal.actor.id}`).spend();
      if (wait !== undefined) {
        const refusal = rateLimited("Too many requests from this principal; try again later", wait / 1000);
        return [new GraphQLError(refusal.message, { originalError: refusal, extensions: { code: refusal.code } })];
      }
      const prepared = prepare(payload);
      if (Array.isArray(prepared)) return prepared;
      return { ...prepared, contextValue: session.context };
    },
    onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: formatSocketErrors(result.errors) } : result),
    onError: (_ctx, _id, _payload, errors) => formatSocketErrors(errors),
  });

  sockets.on("connection", (socket: WebSocket, request: http.IncomingMessage, source: string) => {
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
      forget(socket);
      const left = (perSource.get(source) ?? 1) - 1;
      if (left > 0) perSource.set(source, left);
      else perSource.delete(source);
      void closed(code, String(reason));
    });
  });

  server.on("upgrade", (request: http.IncomingMessage, stream: Duplex, head: Buffer) => {
    const path = (request.url ?? "/").split("?", 1)[0];
    const source = sourceOf(clientAddress(request, deps.trustedProxies));
    const refusal =
      path !== "/graphql" ? "404 Not Found" : closing || sockets.clients.size >= MAX_SOCKETS ? "503 Service Unavailable" : (perSource.get(source) ?? 0) >= MAX_SOCKETS_PER_SOURCE ? "429 Too Many Requests" : undefined;
    if (refusal) {
      stream.end(`HTTP/1.1 ${refusal}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, stream, head, (socket) => {
      perSource.set(source, (perSource.get(source) ?? 0) + 1);
      sockets.emit("connection", socket, request, source);
    });
  });

  return {
    close: async () => {
      closing = true;
      clearInterval(rechecks);
      const open = [...sockets.clients];
      for (const socket of open) socket.close(1001, "Going away");
      await Promise.race([
        Promise.all(open.map((socket) => new Promise((resolve) => (socket.readyState === socket.CLOSED ? resolve(undefined) : socket.once("close", resolve))))),
        new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref()),
      ]);
      for (const socket of sockets.clients) socket.terminate();
      sockets.close();
    },
  };
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
