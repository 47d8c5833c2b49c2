import { IsOptional, IsUUID, MaxLength } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { AuditAction } from "./audit-event.entity";

@InputType()
export class AuditEventFilter {
  @Field(() => AuditAction, { nullable: true })
  action?: AuditAction;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  targetId?: string;

  @Field({ nullable: true, description: "A key id, a JWT subject, or `system`." })
  @IsOptional()
  @MaxLength(200)
  actorId?: string;

  @Field(() => Date, { nullable: true, description: "Inclusive." })
  since?: Date;

  @Field(() => Date, { nullable: true, description: "Exclusive." })
  until?: Date;
}
