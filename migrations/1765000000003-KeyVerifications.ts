import type { MigrationInterface, QueryRunner } from "typeorm";

/** Verifications per key per hour by code, written behind the checks and kept USAGE_RETENTION_DAYS. */
export class KeyVerifications1765000000003 implements MigrationInterface {
  name = "KeyVerifications1765000000003";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE key_verifications (
        tenant_id uuid NOT NULL,
        key_id uuid NOT NULL,
        hour timestamptz NOT NULL,
        code text NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (tenant_id, key_id, hour, code)
      )`);
    await queryRunner.query(`CREATE INDEX key_verifications_tenant_hour_idx ON key_verifications (tenant_id, hour)`);
    await queryRunner.query(`CREATE INDEX key_verifications_hour_idx ON key_verifications (hour)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE key_verifications`);
  }
}
