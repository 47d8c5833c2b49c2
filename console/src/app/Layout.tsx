import { AppShell, Burger, Button, Group, NativeSelect, NavLink, Stack, Text, Tooltip } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useQuery } from "@apollo/client/react";
import type { ReactNode } from "react";
import { AuditIcon, ExplorerIcon, IdentitiesIcon, KeyIcon, LogoutIcon, ScopesIcon, SubscriptionsIcon, TenantsIcon, WebhooksIcon } from "../components/icons";
import { TenantsDocument } from "../graphql/generated";
import { Link, navigate, usePath } from "./router";
import { useScope, useSession } from "./session";

interface NavItem {
  to: string;
  label: string;
  icon: ReactNode;
  active: (path: string) => boolean;
  rootOnly?: boolean;
}

const NAV: NavItem[] = [
  { to: "/", label: "Keys", icon: <KeyIcon />, active: (path) => path === "/" || path.startsWith("/keys") },
  { to: "/identities", label: "Identities", icon: <IdentitiesIcon />, active: (path) => path === "/identities" || path.startsWith("/identities/") },
  { to: "/webhooks", label: "Webhooks", icon: <WebhooksIcon />, active: (path) => path === "/webhooks" || path.startsWith("/webhooks/") },
  { to: "/audit", label: "Audit log", icon: <AuditIcon />, active: (path) => path === "/audit" },
  { to: "/scopes", label: "Scopes", icon: <ScopesIcon />, active: (path) => path === "/scopes" },
  { to: "/subscriptions", label: "Subscriptions", icon: <SubscriptionsIcon />, active: (path) => path === "/subscriptions" },
  { to: "/tenants", label: "Tenants", icon: <TenantsIcon />, active: (path) => path === "/tenants", rootOnly: true },
  { to: "/explorer", label: "API explorer", icon: <ExplorerIcon />, active: (path) => path === "/explorer" },
];

/** Root picks the tenant it acts in; every tenant-level page follows it. */
function TenantPicker() {
  const { actingTenantId, setActingTenantId } = useSession();
  const { data } = useQuery(TenantsDocument, { variables: { first: 100 } });
  const tenants = data?.tenants.nodes ?? [];
  const platform = tenants.find((tenant) => tenant.slug === "platform");
  const options = [
    { value: "", label: "Platform (root keys)" },
    ...tenants.filter((tenant) => tenant.id !== platform?.id).map((tenant) => ({ value: tenant.id, label: tenant.name })),
  ];
  return (
    <NativeSelect
      label="Acting in tenant"
      size="xs"
      data={options}
      value={actingTenantId ?? ""}
      onChange={(event) => setActingTenantId(event.currentTarget.value || undefined)}
    />
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure(false);
  const path = usePath();
  const { signOut } = useSession();
  const { principal, isRoot } = useScope();

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: "sm", collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header className="ks-header">
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? "Close navigation" : "Open navigation"} />
            <Link to="/" className="ks-brand" onClick={close}>
              <span className="ks-brand-mark" aria-hidden="true">K</span>
              <span>Keysmith</span>
            </Link>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <div className="ks-principal">
              <Text size="sm" fw={600} truncate="end">
                {principal.name}
              </Text>
              <Text size="xs" c="dimmed">
                {isRoot ? "Platform root" : "Tenant principal"}
              </Text>
            </div>
            <Tooltip label="Sign out">
              <Button variant="default" size="xs" onClick={signOut} leftSection={<LogoutIcon size={14} />} aria-label="Sign out">
                <span className="ks-hide-mobile">Sign out</span>
              </Button>
            </Tooltip>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" className="ks-navbar">
        <nav aria-label="Console">
          <Stack gap={2}>
            {NAV.filter((item) => !item.rootOnly || isRoot).map((item) => (
              <NavLink
                key={item.to}
                component={Link}
                to={item.to}
                label={item.label}
                leftSection={item.icon}
                active={item.active(path)}
                aria-current={item.active(path) ? "page" : undefined}
                onClick={close}
              />
            ))}
          </Stack>
        </nav>
        {isRoot && (
          <div className="ks-navbar-footer">
            <TenantPicker />
            <Text size="xs" c="dimmed" mt={6}>
              Keys, identities, webhooks, audit log, scopes and subscriptions show this tenant.{" "}
              <a href="/console/tenants" onClick={(event) => { event.preventDefault(); navigate("/tenants"); close(); }}>
                Manage tenants
              </a>
            </Text>
          </div>
        )}
      </AppShell.Navbar>

      <AppShell.Main className="ks-main">{children}</AppShell.Main>
    </AppShell>
  );
}
