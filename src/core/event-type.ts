/** What happened to a key, as webhooks deliver it and keyEvents streams it. */
export enum EventType {
  KEY_CREATED = "KEY_CREATED",
  KEY_UPDATED = "KEY_UPDATED",
  KEY_DISABLED = "KEY_DISABLED",
  KEY_ENABLED = "KEY_ENABLED",
  KEY_REVOKED = "KEY_REVOKED",
  KEY_REGENERATED = "KEY_REGENERATED",
  KEY_EXPIRING_SOON = "KEY_EXPIRING_SOON",
  KEY_EXPIRED = "KEY_EXPIRED",
  KEY_LEAKED = "KEY_LEAKED",
  CREDITS_EXHAUSTED = "CREDITS_EXHAUSTED",
  /** pingWebhookEndpoint's test event: delivered to that endpoint only, never streamed. */
  WEBHOOK_PING = "WEBHOOK_PING",
}

/** The types an endpoint may subscribe to (a ping reaches the pinged endpoint whatever it subscribed to). */
export const SUBSCRIBABLE_EVENT_TYPES: readonly EventType[] = Object.values(EventType).filter((type) => type !== EventType.WEBHOOK_PING);

export enum DeliveryStatus {
  PENDING = "PENDING",
  DELIVERED = "DELIVERED",
  /** Every attempt of the retry schedule failed: given up. */
  FAILED = "FAILED",
}

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

/** The waits after the first failures; after them, every 2 hours, until 24 hours have passed since the event. */
export const RETRY_DELAYS_MS: readonly number[] = [5 * SECOND_MS, 30 * SECOND_MS, 2 * MINUTE_MS, 10 * MINUTE_MS, HOUR_MS];
export const LATER_RETRY_DELAY_MS = 2 * HOUR_MS;
export const GIVE_UP_AFTER_MS = 24 * HOUR_MS;

/**
 * When to try again after `failedAttempts` failures of a delivery created at `createdAt`; null
 * once the next try would fall past 24 hours after the event (then the delivery has FAILED).
 */
export function nextAttemptAt(createdAt: number, failedAttempts: number, now: number): number | null {
  const delay = RETRY_DELAYS_MS[failedAttempts - 1] ?? LATER_RETRY_DELAY_MS;
  const next = now + delay;
  return next - createdAt > GIVE_UP_AFTER_MS ? null : next;
}
