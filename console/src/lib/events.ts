import type { DeliveryStatus, EventType } from "../graphql/generated";

export type SubscribableEvent = Exclude<EventType, "WEBHOOK_PING">;

/** The events an endpoint can subscribe to, in the order a key lives them, each in words. */
export const EVENT_DESCRIPTIONS: Record<SubscribableEvent, string> = {
  KEY_CREATED: "A key was created.",
  KEY_UPDATED: "A key's name, scopes, limits, credits, expiry or metadata changed.",
  KEY_DISABLED: "A key was disabled.",
  KEY_ENABLED: "A key was enabled again.",
  KEY_REGENERATED: "A key was replaced by a successor.",
  KEY_EXPIRING_SOON: "A key expires within the tenant's expiring-soon days.",
  KEY_EXPIRED: "A key's expiry passed.",
  KEY_REVOKED: "A key was revoked, or a regenerated key's grace period ended.",
  KEY_LEAKED: "A key was reported leaked.",
  CREDITS_EXHAUSTED: "A check spent a key's last credit.",
};

export const SUBSCRIBABLE_EVENTS = Object.keys(EVENT_DESCRIPTIONS) as SubscribableEvent[];

export const DELIVERY_COLORS: Record<DeliveryStatus, string> = { PENDING: "yellow", DELIVERED: "teal", FAILED: "red" };

/** The events in the order of SUBSCRIBABLE_EVENTS, WEBHOOK_PING (never subscribed to) left out. */
export function orderedEvents(events: readonly EventType[]): SubscribableEvent[] {
  return SUBSCRIBABLE_EVENTS.filter((event) => events.includes(event));
}

/** "every event", "KEY_CREATED, KEY_REVOKED". */
export function describeEvents(events: readonly EventType[]): string {
  const ordered = orderedEvents(events);
  return ordered.length === SUBSCRIBABLE_EVENTS.length ? "Every event" : ordered.join(", ");
}
