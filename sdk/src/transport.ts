import { KeysmithError, UNEXPECTED_RESPONSE } from "./errors";

/** What the SDK needs of a response: the global fetch's Response has it. */
export interface FetchResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The part of fetch the SDK calls; the global fetch by default. */
export type Fetch = (url: string, init: { method: "POST"; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<FetchResponse>;

export interface Transport {
  /** Keysmith's base URL, without a trailing slash. */
  baseUrl: string;
  token: string | undefined;
  fetch: Fetch;
  timeoutMs: number;
}

export interface JsonAnswer {
  status: number;
  /** The parsed body; undefined when it was not JSON. */
  body: unknown;
  requestId: string | null;
  retryAfterSeconds: number | null;
}

function retryAfter(header: string | null): number | null {
  return header !== null && /^\d+$/.test(header.trim()) ? Number(header.trim()) : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const reasonOf = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  return String(cause?.code ?? cause?.message ?? (error as Error).message ?? error);
};

/**
 * POSTs JSON to Keysmith with the token as a Bearer credential. No answer (refused connection,
 * reset, timeout) is SERVICE_UNAVAILABLE, as Keysmith itself says when it cannot decide.
 */
export async function postJson(transport: Transport, path: string, payload: unknown): Promise<JsonAnswer> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (transport.token !== undefined) headers.authorization = `Bearer ${transport.token}`;
  let status: number;
  let text: string;
  let requestId: string | null;
  let retryAfterSeconds: number | null;
  try {
    const response = await transport.fetch(`${transport.baseUrl}${path}`, {
      method: "POST",
      headers,
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(transport.timeoutMs),
    });
    status = response.status;
    requestId = response.headers.get("x-request-id");
    retryAfterSeconds = retryAfter(response.headers.get("retry-after"));
    text = await response.text();
  } catch (error) {
    const timedOut = (error as Error).name === "TimeoutError";
    const message = timedOut ? `Keysmith did not answer within ${transport.timeoutMs} ms` : `Keysmith could not be reached: ${reasonOf(error)}`;
    throw new KeysmithError({ code: "SERVICE_UNAVAILABLE", status: 503, message }, { cause: error });
  }
  return { status, body: parseJson(text), requestId, retryAfterSeconds };
}

/** For an answer in no documented shape. */
export function unexpectedAnswer(answer: JsonAnswer, what: string): KeysmithError {
  return new KeysmithError({
    code: UNEXPECTED_RESPONSE,
    status: answer.status,
    message: `Keysmith answered HTTP ${answer.status} without ${what}`,
    requestId: answer.requestId,
    retryAfterSeconds: answer.retryAfterSeconds,
  });
}

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
