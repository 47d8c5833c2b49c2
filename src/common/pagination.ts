import { type ClassType, Field, ObjectType } from "type-graphql";
import { badInput } from "./errors";
import { isUuid } from "./ids";
import { hasControlCharacters, isStorableDate } from "./validation";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: "Pass as `after` to get the next page." })
  endCursor!: string | null;
}

/** A page of a list: its nodes and where the next page starts (type-graphql's generic-types pattern). */
export function Connection<TItem extends object>(itemClass: ClassType<TItem>) {
  @ObjectType({ simpleResolvers: true })
  abstract class ConnectionClass {
    @Field(() => [itemClass])
    nodes!: TItem[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionClass;
}

/** Cursors are opaque to clients: the sort values of the last row, base64url-encoded. */
export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

export function decodeCursor(cursor: string, length: number): unknown[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(values) && values.length === length) return values;
  } catch {
    // reported below
  }
  throw badInput("after", "is not a cursor returned by this list");
}

export function pageSize(first: number | undefined | null): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput("first", `must be from 1 to ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/** Fetch one row more than the page: its presence tells whether another page follows. */
export function toPage<T>(rows: T[], size: number, cursorOf: (row: T) => unknown[]): { nodes: T[]; pageInfo: PageInfo } {
  const nodes = rows.slice(0, size);
  const last = nodes.at(-1);
  return {
    nodes,
    pageInfo: { hasNextPage: rows.length > size, endCursor: last === undefined ? null : encodeCursor(cursorOf(last)) },
  };
}

/** A timestamp taken from a cursor (one PostgreSQL can compare with), or BAD_USER_INPUT. */
export function cursorDate(value: unknown): Date {
  const date = typeof value === "string" ? new Date(value) : undefined;
  if (!date || !isStorableDate(date)) throw badInput("after", "is not a cursor returned by this list");
  return date;
}

/** A string taken from a cursor, or BAD_USER_INPUT. */
export function cursorString(value: unknown): string {
  if (typeof value !== "string" || hasControlCharacters(value)) throw badInput("after", "is not a cursor returned by this list");
  return value;
}

/** A row id taken from a cursor, or BAD_USER_INPUT. */
export function cursorId(value: unknown): string {
  if (typeof value !== "string" || !isUuid(value)) throw badInput("after", "is not a cursor returned by this list");
  return value;
}
