import type { EntityManager } from "typeorm";
import { badInput } from "../common/errors";
import { firstGrantOutsideCeiling } from "../core/grant-validation";
import type { CatalogView } from "../core/scope-evaluator";
import { SubscriptionStatus } from "../core/tenancy";
import { Subscription } from "./subscription.entity";

/**
 * Before a key is bound to subscriptions (or its grants change): each must be the tenant's (and
 * ACTIVE when newly bound), and its ceiling must cover every grant. The rows are share-locked so a
 * ceiling cannot drop underneath the key in the same instant.
 */
export async function assertBindable(
  manager: EntityManager,
  tenantId: string,
  subscriptionIds: readonly string[],
  scopes: readonly string[],
  catalog: CatalogView,
  options: { requireActive: boolean },
): Promise<void> {
  if (subscriptionIds.length === 0) return;
  const found = await manager
    .getRepository(Subscription)
    .createQueryBuilder("s")
    .setLock("pessimistic_read")
    .where("s.tenant_id = :tenantId AND s.id IN (:...ids)", { tenantId, ids: subscriptionIds })
    .getMany();
  subscriptionIds.forEach((id, index) => {
    const subscription = found.find((candidate) => candidate.id === id);
    if (!subscription) throw badInput(`subscriptionIds[${index}]`, "is not a subscription of this tenant");
    if (options.requireActive && subscription.status !== SubscriptionStatus.ACTIVE) {
      throw badInput(`subscriptionIds[${index}]`, "is not ACTIVE");
    }
    if (firstGrantOutsideCeiling(catalog, scopes, subscription.scopeCeiling)) {
      throw badInput("scopes", `exceed the scope ceiling of subscriptionIds[${index}]`);
    }
  });
}
