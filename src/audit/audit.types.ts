import { ObjectType } from "type-graphql";
import { Connection } from "../common/pagination";
import { AuditEvent } from "./audit-event.entity";

@ObjectType({ simpleResolvers: true })
export class AuditEventConnection extends Connection(AuditEvent) {}
