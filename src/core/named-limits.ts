import { type FieldError, invalidInput } from "../common/errors";

/** A rate limit of a key or an identity, known by its name. */
export interface NamedLimit {
  name: string;
  limit: number;
  windowSeconds: number;
  /** Applied to every check; otherwise only to checks that name it. */
  autoApply: boolean;
}

/** A limit a check names, and what it costs there. */
export interface LimitUse {
  name: string;
  cost: number;
}

export type LimitOwner = "key" | "identity";

/** One limit a check spends, and whose counter it spends. */
export interface PlannedLimit extends NamedLimit {
  owner: LimitOwner;
  cost: number;
}

/** The name the single `rateLimit` of the first release lives on as. */
export const DEFAULT_LIMIT_NAME = "default";
export const MAX_NAMED_LIMITS = 20;
export const LIMIT_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const MAX_LIMIT = 1_000_000_000;
export const MAX_WINDOW_SECONDS = 31 * 24 * 60 * 60;
export const MAX_COST = 1_000_000_000;

/**
 * The limits one check spends: the key's and its identity's auto-apply limits, a key's limit
 * overriding its identity's of the same name, plus the limits the check names (once each, at the
 * named cost). A name that neither the key nor its identity has is not a limit of this key: it
 * applies nothing.
 */
export function planLimits(keyLimits: readonly NamedLimit[], identityLimits: readonly NamedLimit[], uses: readonly LimitUse[]): PlannedLimit[] {
  const available = new Map<string, NamedLimit & { owner: LimitOwner }>();
  for (const limit of identityLimits) available.set(limit.name, { ...limit, owner: "identity" });
  for (const limit of keyLimits) available.set(limit.name, { ...limit, owner: "key" });
  const costs = new Map<string, number>();
  for (const limit of available.values()) if (limit.autoApply) costs.set(limit.name, 1);
  for (const use of uses) if (available.has(use.name)) costs.set(use.name, use.cost);
  return [...costs].map(([name, cost]) => ({ ...available.get(name)!, cost }));
}

/** Every form error of a list of limits, by index; names are unique within the list. */
export function namedLimitErrors(limits: readonly NamedLimit[] | null | undefined, field: string): FieldError[] {
  if (!limits) return [];
  const errors: FieldError[] = [];
  if (limits.length > MAX_NAMED_LIMITS) errors.push({ field, message: `must hold at most ${MAX_NAMED_LIMITS} limits` });
  const seen = new Set<string>();
  limits.forEach((limit, index) => {
    const at = `${field}[${index}]`;
    if (!LIMIT_NAME_PATTERN.test(limit.name)) errors.push({ field: `${at}.name`, message: "must be 1-64 lower-case letters, digits, '_', '.' or '-', starting with a letter or digit" });
    else if (seen.has(limit.name)) errors.push({ field: `${at}.name`, message: "names another limit of this list" });
    seen.add(limit.name);
    if (!Number.isInteger(limit.limit) || limit.limit < 1 || limit.limit > MAX_LIMIT) errors.push({ field: `${at}.limit`, message: `must be from 1 to ${MAX_LIMIT}` });
    if (!Number.isInteger(limit.windowSeconds) || limit.windowSeconds < 1 || limit.windowSeconds > MAX_WINDOW_SECONDS) {
      errors.push({ field: `${at}.windowSeconds`, message: `must be from 1 to ${MAX_WINDOW_SECONDS}` });
    }
  });
  return errors;
}

/** The form errors of the limits a check names: known shape, each name once, a cost from 0. */
export function limitUseErrors(uses: readonly LimitUse[], field = "limits"): FieldError[] {
  const errors: FieldError[] = [];
  if (uses.length > MAX_NAMED_LIMITS) errors.push({ field, message: `must name at most ${MAX_NAMED_LIMITS} limits` });
  const seen = new Set<string>();
  uses.forEach((use, index) => {
    const at = `${field}[${index}]`;
    if (typeof use.name !== "string" || !LIMIT_NAME_PATTERN.test(use.name)) errors.push({ field: `${at}.name`, message: "is not a limit name" });
    else if (seen.has(use.name)) errors.push({ field: `${at}.name`, message: "names a limit already named" });
    seen.add(use.name);
    if (!Number.isInteger(use.cost) || use.cost < 0 || use.cost > MAX_COST) errors.push({ field: `${at}.cost`, message: `must be from 0 to ${MAX_COST}` });
  });
  return errors;
}

/** The limits, validated and in a stable order (by name), or BAD_USER_INPUT naming every field at fault. */
export function validateNamedLimits(limits: readonly NamedLimit[], field: string): NamedLimit[] {
  const errors = namedLimitErrors(limits, field);
  if (errors.length > 0) throw invalidInput(errors);
  return limits.map(({ name, limit, windowSeconds, autoApply }) => ({ name, limit, windowSeconds, autoApply })).sort((a, b) => a.name.localeCompare(b.name));
}
