import type { SelectQueryBuilder } from "typeorm";
import { badInput } from "../common/errors";
import { escapeLike } from "../common/like-pattern";
import { cursorDate, cursorId, cursorString, decodeCursor } from "../common/pagination";
import type { ApiKey } from "./api-key.entity";
import { ApiKeyOrderField, ApiKeyStatusFilter, OrderDirection } from "./api-key.inputs";
import { DAY_MS } from "../core/key-rules";
import { parseKey } from "../core/key-format";

/** SQL for each derived status, against `k` and the parameters :now and :soon. */
export const STATUS_SQL: Record<Exclude<ApiKeyStatusFilter, ApiKeyStatusFilter.ALL>, string> = {
  [ApiKeyStatusFilter.REVOKED]: "k.revoked_at <= :now",
  [ApiKeyStatusFilter.EXPIRED]: "(k.revoked_at IS NULL OR k.revoked_at > :now) AND k.expires_at <= :now",
  [ApiKeyStatusFilter.DISABLED]:
    "(k.revoked_at IS NULL OR k.revoked_at > :now) AND (k.expires_at IS NULL OR k.expires_at > :now) AND NOT k.enabled",
  [ApiKeyStatusFilter.ACTIVE]:
    "(k.revoked_at IS NULL OR k.revoked_at > :now) AND (k.expires_at IS NULL OR k.expires_at > :now) AND k.enabled",
  [ApiKeyStatusFilter.EXPIRING_SOON]:
    "(k.revoked_at IS NULL OR k.revoked_at > :now) AND k.expires_at > :now AND k.expires_at <= :soon AND k.enabled",
};

export interface StatusClock {
  now: Date;
  soon: Date;
}

export const statusClock = (expiringSoonDays: number, now = Date.now()): StatusClock => ({
  now: new Date(now),
  soon: new Date(now + expiringSoonDays * DAY_MS),
});

interface SortColumn {
  expression: string;
  nullable: boolean;
  kind: "text" | "date";
}

const SORT_COLUMNS: Record<ApiKeyOrderField, SortColumn> = {
  [ApiKeyOrderField.NAME]: { expression: "lower(k.name)", nullable: false, kind: "text" },
  [ApiKeyOrderField.CREATED_AT]: { expression: "k.created_at", nullable: false, kind: "date" },
  [ApiKeyOrderField.EXPIRES_AT]: { expression: "k.expires_at", nullable: true, kind: "date" },
  [ApiKeyOrderField.CREATED_BY]: { expression: "k.created_by", nullable: false, kind: "text" },
  [ApiKeyOrderField.LAST_USED_AT]: { expression: "k.last_used_at", nullable: true, kind: "date" },
};

export const SORT_VALUE_ALIAS = "sort_value";

/** Terms this long or longer match anywhere in a key's searchable text (a trigram index); shorter ones match prefixes. */
export const MIN_SUBSTRING_SEARCH = 3;

/** A key's searchable text: name, description, prefix and lookup id, last four characters (indexed by api_keys_search_trgm). */
const SEARCH_DOCUMENT = "lower(k.name || ' ' || coalesce(k.description, '') || ' ' || k.prefix || '_' || k.lookup_id || ' ' || k.last4)";
const NAME_PREFIX = "lower(k.name)";
const KEY_PREFIX = "lower(k.prefix || '_' || k.lookup_id)";

/**
 * Name, description, or part of a key: prefix, lookup id, last four, a masked key, or a whole key.
 * Every branch uses an index of the tenant's keys, so a search costs what it finds, not the
 * tenant's size: a substring search needs three characters; shorter terms match name and key
 * prefixes.
 */
export function applySearch(query: SelectQueryBuilder<ApiKey>, search: string): void {
  const term = search.trim();
  if (term === "") return;
  const parsed = parseKey(term);
  if (parsed) {
    query.andWhere("k.lookup_id = :searchLookupId", { searchLookupId: parsed.lookupId });
    return;
  }
  const [head, tail] = term.toLowerCase().split("…");
  if (tail !== undefined && head.length >= MIN_SUBSTRING_SEARCH) {
    query.andWhere(`(${KEY_PREFIX} LIKE :searchHead AND lower(k.last4) = :searchTail)`, { searchHead: `${escapeLike(head)}%`, searchTail: tail });
    return;
  }
  if (head.length >= MIN_SUBSTRING_SEARCH) {
    query.andWhere(`${SEARCH_DOCUMENT} LIKE :searchLike`, { searchLike: `%${escapeLike(head)}%` });
    return;
  }
  query.andWhere(`(${NAME_PREFIX} LIKE :searchStart OR ${KEY_PREFIX} LIKE :searchStart)`, { searchStart: `${escapeLike(head)}%` });
}

/**
 * Orders by the chosen column with nulls last and the id as tie-breaker, and continues after the
 * cursor (the previous page's last sort value and id) with no duplicates or gaps.
 */
export function applyOrderAndCursor(
  query: SelectQueryBuilder<ApiKey>,
  field: ApiKeyOrderField,
  direction: OrderDirection,
  after: string | null | undefined,
): void {
  const column = SORT_COLUMNS[field];
  const descending = direction === OrderDirection.DESC;
  // NULLS LAST only where nulls exist: on a NOT NULL column it would stop the planner using the index.
  query
    .addSelect(column.expression, SORT_VALUE_ALIAS)
    .orderBy(column.expression, descending ? "DESC" : "ASC", column.nullable ? "NULLS LAST" : undefined)
    .addOrderBy("k.id", descending ? "DESC" : "ASC");
  if (!after) return;
  const [cursorField, cursorDirection, rawValue, rawId] = decodeCursor(after, 4);
  if (cursorField !== field || cursorDirection !== direction) throw badInput("after", "belongs to a list in another order");
  const id = cursorId(rawId);
  const comparison = descending ? "<" : ">";
  if (rawValue === null) {
    if (!column.nullable) throw badInput("after", "is not a cursor returned by this list");
    query.andWhere(`${column.expression} IS NULL AND k.id ${comparison} :cursorId`, { cursorId: id });
    return;
  }
  const value = cursorValue(column, rawValue);
  const rowAfter = `(${column.expression}, k.id) ${comparison} (:cursorValue, :cursorId)`;
  query.andWhere(column.nullable ? `(${rowAfter} OR ${column.expression} IS NULL)` : rowAfter, { cursorValue: value, cursorId: id });
}

function cursorValue(column: SortColumn, raw: unknown): string | Date {
  return column.kind === "text" ? cursorString(raw) : cursorDate(raw);
}

/** A row's cursor: the order it belongs to, its sort value (as the query selected it) and its id. */
export function cursorOf(field: ApiKeyOrderField, direction: OrderDirection, rawSortValue: unknown, id: string): unknown[] {
  const value = rawSortValue === null || rawSortValue === undefined ? null : rawSortValue instanceof Date ? rawSortValue.toISOString() : String(rawSortValue);
  return [field, direction, value, id];
}

