import { CheckCode } from "../core/check-code";
import { decide } from "../core/check-decision";
import type { KeyState } from "../core/key-state";
import type { KeyStateStore } from "../check/key-state-store";
import type { KeyVerifier } from "../check/key-verifier";
import type { RateLimits } from "../check/rate-limits";
import type { UsageRecorder } from "../check/usage-recorder";
import type { CatalogView } from "../core/scope-evaluator";
import { DomainError, ErrorCode, rateLimited, unauthenticated } from "../common/errors";
import type { JwtVerifier } from "./jwt-verifier";
import { ActorKind, type Principal, PrincipalKind } from "../principals/principal";

/** One message for every refused credential, so a caller learns nothing about why. */
export const INVALID_API_KEY = "Invalid API key";
const TOO_MANY_FAILURES = "Too many failed authentications from this address; try again later";

/** Authentication requires no scopes, so it consults no catalog. */
const NO_CATALOG: CatalogView = new Map();

/** `Authorization: Bearer <key or JWT>`, or `X-API-Key: <key>`; undefined when neither is sent. */
export function readCredential(headers: { authorization?: string; "x-api-key"?: string | string[] }): string | undefined {
  const authorization = headers.authorization?.trim();
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw unauthenticated("Authorization must be `Bearer <key or token>`");
    return match[1];
  }
  const apiKey = headers["x-api-key"];
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return value?.trim() || undefined;
}

const looksLikeJwt = (credential: string): boolean => credential.split(".").length === 3;

/** The one place that turns a request's credential into its principal. */
export class Authenticator {
  constructor(
    private readonly verifier: KeyVerifier,
    private readonly store: KeyStateStore,
    private readonly usage: UsageRecorder,
    private readonly jwt: JwtVerifier,
    private readonly limits: RateLimits,
  ) {}

  /**
   * `ip` is the request's own address: a key with an allowlist is held to it here too, and failed
   * attempts are budgeted per address (a known good key is never refused for its neighbours' failures).
   */
  async authenticate(credential: string, ip: string): Promise<Principal> {
    const failures = this.limits.failedAuthentications(ip);
    if (looksLikeJwt(credential)) {
      if (!(await failures.open())) throw rateLimited(TOO_MANY_FAILURES);
      try {
        return await this.jwt.verify(credential);
      } catch (error) {
        if (error instanceof DomainError && error.code === ErrorCode.UNAUTHENTICATED) await failures.spend();
        throw error;
      }
    }
    const authentication = await this.verifier.authenticate(credential, undefined, failures);
    if (!authentication.ok) {
      if (authentication.code === "THROTTLED") throw rateLimited(TOO_MANY_FAILURES);
      throw unauthenticated(INVALID_API_KEY);
    }
    const { state } = authentication;
    const decision = decide(
      state,
      { scopes: [], mode: "ALL", clientIp: ip },
      {
        tenantStatus: await this.store.tenantStatus(state.tenantId),
        subscriptionStatuses: await this.store.subscriptionStatuses(state.subscriptionIds),
        catalog: NO_CATALOG,
        now: Date.now(),
      },
    );
    if (decision.code !== CheckCode.VALID && decision.code !== CheckCode.TENANT_SUSPENDED) {
      await failures.spend();
      throw unauthenticated(INVALID_API_KEY);
    }
    this.usage.record(state.id, state.tenantId);
    return keyPrincipal(state, decision.code === CheckCode.TENANT_SUSPENDED);
  }
}

function keyPrincipal(state: KeyState, tenantSuspended: boolean): Principal {
  return {
    kind: state.isRoot ? PrincipalKind.ROOT : PrincipalKind.TENANT,
    tenantId: state.tenantId,
    tenantSuspended,
    keyId: state.id,
    name: state.name,
    scopes: state.scopes,
    grants: state.grants,
    actor: { kind: state.isRoot ? ActorKind.ROOT : ActorKind.TENANT_KEY, id: state.id, label: state.name },
  };
}
