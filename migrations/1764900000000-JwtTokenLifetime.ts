import type { MigrationInterface, QueryRunner } from "typeorm";

/** The longest lifetime a tenant's identity provider may give a token (exp - iat), 24 h by default. */
export class JwtTokenLifetime1764900000000 implements MigrationInterface {
  name = "JwtTokenLifetime1764900000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE tenants ADD COLUMN jwt_max_token_lifetime_seconds integer NOT NULL DEFAULT 86400`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE tenants DROP COLUMN jwt_max_token_lifetime_seconds`);
  }
}
