import type { CreditsInput, RefillInterval, UpdateCreditsInput } from "../graphql/generated";

/** A key's credits as the create and edit dialogs hold them; numbers stay text until sent. */
export interface CreditsState {
  enabled: boolean;
  remaining: string;
  /** Edit mode only: added to what remains (negative takes away). */
  add: string;
  refill: "none" | RefillInterval;
  amount: string;
  dayOfMonth: string;
}

export interface KeyCreditsLike {
  remaining: number;
  refill?: { amount: number; interval: RefillInterval; dayOfMonth?: number | null } | null;
}

export function creditsStateOf(credits: KeyCreditsLike | null | undefined): CreditsState {
  return {
    enabled: !!credits,
    remaining: credits ? String(credits.remaining) : "1000",
    add: "",
    refill: credits?.refill?.interval ?? "none",
    amount: credits?.refill ? String(credits.refill.amount) : "1000",
    dayOfMonth: credits?.refill?.dayOfMonth ? String(credits.refill.dayOfMonth) : "1",
  };
}

const isWhole = (text: string) => /^\d+$/.test(text.trim());

export function creditErrors(state: CreditsState): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!state.enabled) return errors;
  if (!isWhole(state.remaining)) errors["credits.remaining"] = "A whole number from 0.";
  if (state.add.trim() && !/^-?\d+$/.test(state.add.trim())) errors["credits.add"] = "A whole number; negative takes away.";
  if (state.refill !== "none" && !isWhole(state.amount)) errors["credits.refill.amount"] = "A whole number from 0.";
  if (state.refill === "MONTHLY" && (!isWhole(state.dayOfMonth) || Number(state.dayOfMonth) < 1 || Number(state.dayOfMonth) > 31)) {
    errors["credits.refill.dayOfMonth"] = "A day from 1 to 31 (31: the last day of every month).";
  }
  return errors;
}

function refillOf(state: CreditsState): CreditsInput["refill"] {
  if (state.refill === "none") return null;
  return { interval: state.refill, amount: Number(state.amount), ...(state.refill === "MONTHLY" ? { dayOfMonth: Number(state.dayOfMonth) } : {}) };
}

/** createApiKey's credits: undefined without. */
export function createCreditsInput(state: CreditsState): CreditsInput | undefined {
  if (!state.enabled) return undefined;
  const refill = refillOf(state);
  return { remaining: Number(state.remaining), ...(refill ? { refill } : {}) };
}

/** updateApiKey's credits: undefined when unchanged, null to remove them. */
export function updateCreditsInput(state: CreditsState, current: KeyCreditsLike | null | undefined): UpdateCreditsInput | null | undefined {
  if (!state.enabled) return current ? null : undefined;
  if (!current) return createCreditsInput(state);
  const input: UpdateCreditsInput = {};
  const add = state.add.trim() ? Number(state.add) : 0;
  if (add !== 0) input.add = add;
  else if (Number(state.remaining) !== current.remaining) input.remaining = Number(state.remaining);
  const refill = refillOf(state);
  const was = current.refill ? { interval: current.refill.interval, amount: current.refill.amount, dayOfMonth: current.refill.interval === "MONTHLY" ? current.refill.dayOfMonth ?? 1 : undefined } : null;
  const now = refill ? { interval: refill.interval, amount: refill.amount, dayOfMonth: refill.interval === "MONTHLY" ? refill.dayOfMonth : undefined } : null;
  if (JSON.stringify(was) !== JSON.stringify(now)) input.refill = refill;
  return Object.keys(input).length ? input : undefined;
}

/** "1,000 every day", "500 on day 1 of every month". */
export function describeRefill(refill: KeyCreditsLike["refill"]): string {
  if (!refill) return "No refill";
  const amount = refill.amount.toLocaleString("en-GB");
  if (refill.interval === "DAILY") return `Back to ${amount} every day at 00:00 UTC`;
  const day = refill.dayOfMonth ?? 1;
  return `Back to ${amount} on ${day === 31 ? "the last day" : `day ${day}`} of every month (00:00 UTC)`;
}
