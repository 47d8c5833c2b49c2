import type { MigrationInterface, QueryRunner } from "typeorm";

const PLATFORM_TENANT_ID = "00000000-0000-7000-8000-000000000001";

const RESERVED_NAMESPACES = [
  {
    id: "00000000-0000-7000-8000-000000000101",
    name: "keys",
    description: "Keysmith's own management API.",
    operations: [
      { name: "list", access: "READ" },
      { name: "verify", access: "READ" },
      { name: "create", access: "WRITE" },
      { name: "update", access: "WRITE" },
      { name: "revoke", access: "WRITE" },
      { name: "define", access: "WRITE" },
    ],
  },
  {
    id: "00000000-0000-7000-8000-000000000102",
    name: "platform",
    description: "Platform administration; root keys hold platform:*.",
    operations: [{ name: "manage", access: "WRITE" }],
  },
  {
    id: "00000000-0000-7000-8000-000000000103",
    name: "example",
    description: "An example API, to try scopes with on a new install.",
    operations: [
      { name: "ListItems", access: "READ" },
      { name: "GetItem", access: "READ" },
      { name: "CreateItem", access: "WRITE" },
      { name: "UpdateItem", access: "WRITE" },
      { name: "DeleteItem", access: "WRITE" },
    ],
  },
];

export class InitialSchema1764000000000 implements MigrationInterface {
  name = "InitialSchema1764000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY,
        slug text NOT NULL,
        name text NOT NULL,
        status text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED')),
        key_prefix text NOT NULL,
        max_ttl_days integer NOT NULL DEFAULT 365,
        require_expiry boolean NOT NULL DEFAULT false,
        expiring_soon_days integer NOT NULL DEFAULT 30,
        wildcard_max_ttl_days integer NOT NULL DEFAULT 7,
        jwt_issuer text,
        jwt_audience text,
        jwt_jwks_url text,
        jwt_public_key_pem text,
        jwt_algorithms text[] NOT NULL DEFAULT '{}',
        jwt_scope_claim text NOT NULL DEFAULT 'scope',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX tenants_slug_key ON tenants (slug)`);
    await queryRunner.query(`CREATE UNIQUE INDEX tenants_jwt_issuer_key ON tenants (jwt_issuer) WHERE jwt_issuer IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX tenants_created_at_idx ON tenants (created_at DESC, id DESC)`);

    await queryRunner.query(`
      CREATE TABLE subscriptions (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        name text NOT NULL,
        plan text NOT NULL,
        status text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'CANCELLED')),
        scope_ceiling text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX subscriptions_tenant_created_idx ON subscriptions (tenant_id, created_at DESC, id DESC)`);

    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        name text NOT NULL,
        description text,
        external_id text,
        prefix text NOT NULL,
        lookup_id text NOT NULL,
        secret_hash text NOT NULL,
        last4 text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        expires_at timestamptz,
        revoked_at timestamptz,
        revoked_reason text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        last_used_at timestamptz,
        usage_count bigint NOT NULL DEFAULT 0,
        allowed_cidrs text[] NOT NULL DEFAULT '{}',
        rate_limit integer,
        rate_limit_window_seconds integer,
        rotated_from_id uuid REFERENCES api_keys (id),
        rotated_to_id uuid REFERENCES api_keys (id),
        metadata jsonb
      )`);
    // lookup_id is how a presented key is found before its tenant is known.
    await queryRunner.query(`CREATE UNIQUE INDEX api_keys_lookup_id_key ON api_keys (lookup_id)`);
    await queryRunner.query(`CREATE INDEX api_keys_tenant_created_idx ON api_keys (tenant_id, created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX api_keys_tenant_name_idx ON api_keys (tenant_id, lower(name), id)`);
    await queryRunner.query(`CREATE INDEX api_keys_tenant_created_by_idx ON api_keys (tenant_id, created_by, id)`);
    await queryRunner.query(`CREATE INDEX api_keys_tenant_expires_idx ON api_keys (tenant_id, expires_at, id)`);
    await queryRunner.query(
      `CREATE INDEX api_keys_tenant_expires_desc_idx ON api_keys (tenant_id, expires_at DESC NULLS LAST, id DESC)`,
    );
    await queryRunner.query(`CREATE INDEX api_keys_tenant_last_used_idx ON api_keys (tenant_id, last_used_at, id)`);
    await queryRunner.query(
      `CREATE INDEX api_keys_tenant_last_used_desc_idx ON api_keys (tenant_id, last_used_at DESC NULLS LAST, id DESC)`,
    );
    await queryRunner.query(`CREATE INDEX api_keys_tenant_external_id_idx ON api_keys (tenant_id, external_id)`);

    await queryRunner.query(`
      CREATE TABLE permission_grants (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        api_key_id uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
        scope text NOT NULL
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX permission_grants_key_scope_key ON permission_grants (tenant_id, api_key_id, scope)`);

    await queryRunner.query(`
      CREATE TABLE api_key_subscriptions (
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        api_key_id uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        PRIMARY KEY (tenant_id, api_key_id, subscription_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX api_key_subscriptions_subscription_idx ON api_key_subscriptions (tenant_id, subscription_id)`,
    );

    await queryRunner.query(`
      CREATE TABLE scope_namespaces (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        name text NOT NULL,
        description text,
        operations jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX scope_namespaces_tenant_name_key ON scope_namespaces (tenant_id, name)`);

    await queryRunner.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        at timestamptz NOT NULL,
        actor_kind text NOT NULL,
        actor_id text NOT NULL,
        actor_label text NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id uuid,
        outcome text NOT NULL CHECK (outcome IN ('SUCCESS', 'DENIED')),
        request_id text,
        ip text,
        user_agent text,
        changes jsonb
      )`);
    await queryRunner.query(`CREATE INDEX audit_events_tenant_at_idx ON audit_events (tenant_id, at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX audit_events_tenant_target_idx ON audit_events (tenant_id, target_id, at DESC)`);
    await queryRunner.query(`CREATE INDEX audit_events_tenant_actor_idx ON audit_events (tenant_id, actor_id, at DESC)`);
    await queryRunner.query(`CREATE INDEX audit_events_tenant_action_idx ON audit_events (tenant_id, action, at DESC)`);

    await queryRunner.query(
      `INSERT INTO tenants (id, slug, name, status, key_prefix, created_at, updated_at)
       VALUES ($1, 'platform', 'Platform', 'ACTIVE', 'ks', now(), now())`,
      [PLATFORM_TENANT_ID],
    );
    for (const namespace of RESERVED_NAMESPACES) {
      await queryRunner.query(
        `INSERT INTO scope_namespaces (id, tenant_id, name, description, operations, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, now(), now())`,
        [namespace.id, PLATFORM_TENANT_ID, namespace.name, namespace.description, JSON.stringify(namespace.operations)],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      "audit_events",
      "scope_namespaces",
      "api_key_subscriptions",
      "permission_grants",
      "api_keys",
      "subscriptions",
      "tenants",
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
