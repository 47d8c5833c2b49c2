import WebSocket from "ws";

export interface SocketMessage {
  id?: string;
  type: string;
  payload?: any;
}

export interface LiveSocket {
  socket: WebSocket;
  /** The next message the server sends (in order; none is skipped). */
  next(): Promise<SocketMessage>;
  /** The next message for subscription `id` ("next", "error" or "complete"). */
  nextFor(id: string): Promise<SocketMessage>;
  send(message: unknown): void;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
  /** Settles with the close code and reason when the server closes the socket. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** A raw graphql-transport-ws client: each protocol message is visible, as the refusals tests need. */
export async function openLiveSocket(baseUrl: string, connectionParams?: Record<string, unknown>, options: { init?: boolean } = {}): Promise<LiveSocket> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
  const inbox: SocketMessage[] = [];
  const waiters: Array<(message: SocketMessage) => void> = [];
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as SocketMessage;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on("close", (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const next = () => (inbox.length > 0 ? Promise.resolve(inbox.shift()!) : new Promise<SocketMessage>((resolve) => waiters.push(resolve)));
  const live: LiveSocket = {
    socket,
    next,
    async nextFor(id) {
      for (;;) {
        const message = await next();
        if (message.id === id) return message;
      }
    },
    send: (message) => socket.send(typeof message === "string" ? message : JSON.stringify(message)),
    subscribe: (id, query, variables) => live.send({ id, type: "subscribe", payload: { query, variables } }),
    closed,
    close: () => socket.close(),
  };
  if (options.init !== false) live.send({ type: "connection_init", payload: connectionParams });
  return live;
}

/** Opens a socket with the credential and waits for connection_ack. */
export async function connectLive(baseUrl: string, credential: string): Promise<LiveSocket> {
  const live = await openLiveSocket(baseUrl, { authorization: `Bearer ${credential}` });
  const ack = await live.next();
  if (ack.type !== "connection_ack") throw new Error(`expected connection_ack, got ${JSON.stringify(ack)}`);
  return live;
}

export const KEY_EVENTS = "subscription { keyEvents { id type keyId occurredAt data } }";
