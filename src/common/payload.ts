import { type ClassType, Field, ObjectType } from "type-graphql";

/**
 * A mutation payload holding one object under one name (`{ apiKey }`, `{ tenant }`): the
 * `<Mutation>Payload` convention written once. Extend it, adding fields where a payload has more.
 */
export function Payload<TName extends string, TItem extends object>(
  name: TName,
  itemClass: () => ClassType<TItem>,
  description?: string,
): ClassType<Record<TName, TItem>> {
  @ObjectType({ simpleResolvers: true })
  abstract class PayloadClass {}
  Field(itemClass, description ? { description } : {})(PayloadClass.prototype, name);
  return PayloadClass as unknown as ClassType<Record<TName, TItem>>;
}
