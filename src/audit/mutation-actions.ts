import { AuditAction } from "./audit-event.entity";

/** What each mutation records, also when it is refused for lack of permission (a DENIED event). */
export const MUTATION_ACTIONS: Readonly<Record<string, { action: AuditAction; targetType: string }>> = {
  createTenant: { action: AuditAction.TENANT_CREATED, targetType: "Tenant" },
  updateTenant: { action: AuditAction.TENANT_UPDATED, targetType: "Tenant" },
  suspendTenant: { action: AuditAction.TENANT_SUSPENDED, targetType: "Tenant" },
  resumeTenant: { action: AuditAction.TENANT_RESUMED, targetType: "Tenant" },
  createSubscription: { action: AuditAction.SUBSCRIPTION_CREATED, targetType: "Subscription" },
  updateSubscription: { action: AuditAction.SUBSCRIPTION_UPDATED, targetType: "Subscription" },
  setSubscriptionStatus: { action: AuditAction.SUBSCRIPTION_STATUS_CHANGED, targetType: "Subscription" },
  createApiKey: { action: AuditAction.KEY_CREATED, targetType: "ApiKey" },
  updateApiKey: { action: AuditAction.KEY_UPDATED, targetType: "ApiKey" },
  enableApiKey: { action: AuditAction.KEY_ENABLED, targetType: "ApiKey" },
  disableApiKey: { action: AuditAction.KEY_DISABLED, targetType: "ApiKey" },
  revokeApiKey: { action: AuditAction.KEY_REVOKED, targetType: "ApiKey" },
  regenerateApiKey: { action: AuditAction.KEY_REGENERATED, targetType: "ApiKey" },
  defineNamespace: { action: AuditAction.NAMESPACE_DEFINED, targetType: "ScopeNamespace" },
};
