import { Column, Entity, PrimaryColumn } from "typeorm";

/** One scope granted to one key; unique per (key, scope). */
@Entity({ name: "permission_grants" })
export class PermissionGrant {
  @PrimaryColumn("uuid")
  id!: string;

  @Column("uuid", { name: "tenant_id" })
  tenantId!: string;

  @Column("uuid", { name: "api_key_id" })
  apiKeyId!: string;

  @Column("text")
  scope!: string;
}
