import { LRUCache } from "lru-cache";
import { rateLimited } from "../common/errors";
import { currentWork } from "../common/request-work";
import { CheckCode } from "../core/check-code";
import { type ParsedKey, parseKey } from "../core/key-format";
import type { KeyState } from "../core/key-state";
import type { SecretHasher } from "../keys/secret-hasher";
import { type CompareScheduler, type CompareSender } from "./compare-scheduler";
import type { KeyStateStore } from "./key-state-store";
import type { FailureBudget } from "./rate-limits";
import type { VerifiedKeys } from "./verified-keys";

/**
 * Who presents a key, and what they pay for failures: budgets belong to the sender, never to a
 * key, so nobody can lock out someone else's key by sending forgeries that name it.
 */
export interface Sender extends CompareSender {
  /** Failed checks of this sender for one client (or failed authentications from one address). */
  failures: FailureBudget;
  /** Failed bcrypt compares of this sender across all its clients. */
  compares: FailureBudget;
  /** What a sender over budget is told. */
  refusal: string;
}

export type Authentication = { ok: true; state: KeyState } | { ok: false; code: CheckCode.MALFORMED | CheckCode.NOT_FOUND };

export interface UnknownKeysOptions {
  ttlMs: number;
  maxEntries: number;
}

export const DEFAULT_UNKNOWN_KEYS: UnknownKeysOptions = { ttlMs: 60_000, maxEntries: 100_000 };

export interface VerifierCounters {
  malformed: number;
  verifiedHits: number;
  sharedHits: number;
  unknownHits: number;
  bcryptMatches: number;
  bcryptMismatches: number;
  /** Senders refused before any work that costs, by the budget that refused them. */
  refusedFailedChecks: number;
  refusedFailedCompares: number;
}

const NOT_FOUND: Authentication = { ok: false, code: CheckCode.NOT_FOUND };
const MALFORMED: Authentication = { ok: false, code: CheckCode.MALFORMED };

/**
 * Proves a presented key authentic, cheapest first: the checksum rejects garbage with no I/O; a
 * key verified before is recognised by its fingerprint with no bcrypt; unknown lookup ids are
 * remembered; a cold key costs one query and one async bcrypt compare, shared by concurrent
 * callers, scheduled fairly, and paid for by the sender.
 */
export class KeyVerifier {
  private readonly unknownLookupIds: LRUCache<string, true>;
  private readonly inFlight = new Map<string, Promise<Authentication>>();
  readonly counters: VerifierCounters = {
    malformed: 0,
    verifiedHits: 0,
    sharedHits: 0,
    unknownHits: 0,
    bcryptMatches: 0,
    bcryptMismatches: 0,
    refusedFailedChecks: 0,
    refusedFailedCompares: 0,
  };

  constructor(
    private readonly store: KeyStateStore,
    private readonly hasher: SecretHasher,
    private readonly verified: VerifiedKeys,
    private readonly scheduler: CompareScheduler,
    unknown: UnknownKeysOptions = DEFAULT_UNKNOWN_KEYS,
  ) {
    this.unknownLookupIds = new LRUCache({ max: unknown.maxEntries, ttl: unknown.ttlMs });
  }

  get bcryptCompares(): number {
    return this.counters.bcryptMatches + this.counters.bcryptMismatches;
  }

  /**
   * `tenantId`, when given, is the only tenant whose keys are found: others answer NOT_FOUND.
   * Each failure spends the sender's budgets; a sender over them is refused (RATE_LIMITED) before
   * any query or bcrypt. A key verified before never touches them.
   */
  async authenticate(presented: string, sender: Sender, tenantId?: string): Promise<Authentication> {
    const parsed = parseKey(presented);
    if (!parsed) {
      this.counters.malformed++;
      return this.failed(MALFORMED, sender);
    }
    // An unknown lookup id cannot belong to a verified key: no fingerprint needed to refuse it.
    if (this.unknownLookupIds.has(parsed.lookupId)) {
      this.counters.unknownHits++;
      return this.failed(NOT_FOUND, sender);
    }
    const fingerprint = this.verified.fingerprint(presented);
    const verifiedKeyId = this.verified.local(fingerprint);
    if (verifiedKeyId) {
      this.counters.verifiedHits++;
      const state = await this.store.keyById(verifiedKeyId);
      if (state && (tenantId === undefined || state.tenantId === tenantId)) return { ok: true, state };
      return this.failed(NOT_FOUND, sender);
    }
    await this.admit(sender);
    // Concurrent cold checks of one key share one lookup and one bcrypt compare.
    const flight = `${tenantId ?? "*"}|${fingerprint}`;
    let pending = this.inFlight.get(flight);
    if (!pending) {
      pending = this.coldAuthenticate(parsed, fingerprint, sender, tenantId).finally(() => this.inFlight.delete(flight));
      this.inFlight.set(flight, pending);
    }
    const result = await pending;
    return result.ok ? result : this.failed(result, sender);
  }

  /** Refuses a sender over either budget, before anything that costs. */
  private async admit(sender: Sender): Promise<void> {
    const [failures, compares] = await Promise.all([sender.failures.exhausted(), sender.compares.exhausted()]);
    if (failures !== undefined) this.counters.refusedFailedChecks++;
    else if (compares !== undefined) this.counters.refusedFailedCompares++;
    const wait = failures ?? compares;
    if (wait !== undefined) throw rateLimited(sender.refusal, wait / 1000);
  }

  private async failed(result: Authentication, sender: Sender): Promise<Authentication> {
    const wait = await sender.failures.spend();
    if (wait !== undefined) throw rateLimited(sender.refusal, wait / 1000);
    return result;
  }

  private async coldAuthenticate(
    parsed: ParsedKey,
    fingerprint: string,
    sender: Sender,
    tenantId: string | undefined,
  ): Promise<Authentication> {
    const [state, sharedKeyId] = await Promise.all([
      this.store.keyByLookupId(parsed.lookupId),
      this.verified.sharing ? this.verified.fromShared(fingerprint) : undefined,
    ]);
    if (!state) {
      this.unknownLookupIds.set(parsed.lookupId, true);
      return NOT_FOUND;
    }
    if (tenantId !== undefined && state.tenantId !== tenantId) return NOT_FOUND;
    if (sharedKeyId === state.id) {
      this.counters.sharedHits++;
      this.verified.remember(fingerprint, state.id);
      return { ok: true, state };
    }
    const matches = await this.scheduler.run(sender, () => this.hasher.compare(parsed.secret, state.secretHash));
    // Counted in the request that started the flight: those sharing it did no compare.
    const work = currentWork();
    if (work) work.bcryptCompares++;
    if (!matches) {
      this.counters.bcryptMismatches++;
      await sender.compares.spend();
      return NOT_FOUND;
    }
    this.counters.bcryptMatches++;
    this.verified.remember(fingerprint, state.id);
    return { ok: true, state };
  }
}
