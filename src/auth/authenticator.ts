import { CheckCode } from "../core/check-code";
import { CheckMode } from "../core/scope-evaluator";
import type { KeyState } from "../core/key-state";
import type { FailureBudget } from "../check/rate-limits";
import type { Senders } from "../check/senders";
import type { VerificationPipeline } from "../check/verification-pipeline";
import { DomainError, ErrorCode, rateLimited, unauthenticated } from "../common/errors";
import { ActorKind, type Principal, PrincipalKind } from "../principals/principal";
import type { JwtVerifier } from "./jwt-verifier";

/** One message for every refused key, so a caller learns nothing about why. */
export const INVALID_API_KEY = "Invalid API key";

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
    private readonly pipeline: VerificationPipeline,
    private readonly senders: Senders,
    private readonly jwt: JwtVerifier,
  ) {}

  /**
   * `ip` is the request's own address: a key with an allowlist is held to it here too, and failures
   * are paid for by the address that sent them (a key verified before is never refused for them).
   */
  async authenticate(credential: string, ip: string): Promise<Principal> {
    const sender = this.senders.credential(ip);
    if (looksLikeJwt(credential)) return this.authenticateJwt(credential, sender.failures, sender.refusal);
    const verification = await this.pipeline.verify({
      key: credential,
      sender,
      check: { scopes: [], mode: CheckMode.ALL, clientIp: ip },
    });
    const { code, state } = verification;
    if (state && (code === CheckCode.VALID || code === CheckCode.TENANT_SUSPENDED)) {
      return keyPrincipal(state, code === CheckCode.TENANT_SUSPENDED);
    }
    // MALFORMED and NOT_FOUND were paid for by the pipeline; a revoked, expired or disabled key is a failure too.
    if (state || code === CheckCode.IP_NOT_ALLOWED) {
      const wait = await sender.failures.spend();
      if (wait !== undefined) throw rateLimited(sender.refusal, wait / 1000);
    }
    throw unauthenticated(INVALID_API_KEY);
  }

  private async authenticateJwt(token: string, failures: FailureBudget, refusal: string): Promise<Principal> {
    const exhausted = await failures.exhausted();
    if (exhausted !== undefined) throw rateLimited(refusal, exhausted / 1000);
    try {
      return await this.jwt.verify(token);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.UNAUTHENTICATED) await failures.spend();
      throw error;
    }
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
