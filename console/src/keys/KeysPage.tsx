import { useApolloClient, useQuery } from "@apollo/client/react";
import { Button, Group, NativeSelect, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { Link, navigate } from "../app/router";
import { useScope } from "../app/session";
import { EmptyState, ErrorAlert, Loading, PageHeader, StatusBadge } from "../components/common";
import { LiveIndicator } from "../components/LiveIndicator";
import { UsagePanel } from "../components/UsagePanel";
import { PlusIcon, SearchIcon, SortDownIcon, SortIcon, SortUpIcon } from "../components/icons";
import {
  type ApiKeyOrderField,
  type ApiKeyStatusFilter,
  KeyListDocument,
  KeyStatsDocument,
  type OrderDirection,
} from "../graphql/generated";
import { formatCount, formatDate, formatRelative } from "../lib/format";
import { KeyFormDialog } from "./KeyFormDialog";
import { type NewSecret, ShowSecretDialog } from "./ShowSecretDialog";
import { useKeyEvents } from "./useKeyEvents";

const PAGE_SIZE = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** createdBy is a key id or a JWT subject: a key id is shown by its last (random) characters. */
function shortPrincipal(createdBy: string): string {
  return UUID.test(createdBy) ? `key …${createdBy.slice(-8)}` : createdBy;
}

const STATS: Array<{ filter: ApiKeyStatusFilter; label: string; field: "total" | "active" | "expiringSoon" | "expired" | "disabled" | "revoked"; color: string }> = [
  { filter: "ALL", label: "Total", field: "total", color: "#4c6ef5" },
  { filter: "ACTIVE", label: "Active", field: "active", color: "#12b886" },
  { filter: "EXPIRING_SOON", label: "Expiring soon", field: "expiringSoon", color: "#fab005" },
  { filter: "EXPIRED", label: "Expired", field: "expired", color: "#fd7e14" },
  { filter: "DISABLED", label: "Disabled", field: "disabled", color: "#868e96" },
  { filter: "REVOKED", label: "Revoked", field: "revoked", color: "#fa5252" },
];

const STATUS_OPTIONS = [
  { value: "ALL", label: "All statuses" },
  { value: "ACTIVE", label: "Active" },
  { value: "EXPIRING_SOON", label: "Expiring soon" },
  { value: "EXPIRED", label: "Expired" },
  { value: "DISABLED", label: "Disabled" },
  { value: "REVOKED", label: "Revoked" },
];

interface Order {
  field: ApiKeyOrderField;
  direction: OrderDirection;
}

function SortHeader({ label, field, order, onSort }: { label: string; field: ApiKeyOrderField; order: Order; onSort: (order: Order) => void }) {
  const active = order.field === field;
  const next: Order = { field, direction: active && order.direction === "ASC" ? "DESC" : active ? "ASC" : field === "NAME" || field === "CREATED_BY" ? "ASC" : "DESC" };
  return (
    <Table.Th aria-sort={active ? (order.direction === "ASC" ? "ascending" : "descending") : "none"}>
      <button type="button" className="ks-sort" onClick={() => onSort(next)}>
        {label}
        {active ? order.direction === "ASC" ? <SortUpIcon size={14} /> : <SortDownIcon size={14} /> : <SortIcon size={14} opacity={0.4} />}
      </button>
    </Table.Th>
  );
}

export function KeysPage() {
  const { tenantId } = useScope();
  const client = useApolloClient();
  const [status, setStatus] = useState<ApiKeyStatusFilter>("ALL");
  const [search, setSearch] = useState("");
  const [debouncedSearch] = useDebouncedValue(search.trim(), 250);
  const [order, setOrder] = useState<Order>({ field: "CREATED_AT", direction: "DESC" });
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<NewSecret | null>(null);
  const [createdId, setCreatedId] = useState<string | null>(null);

  const resetPages = () => setCursors([null]);
  const stats = useQuery(KeyStatsDocument, { variables: { tenantId } });
  const list = useQuery(KeyListDocument, {
    variables: {
      tenantId,
      filter: { status, search: debouncedSearch || undefined },
      orderBy: order,
      first: PAGE_SIZE,
      after: cursors[cursors.length - 1],
    },
  });
  const connection = list.data?.apiKeys;
  const page = cursors.length;
  // Any key of the tenant created, changed or revoked, here or elsewhere: read the page and the counts again.
  const live = useKeyEvents(() => client.refetchQueries({ include: [KeyListDocument, KeyStatsDocument] }));

  const chooseStatus = (next: ApiKeyStatusFilter) => {
    setStatus(next);
    resetPages();
  };

  return (
    <div className="ks-page">
      <PageHeader
        title="API keys"
        description="Create, find and manage the keys of this tenant. Secrets are shown once, at creation."
        actions={
          <Group gap="md">
            <LiveIndicator error={live.error} />
            <Button leftSection={<PlusIcon size={16} />} onClick={() => setCreating(true)}>
              Create key
            </Button>
          </Group>
        }
      />

      <div className="ks-stats" role="group" aria-label="Key counts">
        {STATS.map((stat) => (
          <button key={stat.filter} type="button" className="ks-stat" aria-pressed={status === stat.filter} onClick={() => chooseStatus(stat.filter)}>
            <span className="ks-stat-label">
              <span className="ks-dot" style={{ background: stat.color }} aria-hidden="true" />
              {stat.label}
            </span>
            <span className="ks-stat-value">{stats.data ? formatCount(stats.data.apiKeyStats[stat.field]) : "–"}</span>
          </button>
        ))}
      </div>
      {stats.error && <ErrorAlert error={stats.error} title="Could not load the counts" />}

      <div className="ks-card">
        <div className="ks-toolbar">
          <TextInput
            className="ks-grow"
            label="Search keys"
            placeholder="Name, description, or part of a key (prefix, lookup id, last 4)"
            leftSection={<SearchIcon size={16} />}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              resetPages();
            }}
          />
          <NativeSelect label="Status" data={STATUS_OPTIONS} value={status} onChange={(event) => chooseStatus(event.currentTarget.value as ApiKeyStatusFilter)} />
        </div>

        {list.error ? (
          <div style={{ padding: 16 }}>
            <ErrorAlert error={list.error} title="Could not load the keys" />
          </div>
        ) : !connection ? (
          <Loading label="Loading keys" />
        ) : connection.nodes.length === 0 ? (
          <EmptyState title={debouncedSearch || status !== "ALL" ? "No key matches" : "No keys yet"}>
            {debouncedSearch || status !== "ALL" ? "Try another search or status." : "Create the first key of this tenant with “Create key”."}
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={860} aria-busy={list.loading} className={list.loading ? "ks-refreshing" : undefined}>
            <Table className="ks-table" highlightOnHover verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead>
                <Table.Tr>
                  <SortHeader label="Name" field="NAME" order={order} onSort={(next) => { setOrder(next); resetPages(); }} />
                  <SortHeader label="Created by" field="CREATED_BY" order={order} onSort={(next) => { setOrder(next); resetPages(); }} />
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <SortHeader label="Created" field="CREATED_AT" order={order} onSort={(next) => { setOrder(next); resetPages(); }} />
                  <SortHeader label="Expires" field="EXPIRES_AT" order={order} onSort={(next) => { setOrder(next); resetPages(); }} />
                  <SortHeader label="Last used" field="LAST_USED_AT" order={order} onSort={(next) => { setOrder(next); resetPages(); }} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {connection.nodes.map((key) => (
                  <Table.Tr key={key.id} data-created={key.id === createdId || undefined}>
                    <Table.Td>
                      <Link to={`/keys/${key.id}`} className="ks-row-link">
                        {key.name}
                      </Link>
                    </Table.Td>
                    <Table.Td title={key.createdBy}>
                      <Text size="sm" truncate="end" maw={150}>
                        {shortPrincipal(key.createdBy)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <span className="ks-mono">{key.maskedKey}</span>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={key.status} />
                    </Table.Td>
                    <Table.Td title={key.createdAt}>{formatDate(key.createdAt)}</Table.Td>
                    <Table.Td title={key.expiresAt ?? undefined}>{key.expiresAt ? formatRelative(key.expiresAt) : "Never"}</Table.Td>
                    <Table.Td title={key.lastUsedAt ?? undefined}>{key.lastUsedAt ? formatRelative(key.lastUsedAt) : "Never"}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}

        {connection && connection.nodes.length > 0 && (
          <nav className="ks-footer" aria-label="Pages of keys">
            <Text size="sm" c="dimmed" aria-live="polite">
              Page {page} · {formatCount(connection.totalCount)} {connection.totalCount === 1 ? "key" : "keys"}
            </Text>
            <Group gap="xs">
              <Button variant="default" size="xs" disabled={page === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous page
              </Button>
              <Button
                variant="default"
                size="xs"
                disabled={!connection.pageInfo.hasNextPage}
                onClick={() => setCursors([...cursors, connection.pageInfo.endCursor])}
              >
                Next page
              </Button>
            </Group>
          </nav>
        )}
      </div>

      <div style={{ marginTop: 20 }}>
        <UsagePanel title="Checks of all keys" subject="Checks of every key of this tenant" />
      </div>

      <KeyFormDialog
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setCreatedId(created.id);
          setSecret({ secret: created.secret, name: created.name });
          void client.refetchQueries({ include: [KeyListDocument, KeyStatsDocument] });
        }}
      />
      <ShowSecretDialog
        value={secret}
        onClose={() => {
          setSecret(null);
          if (createdId) navigate(`/keys/${createdId}`);
        }}
      />
    </div>
  );
}
