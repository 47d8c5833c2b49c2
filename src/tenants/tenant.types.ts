import { Field, ObjectType } from "type-graphql";
import { Connection } from "../common/pagination";
import { Payload } from "../common/payload";
import { CreateApiKeyPayload } from "../keys/api-key.types";
import { LeakedKeyAction } from "../core/leaked-key-action";
import { Tenant } from "./tenant.entity";

@ObjectType({ simpleResolvers: true })
export class CreateTenantPayload extends Payload("tenant", () => Tenant) {
  @Field(() => CreateApiKeyPayload, { description: "The tenant's first admin key (keys:*): its secret is shown only here." })
  adminKey!: CreateApiKeyPayload;
}

@ObjectType({ simpleResolvers: true, description: "What a tenant sets for itself." })
export class TenantSettings {
  @Field(() => LeakedKeyAction)
  leakedKeyAction!: LeakedKeyAction;
}

@ObjectType({ simpleResolvers: true })
export class UpdateTenantSettingsPayload {
  @Field(() => TenantSettings)
  settings!: TenantSettings;
}

@ObjectType({ simpleResolvers: true })
export class UpdateTenantPayload extends Payload("tenant", () => Tenant) {}

@ObjectType({ simpleResolvers: true })
export class SuspendTenantPayload extends Payload("tenant", () => Tenant) {}

@ObjectType({ simpleResolvers: true })
export class ResumeTenantPayload extends Payload("tenant", () => Tenant) {}

@ObjectType({ simpleResolvers: true })
export class TenantConnection extends Connection(Tenant) {}
