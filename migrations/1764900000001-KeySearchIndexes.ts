import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Key search through indexes, per tenant: a trigram index over the searchable text of a key (name,
 * description, prefix and lookup id, last four characters) for substrings of three characters or
 * more, and prefix indexes for shorter terms. The expressions must stay exactly those of
 * src/keys/key-list-query.ts (a test reads the plan).
 */
export class KeySearchIndexes1764900000001 implements MigrationInterface {
  name = "KeySearchIndexes1764900000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS btree_gin`);
    await queryRunner.query(
      `CREATE INDEX api_keys_search_trgm ON api_keys USING gin (tenant_id, (lower(name || ' ' || coalesce(description, '') || ' ' || prefix || '_' || lookup_id || ' ' || last4)) gin_trgm_ops)`,
    );
    await queryRunner.query(`CREATE INDEX api_keys_tenant_name_prefix_idx ON api_keys (tenant_id, lower(name) text_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX api_keys_tenant_key_prefix_idx ON api_keys (tenant_id, lower(prefix || '_' || lookup_id) text_pattern_ops)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX api_keys_tenant_key_prefix_idx`);
    await queryRunner.query(`DROP INDEX api_keys_tenant_name_prefix_idx`);
    await queryRunner.query(`DROP INDEX api_keys_search_trgm`);
  }
}
