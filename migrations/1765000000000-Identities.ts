import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Identities: the tenant's customers or users that own keys and share their limits. externalId is
 * unique per tenant; a key refers to an identity of its own tenant (the foreign key includes the
 * tenant, so no row can point across tenants).
 */
export class Identities1765000000000 implements MigrationInterface {
  name = "Identities1765000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE identities (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        external_id text NOT NULL,
        name text,
        metadata jsonb,
        rate_limits jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (tenant_id, id)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX identities_tenant_external_id_key ON identities (tenant_id, external_id)`);
    await queryRunner.query(`CREATE INDEX identities_tenant_created_idx ON identities (tenant_id, created_at DESC, id DESC)`);
    await queryRunner.query(
      `CREATE INDEX identities_search_trgm ON identities USING gin (tenant_id, (lower(external_id || ' ' || coalesce(name, ''))) gin_trgm_ops)`,
    );
    await queryRunner.query(`CREATE INDEX identities_tenant_external_id_prefix_idx ON identities (tenant_id, lower(external_id) text_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX identities_tenant_name_prefix_idx ON identities (tenant_id, lower(name) text_pattern_ops)`);
    await queryRunner.query(`ALTER TABLE api_keys ADD COLUMN identity_id uuid`);
    await queryRunner.query(
      `ALTER TABLE api_keys ADD CONSTRAINT api_keys_identity_fkey FOREIGN KEY (tenant_id, identity_id) REFERENCES identities (tenant_id, id)`,
    );
    await queryRunner.query(`CREATE INDEX api_keys_tenant_identity_idx ON api_keys (tenant_id, identity_id, created_at DESC, id DESC) WHERE identity_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX api_keys_tenant_identity_idx`);
    await queryRunner.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_identity_fkey`);
    await queryRunner.query(`ALTER TABLE api_keys DROP COLUMN identity_id`);
    await queryRunner.query(`DROP TABLE identities`);
  }
}
