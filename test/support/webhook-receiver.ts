import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  /** The parsed body: { type, timestamp, data }. */
  event: { type: string; timestamp: string; data: Record<string, any> };
}

export interface WebhookReceiver {
  /** http://127.0.0.1:<port><path>: reachable only where OUTBOUND_ALLOW opens 127.0.0.1. */
  url(path?: string): string;
  port: number;
  received: ReceivedWebhook[];
  /** The statuses the next requests are answered with, in order; then 200. */
  answerWith(...statuses: number[]): void;
  /** Forgets what was received and the statuses not yet used. */
  reset(): void;
  /** Resolves once `count` requests have arrived (ever), without sleeping. */
  waitFor(count: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** A local endpoint that records every delivery it gets, as a tenant's backend would receive it (a slow one with `answerAfterMs`). */
export async function startWebhookReceiver(options: { answerAfterMs?: number } = {}): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const statuses: number[] = [];
  const waiters: Array<{ count: number; resolve: (all: ReceivedWebhook[]) => void }> = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ headers: request.headers as Record<string, string>, body, event: JSON.parse(body) });
      const status = statuses.shift() ?? 200;
      const answer = () => response.writeHead(status).end();
      if (options.answerAfterMs) setTimeout(answer, options.answerAfterMs);
      else answer();
      for (const waiter of waiters.filter((entry) => received.length >= entry.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(received);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = "/hooks") => `http://127.0.0.1:${port}${path}`,
    port,
    received,
    answerWith: (...next) => statuses.push(...next),
    reset: () => {
      received.length = 0;
      statuses.length = 0;
    },
    waitFor: (count) => (received.length >= count ? Promise.resolve(received) : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
