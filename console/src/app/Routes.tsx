import { Suspense, lazy } from "react";
import { Center, Loader } from "@mantine/core";
import { IdentitiesPage } from "../identities/IdentitiesPage";
import { IdentityPage } from "../identities/IdentityPage";
import { AuditPage } from "../pages/AuditPage";
import { KeyPage } from "../keys/KeyPage";
import { KeysPage } from "../keys/KeysPage";
import { NotFoundPage } from "../pages/NotFoundPage";
import { ScopesPage } from "../pages/ScopesPage";
import { SubscriptionsPage } from "../pages/SubscriptionsPage";
import { TenantsPage } from "../pages/TenantsPage";
import { WebhookPage } from "../webhooks/WebhookPage";
import { WebhooksPage } from "../webhooks/WebhooksPage";
import { matchPath, usePath } from "./router";
import { useScope } from "./session";

// GraphiQL and its editor are most of the bundle: load them when the explorer opens.
const ExplorerPage = lazy(() => import("../pages/ExplorerPage"));

export function Routes() {
  const path = usePath();
  const { isRoot } = useScope();
  if (path === "/" || path === "/keys") return <KeysPage />;
  const key = matchPath("/keys/:id", path);
  if (key) return <KeyPage id={key.id} />;
  if (path === "/identities") return <IdentitiesPage />;
  const identity = matchPath("/identities/:id", path);
  if (identity) return <IdentityPage id={identity.id} />;
  if (path === "/webhooks") return <WebhooksPage />;
  const endpoint = matchPath("/webhooks/:id", path);
  if (endpoint) return <WebhookPage id={endpoint.id} />;
  if (path === "/audit") return <AuditPage />;
  if (path === "/scopes") return <ScopesPage />;
  if (path === "/subscriptions") return <SubscriptionsPage />;
  if (path === "/tenants" && isRoot) return <TenantsPage />;
  if (path === "/explorer") {
    return (
      <Suspense fallback={<Center py="xl"><Loader aria-label="Loading the API explorer" /></Center>}>
        <ExplorerPage />
      </Suspense>
    );
  }
  return <NotFoundPage />;
}
