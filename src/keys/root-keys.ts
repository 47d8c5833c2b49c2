import type { DataSource, EntityManager } from "typeorm";
import { AuditAction } from "../audit/audit-event.entity";
import type { AuditService } from "../audit/audit.service";
import type { Caller } from "../principals/principal";
import { systemCaller } from "../principals/system-caller";
import type { Transactions } from "../db/transactions";
import { ROOT_SCOPES } from "../core/reserved-scopes";
import { PLATFORM_TENANT_ID } from "../core/tenancy";
import { type KeyIssuer, type PreparedSecret, administrativeKey } from "./key-issuer";
import type { KeyPolicies } from "./key-policy";

/** Root keys: keys of the reserved platform tenant holding platform:*. */
export class RootKeys {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly issuer: KeyIssuer,
    private readonly audit: AuditService,
    private readonly policies: KeyPolicies,
  ) {}

  /**
   * On a database that never had a platform key, creates the first root key and returns it (to be
   * printed once). Returns undefined otherwise, so a restart never mints a new one.
   */
  async createFirstRootKey(): Promise<string | undefined> {
    if ((await this.countPlatformKeys(this.dataSource.manager)) > 0) return undefined;
    const prepared = await this.prepare();
    return this.transactions.run(async (tx) => {
      // Serialises instances starting together on an empty database: only one creates the first key.
      await tx.manager.query("SELECT id FROM tenants WHERE id = $1 FOR UPDATE", [PLATFORM_TENANT_ID]);
      if ((await this.countPlatformKeys(tx.manager)) > 0) return undefined;
      await this.insertRootKey(tx.manager, "root", systemCaller("first-start"), prepared);
      return prepared.generated.key;
    });
  }

  /** A new root key, whatever exists already (`npm run create-root-key`). */
  async createRootKey(name: string): Promise<string> {
    const prepared = await this.prepare();
    await this.transactions.run((tx) => this.insertRootKey(tx.manager, name, systemCaller("create-root-key"), prepared));
    return prepared.generated.key;
  }

  private async prepare(): Promise<PreparedSecret> {
    return this.issuer.prepare((await this.policies.get(PLATFORM_TENANT_ID)).keyPrefix);
  }

  private async countPlatformKeys(manager: EntityManager): Promise<number> {
    const [{ count }] = await manager.query("SELECT count(*)::int AS count FROM api_keys WHERE tenant_id = $1", [
      PLATFORM_TENANT_ID,
    ]);
    return count;
  }

  private async insertRootKey(manager: EntityManager, name: string, caller: Caller, prepared: PreparedSecret): Promise<void> {
    const key = await this.issuer.insert(
      manager,
      administrativeKey({
        tenantId: PLATFORM_TENANT_ID,
        name,
        description: "Platform root key",
        scopes: ROOT_SCOPES,
        createdBy: caller.principal.actor.id,
      }),
      prepared,
    );
    await this.audit.record(manager, caller, {
      tenantId: PLATFORM_TENANT_ID,
      action: AuditAction.ROOT_KEY_CREATED,
      targetType: "ApiKey",
      targetId: key.id,
      changes: { name: { before: null, after: name }, scopes: { before: null, after: ROOT_SCOPES } },
    });
  }
}
