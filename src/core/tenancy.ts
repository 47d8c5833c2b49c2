/** The reserved tenant that holds root keys, platform-wide namespaces and platform audit events. */
export const PLATFORM_TENANT_ID = "00000000-0000-7000-8000-000000000001";
export const PLATFORM_TENANT_SLUG = "platform";

export enum TenantStatus {
  ACTIVE = "ACTIVE",
  SUSPENDED = "SUSPENDED",
}

export enum SubscriptionStatus {
  ACTIVE = "ACTIVE",
  SUSPENDED = "SUSPENDED",
  CANCELLED = "CANCELLED",
}
