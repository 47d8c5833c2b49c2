import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Credits: what a key may still spend (null: the key has none and checks spend nothing), and how
 * it refills (to `amount`, daily or monthly on a day, at 00:00 UTC; applied at the next check).
 * credits_refilled_at is the last refill (or setting) the remaining count reflects.
 */
export class Credits1765000000002 implements MigrationInterface {
  name = "Credits1765000000002";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE api_keys
        ADD COLUMN credits_remaining bigint CHECK (credits_remaining >= 0),
        ADD COLUMN credits_refill_amount bigint CHECK (credits_refill_amount >= 0),
        ADD COLUMN credits_refill_interval text CHECK (credits_refill_interval IN ('DAILY', 'MONTHLY')),
        ADD COLUMN credits_refill_day_of_month smallint CHECK (credits_refill_day_of_month BETWEEN 1 AND 31),
        ADD COLUMN credits_refilled_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE api_keys
        DROP COLUMN credits_remaining,
        DROP COLUMN credits_refill_amount,
        DROP COLUMN credits_refill_interval,
        DROP COLUMN credits_refill_day_of_month,
        DROP COLUMN credits_refilled_at`);
  }
}
