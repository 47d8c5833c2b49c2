import { ObjectType } from "type-graphql";
import { Payload } from "../common/payload";
import { ScopeNamespace } from "./scope-namespace.entity";

@ObjectType({ simpleResolvers: true })
export class DefineNamespacePayload extends Payload("namespace", () => ScopeNamespace) {}
