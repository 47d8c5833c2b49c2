import type { MigrationInterface, QueryRunner } from "typeorm";

/** Each tenant's response to a leaked key: REVOKE by default, DISABLE or NOTIFY. */
export class LeakedKeyAction1765000000005 implements MigrationInterface {
  name = "LeakedKeyAction1765000000005";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE tenants ADD COLUMN leaked_key_action text NOT NULL DEFAULT 'REVOKE' CHECK (leaked_key_action IN ('REVOKE', 'DISABLE', 'NOTIFY'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE tenants DROP COLUMN leaked_key_action`);
  }
}
