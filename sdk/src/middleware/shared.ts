import type { IncomingHttpHeaders } from "node:http";
import { DecisionCache, type DecisionCacheOptions, decisionCacheKey } from "../cache";
import { type KeysmithClient, type KeysmithOptions, createKeysmith } from "../client";
import { clientAddress, trustedProxyList } from "../client-address";
import { KeysmithError } from "../errors";
import type { CheckResult } from "../generated/rest";

export type CheckCode = CheckResult["code"];

/** What the middleware passes on to the handler: Keysmith's answer, and the address it checked. */
export interface KeysmithDecision extends CheckResult {
  clientIp: string | null;
}

interface GateSettings {
  /** Required scopes (none: any usable key passes). */
  scopes?: string[];
  mode?: "ALL" | "ANY";
  subscriptionId?: string;
  /** Addresses or CIDRs of your proxies: only their X-Forwarded-For is believed. */
  trustedProxies?: string[];
  /** Off by default: a cache delays revocation by up to its ttlMs. */
  cache?: DecisionCacheOptions;
  /** Told of every failure to check (Keysmith unreachable, refusing the backend's token, ...). */
  onError?: (error: KeysmithError) => void;
}

export type KeysmithMiddlewareOptions = GateSettings & ({ client: Pick<KeysmithClient, "check"> } | KeysmithOptions);

/** The codes of the middleware's own refusals, beside the check codes. */
export const MISSING_KEY = "MISSING_KEY";

export interface Refusal {
  status: 401 | 403 | 429 | 503;
  headers: Record<string, string>;
  body: { error: { code: string; message: string } };
}

export type GateOutcome = { allowed: true; decision: KeysmithDecision } | { allowed: false; refusal: Refusal };

/** The key the request presents: `Authorization: Bearer <key>`, else `X-API-Key`. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization?.trim() ?? "");
  if (bearer) return bearer[1];
  const apiKey = headers["x-api-key"];
  return (Array.isArray(apiKey) ? apiKey[0] : apiKey)?.trim() || undefined;
}

const REFUSAL_MESSAGES: Record<Exclude<CheckCode, "VALID">, string> = {
  MALFORMED: "The API key is malformed",
  NOT_FOUND: "The API key is not known",
  IP_NOT_ALLOWED: "The API key may not be used from this address",
  REVOKED: "The API key was revoked",
  EXPIRED: "The API key has expired",
  DISABLED: "The API key is disabled",
  TENANT_SUSPENDED: "The API key's account is suspended",
  SUBSCRIPTION_MISMATCH: "The API key is not bound to this subscription",
  SUBSCRIPTION_INACTIVE: "The API key's subscription is not active",
  UNKNOWN_SCOPE: "This endpoint requires a scope Keysmith does not know",
  FORBIDDEN: "The API key lacks the scopes this endpoint requires",
  RATE_LIMITED: "The API key is over its rate limit",
  USAGE_EXCEEDED: "The API key has no credits left for this request",
};

const refusal = (status: Refusal["status"], code: string, message: string, headers: Record<string, string> = {}): Refusal => ({
  status,
  headers: status === 401 ? { "www-authenticate": "Bearer", ...headers } : headers,
  body: { error: { code, message } },
});

/** Seconds until every exceeded limit's window resets, at least 1. */
const secondsUntilReset = (result: CheckResult, nowMs: number): number => {
  const resets = result.rateLimits.filter((limit) => limit.exceeded).map((limit) => Date.parse(limit.resetAt));
  const latest = Math.max(...resets.filter((reset) => !Number.isNaN(reset)));
  return Number.isFinite(latest) ? Math.max(1, Math.ceil((latest - nowMs) / 1000)) : 1;
};

/**
 * How the middleware answers a check that did not allow the request: 401 when the key is not
 * valid, 403 when it lacks the scopes (or a required scope is unknown), 429 over a rate limit
 * (with Retry-After) or out of credits (no Retry-After: that waits for a refill or a top-up);
 * null when it is allowed. The body's code is the check's code.
 */
export function refusalForResult(result: CheckResult, nowMs: number): Refusal | null {
  if (result.allowed) return null;
  const code = result.code;
  const message = code === "VALID" ? "The API key is not allowed here" : REFUSAL_MESSAGES[code];
  switch (code) {
    case "FORBIDDEN":
    case "UNKNOWN_SCOPE":
      return refusal(403, code, message);
    case "RATE_LIMITED":
      return refusal(429, code, message, { "retry-after": String(secondsUntilReset(result, nowMs)) });
    case "USAGE_EXCEEDED":
      return refusal(429, code, message);
    default:
      return refusal(401, code, message);
  }
}

/**
 * How the middleware answers when there is no decision: 429 when Keysmith throttles this client
 * (its failed checks from this address), 503 for everything else. The end user cannot fix a
 * misconfigured backend token, so Keysmith's 401 or 403 to the backend is a 503 here too.
 */
export function refusalForError(error: KeysmithError): Refusal {
  if (error.code === "RATE_LIMITED") {
    return refusal(429, "RATE_LIMITED", "Too many failed attempts; retry later", { "retry-after": String(error.retryAfterSeconds ?? 1) });
  }
  return refusal(503, "SERVICE_UNAVAILABLE", "The API key could not be checked; retry later");
}

/** The part of a request the gate reads. */
export interface GateRequest {
  headers: IncomingHttpHeaders;
  remoteAddress: string | undefined;
}

/** The one body of every middleware: read the key and the address, check (or reuse), decide. */
export function keysmithGate(options: KeysmithMiddlewareOptions): (request: GateRequest) => Promise<GateOutcome> {
  const client = "client" in options ? options.client : createKeysmith(options);
  const trusted = options.trustedProxies?.length ? trustedProxyList(options.trustedProxies) : null;
  const cache = options.cache ? new DecisionCache<KeysmithDecision>(options.cache) : null;
  const now = options.cache?.now ?? Date.now;
  const scopes = options.scopes ?? [];
  const mode = options.mode ?? "ALL";
  const subscriptionId = options.subscriptionId ?? null;

  return async function gate(request) {
    const key = presentedKey(request.headers);
    if (key === undefined) return { allowed: false, refusal: refusal(401, MISSING_KEY, "Send your API key as `Authorization: Bearer <key>` or `X-API-Key: <key>`") };
    const clientIp = clientAddress(request.remoteAddress, request.headers["x-forwarded-for"], trusted);
    const cacheKey = cache ? decisionCacheKey({ key, scopes, mode, subscriptionId, clientIp }) : "";
    const cached = cache?.get(cacheKey);
    // A copy: a handler that edits its decision must not edit the next request's.
    if (cached) return { allowed: true, decision: { ...cached } };
    let result: CheckResult;
    try {
      result = await client.check({ key, scopes, mode, subscriptionId, clientIp });
    } catch (error) {
      if (!(error instanceof KeysmithError)) throw error;
      options.onError?.(error);
      return { allowed: false, refusal: refusalForError(error) };
    }
    const refused = refusalForResult(result, now());
    if (refused) return { allowed: false, refusal: refused };
    const decision = { ...result, clientIp };
    cache?.set(cacheKey, decision);
    return { allowed: true, decision };
  };
}
