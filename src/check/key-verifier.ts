import { createHmac, randomBytes } from "node:crypto";
import { BoundedCache } from "../common/bounded-cache";
import { type ParsedKey, parseKey } from "../core/key-format";
import type { SecretHasher } from "../keys/secret-hasher";
import { CheckCode } from "../core/check-code";
import type { KeyState } from "../core/key-state";
import type { KeyStateStore } from "./key-state-store";
import type { FailureBudget } from "./rate-limits";

export type Authentication =
  | { ok: true; state: KeyState }
  | { ok: false; code: CheckCode.MALFORMED | CheckCode.NOT_FOUND }
  /** The admission gate refused: too many recent failures from this source. */
  | { ok: false; code: "THROTTLED" };



export interface VerifierOptions {
  /** bcrypt compares allowed per lookup id per window for secrets not yet verified. */
  bcryptBudget: number;
  bcryptBudgetWindowMs: number;
  verifiedTtlMs: number;
  verifiedMaxEntries: number;
  unknownTtlMs: number;
  unknownMaxEntries: number;
}

export const DEFAULT_VERIFIER_OPTIONS: VerifierOptions = {
  bcryptBudget: 10,
  bcryptBudgetWindowMs: 60_000,
  verifiedTtlMs: 15 * 60_000,
  verifiedMaxEntries: 100_000,
  unknownTtlMs: 60_000,
  unknownMaxEntries: 100_000,
};

export interface VerifierCounters {
  malformed: number;
  verifiedHits: number;
  unknownHits: number;
  bcryptCompares: number;
  budgetExhausted: number;
}

const NOT_FOUND: Authentication = { ok: false, code: CheckCode.NOT_FOUND };
const MALFORMED: Authentication = { ok: false, code: CheckCode.MALFORMED };
const THROTTLED: Authentication = { ok: false, code: "THROTTLED" };

/**
 * Proves a presented key authentic. The checksum rejects garbage with no I/O; a key verified before
 * is recognised by HMAC(per-process pepper, key) with no bcrypt; unknown lookup ids are remembered;
 * a cold key costs one query and one async bcrypt compare, shared by concurrent callers and
 * budgeted per lookup id so nobody can keep the server running bcrypt.
 */
export class KeyVerifier {
  private readonly pepper = randomBytes(32);
  private readonly verified: BoundedCache<string, string>;
  private readonly unknownLookupIds: BoundedCache<string, true>;
  /** Compares spent per lookup id; an entry (and so its window) ends windowMs after its first compare. */
  private readonly budgets: BoundedCache<string, { spent: number }>;
  private readonly inFlight = new Map<string, Promise<Authentication>>();
  readonly counters: VerifierCounters = { malformed: 0, verifiedHits: 0, unknownHits: 0, bcryptCompares: 0, budgetExhausted: 0 };

  constructor(
    private readonly store: KeyStateStore,
    private readonly hasher: SecretHasher,
    private readonly options: VerifierOptions = DEFAULT_VERIFIER_OPTIONS,
  ) {
    this.verified = new BoundedCache(options.verifiedMaxEntries, options.verifiedTtlMs);
    this.unknownLookupIds = new BoundedCache(options.unknownMaxEntries, options.unknownTtlMs);
    this.budgets = new BoundedCache(options.unknownMaxEntries, options.bcryptBudgetWindowMs);
  }

  /**
   * `tenantId`, when given, is the only tenant whose keys are found: others answer NOT_FOUND.
   * `failures` budgets this source's failed attempts: each failure spends from it, work that costs
   * (a query, bcrypt) waits until it is open, and past it the answer is THROTTLED. A key verified
   * before never touches it, so its holder is never locked out by a neighbour's guesses.
   */
  async authenticate(presented: string, tenantId?: string, failures?: FailureBudget): Promise<Authentication> {
    const parsed = parseKey(presented);
    if (!parsed) {
      this.counters.malformed++;
      return this.failed(MALFORMED, failures);
    }
    // An unknown lookup id cannot belong to a verified key: no fingerprint needed to refuse it.
    if (this.unknownLookupIds.has(parsed.lookupId)) {
      this.counters.unknownHits++;
      return this.failed(NOT_FOUND, failures);
    }
    const fingerprint = createHmac("sha256", this.pepper).update(presented).digest("base64");
    const verifiedKeyId = this.verified.get(fingerprint);
    if (verifiedKeyId) {
      this.counters.verifiedHits++;
      const state = await this.store.keyById(verifiedKeyId);
      if (state && (tenantId === undefined || state.tenantId === tenantId)) return { ok: true, state };
      return this.failed(NOT_FOUND, failures);
    }
    if (failures && !(await failures.open())) return THROTTLED;
    // Concurrent cold checks of one key share one lookup and one bcrypt compare.
    const flight = `${tenantId ?? "*"}|${fingerprint}`;
    let pending = this.inFlight.get(flight);
    if (!pending) {
      pending = this.coldAuthenticate(parsed, fingerprint, tenantId).finally(() => this.inFlight.delete(flight));
      this.inFlight.set(flight, pending);
    }
    const result = await pending;
    return result.ok ? result : this.failed(result, failures);
  }

  private async failed(result: Authentication, failures: FailureBudget | undefined): Promise<Authentication> {
    return !failures || (await failures.spend()) ? result : THROTTLED;
  }

  private async coldAuthenticate(parsed: ParsedKey, fingerprint: string, tenantId: string | undefined): Promise<Authentication> {
    const state = await this.store.keyByLookupId(parsed.lookupId);
    if (!state) {
      this.unknownLookupIds.set(parsed.lookupId, true);
      return NOT_FOUND;
    }
    if (tenantId !== undefined && state.tenantId !== tenantId) return NOT_FOUND;
    if (!this.spendBudget(parsed.lookupId)) return NOT_FOUND;
    this.counters.bcryptCompares++;
    if (!(await this.hasher.compare(parsed.secret, state.secretHash))) return NOT_FOUND;
    this.verified.set(fingerprint, state.id);
    return { ok: true, state };
  }

  /** False once the lookup id has used its compares for this window. */
  private spendBudget(lookupId: string): boolean {
    const budget = this.budgets.get(lookupId);
    if (budget && budget.spent >= this.options.bcryptBudget) {
      this.counters.budgetExhausted++;
      return false;
    }
    if (budget) budget.spent++;
    else this.budgets.set(lookupId, { spent: 1 });
    return true;
  }
}
