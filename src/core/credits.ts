import { type FieldError, invalidInput } from "../common/errors";

export enum RefillInterval {
  DAILY = "DAILY",
  MONTHLY = "MONTHLY",
}

/** Sets the remaining credits to `amount` at 00:00 UTC: every day, or each month on `dayOfMonth`. */
export interface CreditRefill {
  amount: number;
  interval: RefillInterval;
  /** MONTHLY only, 1-31; clamped to the month's length (31 refills on the last day of a short month). */
  dayOfMonth: number | null;
}

export interface Credits {
  remaining: number;
  refill: CreditRefill | null;
}

export const MAX_CREDITS = Number.MAX_SAFE_INTEGER;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/** The refill day of a month, at 00:00 UTC: `dayOfMonth`, or the month's last day when it is shorter. */
function refillDayOf(year: number, month: number, dayOfMonth: number): number {
  return Date.UTC(year, month, Math.min(dayOfMonth, daysIn(year, month)));
}

/** The latest refill at or before `now` (ms since the epoch): the moment the remaining count should reflect. */
export function lastRefillAt(refill: CreditRefill, now: number): number {
  const today = new Date(now);
  const year = today.getUTCFullYear();
  const month = today.getUTCMonth();
  if (refill.interval === RefillInterval.DAILY) return Date.UTC(year, month, today.getUTCDate());
  const day = refill.dayOfMonth ?? 1;
  const thisMonth = refillDayOf(year, month, day);
  return thisMonth <= now ? thisMonth : refillDayOf(month === 0 ? year - 1 : year, (month + 11) % 12, day);
}

/** Whether a count last refilled (or set) at `refilledAt` is due its refill at `now`. */
export function refillDue(refill: CreditRefill, refilledAt: number | null, now: number): boolean {
  return refilledAt === null || refilledAt < lastRefillAt(refill, now);
}

/** Every form error of a credits setting. */
export function creditErrors(credits: { remaining?: number | null; refill?: CreditRefill | null }, field = "credits"): FieldError[] {
  const errors: FieldError[] = [];
  const { remaining, refill } = credits;
  if (remaining !== undefined && remaining !== null && (!Number.isSafeInteger(remaining) || remaining < 0)) {
    errors.push({ field: `${field}.remaining`, message: "must be a whole number from 0" });
  }
  if (refill) {
    if (!Number.isSafeInteger(refill.amount) || refill.amount < 0) errors.push({ field: `${field}.refill.amount`, message: "must be a whole number from 0" });
    if (refill.interval === RefillInterval.DAILY && refill.dayOfMonth != null) {
      errors.push({ field: `${field}.refill.dayOfMonth`, message: "applies to MONTHLY refills only" });
    }
    if (refill.dayOfMonth != null && (!Number.isInteger(refill.dayOfMonth) || refill.dayOfMonth < 1 || refill.dayOfMonth > 31)) {
      errors.push({ field: `${field}.refill.dayOfMonth`, message: "must be from 1 to 31" });
    }
  }
  return errors;
}

/** A refill as stored: MONTHLY without a day refills on the 1st. */
export function normalizedRefill(refill: (Omit<CreditRefill, "dayOfMonth"> & { dayOfMonth?: number | null }) | null | undefined): CreditRefill | null {
  if (!refill) return null;
  return { amount: refill.amount, interval: refill.interval, dayOfMonth: refill.interval === RefillInterval.MONTHLY ? (refill.dayOfMonth ?? 1) : null };
}

export function assertCredits(credits: { remaining?: number | null; refill?: CreditRefill | null }, field = "credits"): void {
  const errors = creditErrors(credits, field);
  if (errors.length > 0) throw invalidInput(errors);
}
