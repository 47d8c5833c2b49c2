import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Events and their webhook deliveries. An event is written in the transaction of the change it
 * records, with one delivery per endpoint subscribed to its type (the outbox); workers claim due
 * deliveries with a lease and log each attempt. The notified_at columns of api_keys make the
 * scheduled scan send KEY_EXPIRING_SOON, KEY_EXPIRED and a scheduled KEY_REVOKED once per key.
 */
export class Events1765000000004 implements MigrationInterface {
  name = "Events1765000000004";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE events (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        type text NOT NULL,
        key_id uuid,
        data jsonb NOT NULL,
        occurred_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX events_tenant_occurred_idx ON events (tenant_id, occurred_at DESC, id DESC)`);
    await queryRunner.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        url text NOT NULL,
        description text,
        events text[] NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (tenant_id, id)
      )`);
    await queryRunner.query(`CREATE INDEX webhook_endpoints_tenant_created_idx ON webhook_endpoints (tenant_id, created_at DESC, id DESC)`);
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        endpoint_id uuid NOT NULL,
        event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        lease_owner text,
        lease_expires_at timestamptz,
        last_attempt_at timestamptz,
        last_status_code integer,
        last_error text,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL,
        FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING'`);
    await queryRunner.query(`CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (tenant_id, endpoint_id, created_at DESC, id DESC)`);
    await queryRunner.query(`
      CREATE TABLE webhook_attempts (
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        at timestamptz NOT NULL,
        status_code integer,
        error text,
        duration_ms integer NOT NULL,
        worker text NOT NULL,
        PRIMARY KEY (delivery_id, attempt)
      )`);
    await queryRunner.query(`
      ALTER TABLE api_keys
        ADD COLUMN expiring_soon_notified_at timestamptz,
        ADD COLUMN expiry_notified_at timestamptz,
        ADD COLUMN revocation_notified_at timestamptz`);
    // The scan reads only keys it has not told about yet.
    await queryRunner.query(`CREATE INDEX api_keys_expiry_scan_idx ON api_keys (expires_at) WHERE expires_at IS NOT NULL AND expiry_notified_at IS NULL`);
    await queryRunner.query(
      `CREATE INDEX api_keys_expiring_soon_scan_idx ON api_keys (expires_at) WHERE expires_at IS NOT NULL AND expiry_notified_at IS NULL AND expiring_soon_notified_at IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX api_keys_revocation_scan_idx ON api_keys (revoked_at) WHERE revoked_at IS NOT NULL AND revocation_notified_at IS NULL`);
    // Keys revoked before events existed are not news.
    await queryRunner.query(`UPDATE api_keys SET revocation_notified_at = revoked_at WHERE revoked_at IS NOT NULL AND revoked_at <= now()`);
    await queryRunner.query(`UPDATE api_keys SET expiry_notified_at = expires_at, expiring_soon_notified_at = expires_at WHERE expires_at IS NOT NULL AND expires_at <= now()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX api_keys_revocation_scan_idx`);
    await queryRunner.query(`DROP INDEX api_keys_expiring_soon_scan_idx`);
    await queryRunner.query(`DROP INDEX api_keys_expiry_scan_idx`);
    await queryRunner.query(`ALTER TABLE api_keys DROP COLUMN expiring_soon_notified_at, DROP COLUMN expiry_notified_at, DROP COLUMN revocation_notified_at`);
    await queryRunner.query(`DROP TABLE webhook_attempts`);
    await queryRunner.query(`DROP TABLE webhook_deliveries`);
    await queryRunner.query(`DROP TABLE webhook_endpoints`);
    await queryRunner.query(`DROP TABLE events`);
  }
}
