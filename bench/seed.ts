import bcrypt from "bcrypt";
import type { DataSource } from "typeorm";
import { newId } from "../src/common/ids";
import { BASE62_ALPHABET, checksum, randomBase62 } from "../src/core/key-format";

export interface Principal {
  tenantId: string;
  key: string;
}

/** A tenant with many keys, and principals of it that list them (a console, and twenty more for the noisy neighbour). */
export interface ListingTenant extends Principal {
  consoles: string[];
}

/** Every key the bench presents shares one secret: one bcrypt hash, yet each cold check still runs a compare. */
const SHARED_SECRET = randomBase62(32);

/** A full key for a lookup id, with the shared secret. */
export function keyFor(prefix: string, lookupId: string): string {
  const unsigned = `${prefix}_${lookupId}${SHARED_SECRET}`;
  return unsigned + checksum(unsigned);
}

/** The tenant with this slug, created if absent; `created` tells whether it is new. */
async function tenantBySlug(db: DataSource, slug: string): Promise<{ id: string; created: boolean }> {
  const [existing] = await db.query("SELECT id FROM tenants WHERE slug = $1", [slug]);
  if (existing) return { id: existing.id, created: false };
  return { id: await insertTenant(db, slug), created: true };
}

async function insertTenant(db: DataSource, slug: string): Promise<string> {
  const id = newId();
  await db.query(
    `INSERT INTO tenants (id, slug, name, status, key_prefix, created_at, updated_at) VALUES ($1, $2, $2, 'ACTIVE', 'bench', now(), now())`,
    [id, slug],
  );
  return id;
}

/** Keys whose full form the bench knows, each with the given grants. */
async function insertKnownKeys(db: DataSource, tenantId: string, hash: string, names: string[], scopes: string[]): Promise<string[]> {
  const lookupIds = names.map(() => randomBase62(12));
  const ids = names.map(() => newId());
  await db.query(
    `INSERT INTO api_keys (id, tenant_id, name, prefix, lookup_id, secret_hash, last4, created_by, created_at, updated_at)
     SELECT id, $2, name, 'bench', lookup_id, $3, right(lookup_id, 4), 'bench', now(), now()
       FROM unnest($1::uuid[], $4::text[], $5::text[]) AS k(id, name, lookup_id)`,
    [ids, tenantId, hash, names, lookupIds],
  );
  if (scopes.length > 0) {
    await db.query(
      `INSERT INTO permission_grants (id, tenant_id, api_key_id, scope)
       SELECT gen_random_uuid(), $1, k.id, s.scope FROM unnest($2::uuid[]) AS k(id) CROSS JOIN unnest($3::text[]) AS s(scope)`,
      [tenantId, ids, scopes],
    );
  }
  return lookupIds.map((lookupId) => keyFor("bench", lookupId));
}

/**
 * `count` keys in one statement: a realistic mix of statuses, expiries, names and usage, spread
 * over a year of creation times. Their secrets are never presented, so they share the hash.
 */
async function insertBulkKeys(db: DataSource, tenantId: string, hash: string, count: number): Promise<void> {
  // Lookup ids: 12 hex characters of md5(tenant, row): base62, and unique across tenants and runs.
  await db.query(
    `INSERT INTO api_keys (id, tenant_id, name, description, prefix, lookup_id, secret_hash, last4, enabled, expires_at, revoked_at,
                           created_by, created_at, updated_at, last_used_at, usage_count)
     SELECT gen_random_uuid(), $1, 'service key ' || i, CASE WHEN i % 5 = 0 THEN 'batch ' || (i % 97) END, 'bench',
            left(md5($3 || ':' || i), 12), $2, right(md5($3 || ':' || i), 4),
            i % 37 <> 0,
            CASE WHEN i % 3 = 0 THEN now() + ((i % 400) - 20) * interval '1 day' END,
            CASE WHEN i % 50 = 0 THEN now() - (i % 30) * interval '1 day' END,
            'seed-' || (i % 7), now() - i * interval '30 seconds', now(),
            CASE WHEN i % 2 = 0 THEN now() - (i % 1000) * interval '1 minute' END, i % 1000
       FROM generate_series(1, $4::int) AS i`,
    [tenantId, hash, tenantId, count],
  );
  // A database in its steady state: what the scheduled scan would have told of is told already,
  // so the server under test does not spend the run catching up on a million seeded keys.
  await db.query(
    `UPDATE api_keys SET expiring_soon_notified_at = CASE WHEN expires_at <= now() + interval '60 days' THEN now() END,
                         expiry_notified_at = CASE WHEN expires_at <= now() THEN expires_at END,
                         revocation_notified_at = revoked_at
      WHERE tenant_id = $1 AND (expires_at IS NOT NULL OR revoked_at IS NOT NULL)`,
    [tenantId],
  );
}

export interface Seeded {
  verifier: Principal;
  validKey: string;
  /** A key with (more than enough) credits: each check spends one, in the database. */
  creditsKey: string;
  /** Sets of keys never checked, one per scenario that needs cold keys (a check warms its key). */
  coldKeys: Record<ColdSet, string[]>;
  unknownKey: string;
  small: ListingTenant;
  large: ListingTenant;
  /** A tenant whose backends send wrong secrets for its own keys, forcing bcrypt compares. */
  attacker: { verifiers: string[]; keys: string[] };
}

export const COLD_SETS = ["throughput", "uncontended", "attackOneAddress", "attackManyAddresses", "attackOtherTenant", "restart"] as const;
export type ColdSet = (typeof COLD_SETS)[number];

/**
 * Seeds a fresh tenant for checks, and tenants with 1,000 and `largeCount` keys (reused from an
 * earlier run on the same database, since seeding a million rows takes a while).
 */
export async function seed(db: DataSource, runTag: string, largeCount: number, coldCount: number): Promise<Seeded> {
  const hash = await bcrypt.hash(SHARED_SECRET, 10);
  const checks = await insertTenant(db, `bench-checks-${runTag}`);
  const [verifier] = await insertKnownKeys(db, checks, hash, ["backend"], ["keys:verify"]);
  const [validKey, creditsKey] = await insertKnownKeys(db, checks, hash, ["valid", "with credits"], ["example:read"]);
  await db.query("UPDATE api_keys SET credits_remaining = 1000000000000, credits_refilled_at = now() WHERE tenant_id = $1 AND name = 'with credits'", [checks]);
  const coldKeys = {} as Record<ColdSet, string[]>;
  for (const set of COLD_SETS) {
    coldKeys[set] = await insertKnownKeys(db, checks, hash, Array.from({ length: coldCount }, (_, i) => `cold ${set} ${i}`), ["example:read"]);
  }

  const bulk = async (count: number) => {
    const tenant = await tenantBySlug(db, `bench-${count}-keys`);
    if (tenant.created) await insertBulkKeys(db, tenant.id, hash, count);
    const [lister, ...consoles] = await insertKnownKeys(db, tenant.id, hash, Array.from({ length: 21 }, (_, i) => `console ${i}`), ["keys:list"]);
    return { tenantId: tenant.id, key: lister, consoles };
  };
  const attackerTenant = await insertTenant(db, `bench-attacker-${runTag}`);
  const attacker = {
    verifiers: await insertKnownKeys(db, attackerTenant, hash, Array.from({ length: 10 }, (_, i) => `attacking backend ${i}`), ["keys:verify"]),
    keys: await insertKnownKeys(db, attackerTenant, hash, Array.from({ length: 50 }, (_, i) => `attacker's key ${i}`), ["example:read"]),
  };
  const small = await bulk(1_000);
  const large = await bulk(largeCount);
  await db.query("ANALYZE");

  const unknownLookupId = Array.from({ length: 12 }, (_, i) => BASE62_ALPHABET[(i * 7) % 62]).join("");
  return {
    verifier: { tenantId: checks, key: verifier },
    validKey,
    creditsKey,
    coldKeys,
    unknownKey: keyFor("bench", unknownLookupId),
    small,
    large,
    attacker,
  };
}
