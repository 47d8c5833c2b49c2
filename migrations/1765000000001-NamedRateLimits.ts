import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Named rate limits: a key's single limit (rate_limit, rate_limit_window_seconds) becomes the
 * limit named `default` in rate_limits, a list of {name, limit, windowSeconds, autoApply}. Down
 * puts the `default` limit back in the two columns (other names are dropped).
 */
export class NamedRateLimits1765000000001 implements MigrationInterface {
  name = "NamedRateLimits1765000000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE api_keys ADD COLUMN rate_limits jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`
      UPDATE api_keys
         SET rate_limits = jsonb_build_array(jsonb_build_object(
               'name', 'default', 'limit', rate_limit, 'windowSeconds', rate_limit_window_seconds, 'autoApply', true))
       WHERE rate_limit IS NOT NULL AND rate_limit_window_seconds IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE api_keys DROP COLUMN rate_limit, DROP COLUMN rate_limit_window_seconds`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE api_keys ADD COLUMN rate_limit integer, ADD COLUMN rate_limit_window_seconds integer`);
    const defaultLimit = (field: string) =>
      `(SELECT (l.value ->> '${field}')::integer FROM jsonb_array_elements(rate_limits) AS l(value) WHERE l.value ->> 'name' = 'default')`;
    await queryRunner.query(`UPDATE api_keys SET rate_limit = ${defaultLimit("limit")}, rate_limit_window_seconds = ${defaultLimit("windowSeconds")}`);
    await queryRunner.query(`ALTER TABLE api_keys DROP COLUMN rate_limits`);
  }
}
