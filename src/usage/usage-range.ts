import { type FieldError, invalidInput } from "../common/errors";
import { isStorableDate } from "../common/validation";
import { UsageGranularity } from "./usage.types";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The most buckets one answer holds: a month of hours, a year of days. */
export const MAX_SPAN_MS: Record<UsageGranularity, number> = {
  [UsageGranularity.HOUR]: 31 * DAY_MS,
  [UsageGranularity.DAY]: 366 * DAY_MS,
};

export interface UsageRange {
  since: Date;
  until: Date;
  granularity: UsageGranularity;
}

/** since before until, within the span the granularity allows; every fault reported at once. */
export function validateUsageRange(range: UsageRange): UsageRange {
  const errors: FieldError[] = [];
  if (!isStorableDate(range.since)) errors.push({ field: "since", message: "is not a date this server can store" });
  if (!isStorableDate(range.until)) errors.push({ field: "until", message: "is not a date this server can store" });
  if (errors.length === 0 && range.since.getTime() >= range.until.getTime()) errors.push({ field: "until", message: "must be after since" });
  if (errors.length === 0 && range.until.getTime() - range.since.getTime() > MAX_SPAN_MS[range.granularity]) {
    errors.push({ field: "since", message: `must be at most ${MAX_SPAN_MS[range.granularity] / DAY_MS} days before until for ${range.granularity}` });
  }
  if (errors.length > 0) throw invalidInput(errors);
  return range;
}
