import { sourceOf } from "../common/network";
import type { Principal } from "../principals/principal";
import { UNAUTHENTICATED } from "./compare-scheduler";
import type { Sender } from "./key-verifier";
import type { FailureBudget, RateLimits } from "./rate-limits";

const NEVER_EXHAUSTED: FailureBudget = { exhausted: async () => undefined, spend: async () => undefined };

/** The senders of presented keys, each with the budgets it pays its failures from. */
export class Senders {
  constructor(private readonly limits: RateLimits) {}

  /** A principal asking about its users' keys (checkKey, the REST check), for one client address. */
  caller(principal: Principal, clientIp: string | undefined): Sender {
    const id = `${principal.tenantId}:${principal.actor.id}`;
    return {
      shareClass: principal.tenantId,
      id,
      failures: this.limits.failedChecks(id, clientIp),
      compares: this.limits.failedCompares(`caller:${id}`),
      refusal: "Too many failed checks; try again later",
    };
  }

  /**
   * A secret scanning service whose reports are signed (GitHub). Tokens that are not keys are its
   * normal traffic, and anyone can make it report some (the pattern and the checksum are public):
   * they are never held against it, or a flood of noise would keep real leaks from being acted
   * on. Its bcrypt compares (forged secrets for real lookup ids) keep their budget.
   */
  scanner(name: string): Sender {
    const id = `scanner:${name}`;
    return {
      shareClass: id,
      id,
      failures: NEVER_EXHAUSTED,
      compares: this.limits.failedCompares(id),
      refusal: "Too many reported tokens with a real key's lookup id and a wrong secret; try again later",
    };
  }

  /** A credential presented to Keysmith's own API, before any principal is known. */
  credential(address: string): Sender {
    const source = sourceOf(address);
    return {
      shareClass: UNAUTHENTICATED,
      id: source,
      failures: this.limits.failedAuthentications(address),
      compares: this.limits.failedCompares(`source:${source}`),
      refusal: "Too many failed authentications from this address; try again later",
    };
  }
}
