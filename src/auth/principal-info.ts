import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { type Principal, PrincipalKind } from "../principals/principal";

registerEnumType(PrincipalKind, { name: "PrincipalKind" });

@ObjectType("Principal", { simpleResolvers: true, description: "The caller, as Keysmith sees it." })
export class PrincipalInfo {
  @Field(() => PrincipalKind)
  kind!: PrincipalKind;

  @Field(() => ID)
  tenantId!: string;

  @Field(() => ID, { nullable: true, description: "The API key used; null for a JWT." })
  keyId!: string | null;

  @Field()
  name!: string;

  @Field(() => [String])
  scopes!: readonly string[];

  static of(principal: Principal): PrincipalInfo {
    return Object.assign(new PrincipalInfo(), {
      kind: principal.kind,
      tenantId: principal.tenantId,
      keyId: principal.keyId,
      name: principal.name,
      scopes: principal.scopes,
    });
  }
}
