import type { CheckCode, UsageGranularity } from "../graphql/generated";

export type UsageRangeName = "24h" | "30d";

export const USAGE_RANGES: Array<{ value: UsageRangeName; label: string; phrase: string; granularity: UsageGranularity }> = [
  { value: "24h", label: "24 hours, by hour", phrase: "the last 24 hours", granularity: "HOUR" },
  { value: "30d", label: "30 days, by day", phrase: "the last 30 days", granularity: "DAY" },
];

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

export interface UsageWindow {
  since: string;
  until: string;
  granularity: UsageGranularity;
}

/** The last 24 whole hours or 30 whole days (UTC), the current one included. */
export function usageWindow(range: UsageRangeName, now: number): UsageWindow {
  const step = range === "24h" ? HOUR_MS : DAY_MS;
  const until = (Math.floor(now / step) + 1) * step;
  const since = until - (range === "24h" ? 24 : 30) * step;
  return { since: new Date(since).toISOString(), until: new Date(until).toISOString(), granularity: range === "24h" ? "HOUR" : "DAY" };
}

/** The order codes are stacked and listed in: the usable answers first. */
export const CODE_ORDER: CheckCode[] = [
  "VALID",
  "FORBIDDEN",
  "UNKNOWN_SCOPE",
  "RATE_LIMITED",
  "USAGE_EXCEEDED",
  "IP_NOT_ALLOWED",
  "SUBSCRIPTION_MISMATCH",
  "SUBSCRIPTION_INACTIVE",
  "DISABLED",
  "EXPIRED",
  "REVOKED",
  "TENANT_SUSPENDED",
  "NOT_FOUND",
  "MALFORMED",
];

export const CODE_COLORS: Record<CheckCode, string> = {
  VALID: "#0ca678",
  FORBIDDEN: "#f59f00",
  UNKNOWN_SCOPE: "#e8590c",
  RATE_LIMITED: "#7048e8",
  USAGE_EXCEEDED: "#d6336c",
  IP_NOT_ALLOWED: "#1c7ed6",
  SUBSCRIPTION_MISMATCH: "#3bc9db",
  SUBSCRIPTION_INACTIVE: "#66a80f",
  DISABLED: "#868e96",
  EXPIRED: "#fd7e14",
  REVOKED: "#e03131",
  TENANT_SUSPENDED: "#495057",
  NOT_FOUND: "#adb5bd",
  MALFORMED: "#212529",
};

export interface UsageBucketLike {
  at: string;
  total: number;
  valid: number;
  codes: ReadonlyArray<{ code: CheckCode; count: number }>;
}

const hourFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
const dayFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const fullFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

export function bucketLabel(at: string, granularity: UsageGranularity, full = false): string {
  const date = new Date(at);
  if (granularity === "DAY") return dayFormat.format(date);
  return full ? fullFormat.format(date) : hourFormat.format(date);
}

/** The codes any bucket holds, in CODE_ORDER. */
export function codesIn(buckets: readonly UsageBucketLike[]): CheckCode[] {
  const present = new Set(buckets.flatMap((bucket) => bucket.codes.map((entry) => entry.code)));
  return CODE_ORDER.filter((code) => present.has(code));
}

export type ChartRow = { at: string; label: string; total: number } & Partial<Record<CheckCode, number>>;

export function chartRows(buckets: readonly UsageBucketLike[], granularity: UsageGranularity): ChartRow[] {
  return buckets.map((bucket) => {
    const row: ChartRow = { at: bucket.at, label: bucketLabel(bucket.at, granularity), total: bucket.total };
    for (const entry of bucket.codes) row[entry.code] = entry.count;
    return row;
  });
}

/** The totals by code over the whole range. */
export function totalsByCode(buckets: readonly UsageBucketLike[]): Array<{ code: CheckCode; count: number }> {
  const totals = new Map<CheckCode, number>();
  for (const bucket of buckets) for (const entry of bucket.codes) totals.set(entry.code, (totals.get(entry.code) ?? 0) + entry.count);
  return CODE_ORDER.filter((code) => totals.has(code)).map((code) => ({ code, count: totals.get(code)! }));
}

const count = (n: number) => n.toLocaleString("en-GB");

/** "3 checks in the last 24 hours: 2 VALID, 1 RATE_LIMITED." */
export function usageSummary(buckets: readonly UsageBucketLike[], phrase: string): string {
  const total = buckets.reduce((sum, bucket) => sum + bucket.total, 0);
  if (total === 0) return `No checks in ${phrase}.`;
  const parts = totalsByCode(buckets).map((entry) => `${count(entry.count)} ${entry.code}`);
  return `${count(total)} ${total === 1 ? "check" : "checks"} in ${phrase}: ${parts.join(", ")}.`;
}
