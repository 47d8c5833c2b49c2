import { Field, ID, ObjectType } from "type-graphql";
import { Connection } from "../common/pagination";
import { Payload } from "../common/payload";
import { Identity } from "./identity.entity";

@ObjectType({ simpleResolvers: true })
export class IdentityConnection extends Connection(Identity) {}

@ObjectType({ simpleResolvers: true })
export class CreateIdentityPayload extends Payload("identity", () => Identity) {}

@ObjectType({ simpleResolvers: true })
export class UpdateIdentityPayload extends Payload("identity", () => Identity) {}

@ObjectType({ simpleResolvers: true })
export class DeleteIdentityPayload {
  @Field(() => ID)
  deletedId!: string;
}
