import { ObjectType } from "type-graphql";
import { Connection } from "../common/pagination";
import { Payload } from "../common/payload";
import { Subscription } from "./subscription.entity";

@ObjectType({ simpleResolvers: true })
export class CreateSubscriptionPayload extends Payload("subscription", () => Subscription) {}

@ObjectType({ simpleResolvers: true })
export class UpdateSubscriptionPayload extends Payload("subscription", () => Subscription) {}

@ObjectType({ simpleResolvers: true })
export class SetSubscriptionStatusPayload extends Payload("subscription", () => Subscription) {}

@ObjectType({ simpleResolvers: true })
export class SubscriptionConnection extends Connection(Subscription) {}
