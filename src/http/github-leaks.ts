import type { IncomingMessage, ServerResponse } from "node:http";
import { ErrorCode, requestError, unauthenticated } from "../common/errors";
import { type ScanningKey, reportedTokens, signedByGitHub, tokenLabel } from "../leaks/github-scanning";
import type { LeakResponse } from "../leaks/leak-response";
import { ActorKind, type Caller } from "../principals/principal";
import { systemCaller } from "../principals/system-caller";
import { readBody } from "./body";
import { clientAddress } from "./client-address";
import type { AddressSet } from "../common/network";
import { sendJson } from "./responses";

export interface GithubLeaksDependencies {
  leaks: LeakResponse;
  /** GITHUB_SCANNING_KEYS; empty when secret scanning is not set up. */
  keys: readonly ScanningKey[];
  trustedProxies: AddressSet | null;
}

const SCANNER = "github";

/** The reporter audit events name: GitHub, through this request. */
function reporter(request: IncomingMessage, requestId: string, ip: string): Caller {
  const system = systemCaller("GitHub secret scanning");
  return {
    principal: { ...system.principal, actor: { kind: ActorKind.SYSTEM, id: "github-secret-scanning", label: "GitHub secret scanning" } },
    request: { requestId, ip, userAgent: request.headers["user-agent"]?.slice(0, 500) ?? null },
  };
}

/**
 * POST /v1/leaks/github: GitHub's secret scanning partner endpoint. The body must be signed by
 * one of GITHUB_SCANNING_KEYS; each reported token is answered true_positive (a Keysmith key that
 * verifies, now handled by its tenant's leakedKeyAction) or false_positive, by its SHA-256.
 */
export function githubLeaksRoute(deps: GithubLeaksDependencies) {
  return async function handleLeaks(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    if (deps.keys.length === 0) throw requestError(ErrorCode.NOT_FOUND, "Secret scanning is not set up here (GITHUB_SCANNING_KEYS)");
    if (request.method !== "POST") throw requestError(ErrorCode.METHOD_NOT_ALLOWED, "Use POST /v1/leaks/github");
    const text = await readBody(request);
    const keyId = request.headers["github-public-key-identifier"];
    const signature = request.headers["github-public-key-signature"];
    if (!signedByGitHub(deps.keys, typeof keyId === "string" ? keyId : undefined, typeof signature === "string" ? signature : undefined, text)) {
      throw unauthenticated("The body must be signed by one of GitHub's secret scanning keys (Github-Public-Key-Identifier, Github-Public-Key-Signature)");
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw requestError(ErrorCode.BAD_REQUEST, "The body is not valid JSON");
    }
    const tokens = reportedTokens(body);
    if (typeof tokens === "string") throw requestError(ErrorCode.BAD_REQUEST, `Invalid report: ${tokens}`);
    const caller = reporter(request, requestId, clientAddress(request, deps.trustedProxies));
    const labels = [];
    // One at a time: each may cost a bcrypt compare, paid from the scanner's budget.
    for (const reported of tokens) {
      const leak = { source: `GitHub ${reported.source ?? "content"}`, url: reported.url ?? null };
      const verdict = await deps.leaks.byScanner(caller, SCANNER, reported.token, leak);
      labels.push(tokenLabel(reported, verdict.authentic));
    }
    sendJson(response, 200, labels, { "x-request-id": requestId, "cache-control": "no-store" });
  };
}
