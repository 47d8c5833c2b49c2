import { GraphQLJSONObject } from "graphql-scalars";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { ActorKind } from "../principals/principal";

export enum AuditAction {
  TENANT_CREATED = "TENANT_CREATED",
  TENANT_UPDATED = "TENANT_UPDATED",
  TENANT_SUSPENDED = "TENANT_SUSPENDED",
  TENANT_RESUMED = "TENANT_RESUMED",
  SUBSCRIPTION_CREATED = "SUBSCRIPTION_CREATED",
  SUBSCRIPTION_UPDATED = "SUBSCRIPTION_UPDATED",
  SUBSCRIPTION_STATUS_CHANGED = "SUBSCRIPTION_STATUS_CHANGED",
  KEY_CREATED = "KEY_CREATED",
  KEY_UPDATED = "KEY_UPDATED",
  KEY_ENABLED = "KEY_ENABLED",
  KEY_DISABLED = "KEY_DISABLED",
  KEY_REVOKED = "KEY_REVOKED",
  KEY_REGENERATED = "KEY_REGENERATED",
  ROOT_KEY_CREATED = "ROOT_KEY_CREATED",
  NAMESPACE_DEFINED = "NAMESPACE_DEFINED",
  IDENTITY_CREATED = "IDENTITY_CREATED",
  IDENTITY_UPDATED = "IDENTITY_UPDATED",
  IDENTITY_DELETED = "IDENTITY_DELETED",
  WEBHOOK_ENDPOINT_CREATED = "WEBHOOK_ENDPOINT_CREATED",
  WEBHOOK_ENDPOINT_UPDATED = "WEBHOOK_ENDPOINT_UPDATED",
  WEBHOOK_ENDPOINT_DELETED = "WEBHOOK_ENDPOINT_DELETED",
  WEBHOOK_SECRET_ROTATED = "WEBHOOK_SECRET_ROTATED",
  WEBHOOK_PINGED = "WEBHOOK_PINGED",
  WEBHOOK_REDELIVERED = "WEBHOOK_REDELIVERED",
  KEY_LEAKED = "KEY_LEAKED",
}
registerEnumType(AuditAction, { name: "AuditAction" });

export enum AuditOutcome {
  SUCCESS = "SUCCESS",
  DENIED = "DENIED",
}
registerEnumType(AuditOutcome, { name: "AuditOutcome" });

registerEnumType(ActorKind, { name: "ActorKind" });

@ObjectType({ simpleResolvers: true, description: "Who did it." })
export class AuditActor {
  @Field(() => ActorKind)
  kind!: ActorKind;

  @Field({ description: "A key id, a JWT subject, or `system`." })
  id!: string;

  @Field({ description: "A readable name: the key's name or the JWT subject." })
  label!: string;
}

@ObjectType({ simpleResolvers: true, description: "One recorded change, or one refused attempt at a change." })
@Entity({ name: "audit_events" })
export class AuditEvent {
  @Field(() => ID)
  @PrimaryColumn("uuid")
  id!: string;

  @Field(() => ID, { description: "The tenant the change concerns." })
  @Column("uuid", { name: "tenant_id" })
  tenantId!: string;

  @Field()
  @Column("timestamptz")
  at!: Date;

  @Column("text", { name: "actor_kind" })
  actorKind!: ActorKind;

  @Column("text", { name: "actor_id" })
  actorId!: string;

  @Column("text", { name: "actor_label" })
  actorLabel!: string;

  @Field(() => AuditAction)
  @Column("text")
  action!: AuditAction;

  @Field()
  @Column("text", { name: "target_type" })
  targetType!: string;

  @Field(() => ID, { nullable: true })
  @Column("uuid", { name: "target_id", nullable: true })
  targetId!: string | null;

  @Field(() => AuditOutcome)
  @Column("text")
  outcome!: AuditOutcome;

  @Field(() => String, { nullable: true })
  @Column("text", { name: "request_id", nullable: true })
  requestId!: string | null;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  ip!: string | null;

  @Field(() => String, { nullable: true })
  @Column("text", { name: "user_agent", nullable: true })
  userAgent!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "Changed fields: { field: { before, after } }." })
  @Column("jsonb", { nullable: true })
  changes!: Record<string, unknown> | null;

  @Field(() => AuditActor)
  get actor(): AuditActor {
    return { kind: this.actorKind, id: this.actorId, label: this.actorLabel };
  }
}
