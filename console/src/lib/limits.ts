/** The limits editor's model: named rate limits as the form holds them, and what is sent. */

export type WindowUnit = "seconds" | "minutes" | "hours" | "days";

export const WINDOW_UNITS: Array<{ value: WindowUnit; label: string; seconds: number }> = [
  { value: "seconds", label: "seconds", seconds: 1 },
  { value: "minutes", label: "minutes", seconds: 60 },
  { value: "hours", label: "hours", seconds: 3600 },
  { value: "days", label: "days", seconds: 86_400 },
];

export const MAX_LIMITS = 20;
export const MAX_LIMIT = 1_000_000_000;
export const MAX_WINDOW_SECONDS = 31 * 86_400;
export const LIMIT_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export interface NamedLimitLike {
  name: string;
  limit: number;
  windowSeconds: number;
  autoApply: boolean;
}

/** One row of the editor; numbers stay text until sent. */
export interface LimitRow {
  /** A stable React key for the row. */
  key: string;
  name: string;
  limit: string;
  window: string;
  unit: WindowUnit;
  autoApply: boolean;
}

let rowSequence = 0;
const nextKey = () => `limit-${++rowSequence}`;

/** The largest unit the window is a whole number of. */
function unitOf(seconds: number): WindowUnit {
  for (const unit of [...WINDOW_UNITS].reverse()) if (seconds % unit.seconds === 0) return unit.value;
  return "seconds";
}

export function rowsOf(limits: readonly NamedLimitLike[] | null | undefined): LimitRow[] {
  return (limits ?? []).map((limit) => {
    const unit = unitOf(limit.windowSeconds);
    const size = WINDOW_UNITS.find((candidate) => candidate.value === unit)!.seconds;
    return { key: nextKey(), name: limit.name, limit: String(limit.limit), window: String(limit.windowSeconds / size), unit, autoApply: limit.autoApply };
  });
}

export function newRow(existing: readonly LimitRow[]): LimitRow {
  const taken = new Set(existing.map((row) => row.name));
  const name = taken.has("default") ? `limit-${existing.length + 1}` : "default";
  return { key: nextKey(), name, limit: "100", window: "1", unit: "minutes", autoApply: true };
}

export function windowSecondsOf(row: LimitRow): number {
  return Number(row.window) * WINDOW_UNITS.find((unit) => unit.value === row.unit)!.seconds;
}

/** What createIdentity, createApiKey and their updates take. */
export function limitsOf(rows: readonly LimitRow[]): NamedLimitLike[] {
  return rows.map((row) => ({ name: row.name.trim(), limit: Number(row.limit), windowSeconds: windowSecondsOf(row), autoApply: row.autoApply }));
}

const isWhole = (text: string) => /^\d+$/.test(text.trim());

/** The editor's own checks, keyed as the server names its fields (`rateLimits[0].name`). */
export function limitErrors(rows: readonly LimitRow[], field = "rateLimits"): Record<string, string> {
  const errors: Record<string, string> = {};
  if (rows.length > MAX_LIMITS) errors[field] = `At most ${MAX_LIMITS} limits.`;
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const at = `${field}[${index}]`;
    const name = row.name.trim();
    if (!LIMIT_NAME.test(name)) errors[`${at}.name`] = "1-64 lower-case letters, digits, '_', '.' or '-'.";
    else if (seen.has(name)) errors[`${at}.name`] = "Another limit has this name.";
    seen.add(name);
    if (!isWhole(row.limit) || Number(row.limit) < 1 || Number(row.limit) > MAX_LIMIT) errors[`${at}.limit`] = `A whole number from 1 to ${MAX_LIMIT.toLocaleString("en-GB")}.`;
    const seconds = windowSecondsOf(row);
    if (!isWhole(row.window) || seconds < 1 || seconds > MAX_WINDOW_SECONDS) errors[`${at}.windowSeconds`] = "From 1 second to 31 days.";
  });
  return errors;
}

/** "1 minute", "30 seconds", "7 days". */
export function formatWindow(seconds: number): string {
  const unit = WINDOW_UNITS.find((candidate) => candidate.value === unitOf(seconds))!;
  const count = seconds / unit.seconds;
  return `${count.toLocaleString("en-GB")} ${count === 1 ? unit.label.slice(0, -1) : unit.label}`;
}

/** "100 per 1 minute, every check" */
export function describeLimit(limit: NamedLimitLike): string {
  return `${limit.limit.toLocaleString("en-GB")} per ${formatWindow(limit.windowSeconds)}`;
}

export function sameLimits(a: readonly NamedLimitLike[], b: readonly NamedLimitLike[]): boolean {
  const key = (limits: readonly NamedLimitLike[]) => JSON.stringify(limits.map(({ name, limit, windowSeconds, autoApply }) => [name, limit, windowSeconds, autoApply]));
  return key(a) === key(b);
}
