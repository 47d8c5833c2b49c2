import http from "node:http";
import https from "node:https";
import { OutboundRefused } from "../common/outbound";

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export const SEND_TIMEOUT_MS = 10_000;

/**
 * Posts one delivery; 2xx is success. Redirects are not followed, and no answer within the
 * deadline (for the whole attempt, not between bytes) counts as a failure. The body of the answer
 * is never read.
 */
export class WebhookSender {
  constructor(
    private readonly agents: { http: http.Agent; https: https.Agent },
    private readonly timeoutMs = SEND_TIMEOUT_MS,
  ) {}

  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const secure = url.startsWith("https:");
    return new Promise((resolve) => {
      let settled = false;
      let deadline: NodeJS.Timeout | undefined;
      const settle = (result: Omit<SendResult, "durationMs">) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve({ ...result, durationMs: elapsed() });
      };
      let request: http.ClientRequest;
      try {
        request = (secure ? https : http).request(url, {
          method: "POST",
          agent: secure ? this.agents.https : this.agents.http,
          headers: { "content-type": "application/json", "user-agent": "Keysmith-Webhooks/1", "content-length": String(Buffer.byteLength(body)), ...headers },
        });
      } catch (error) {
        settle({ ok: false, statusCode: null, error: describe(error) });
        return;
      }
      deadline = setTimeout(() => request.destroy(new Error(`no answer within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
      request.on("response", (response) => {
        response.destroy();
        const status = response.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        const error = ok ? null : status >= 300 && status < 400 ? `answered ${status}: redirects are not followed` : `answered ${status}`;
        settle({ ok, statusCode: status, error });
      });
      request.on("error", (error) => settle({ ok: false, statusCode: null, error: describe(error) }));
      request.end(body);
    });
  }
}

function describe(error: unknown): string {
  // The address is not told: a tenant must not learn how internal names resolve.
  if (error instanceof OutboundRefused) return "refused by the outbound policy: the host is not at a public address (nor in OUTBOUND_ALLOW)";
  const { code, message } = error as NodeJS.ErrnoException;
  return code ? `${code}: ${message}`.slice(0, 500) : String(message).slice(0, 500);
}
