import { useQuery } from "@apollo/client/react";
import { Button, Group, NativeSelect, Text } from "@mantine/core";
import { useState } from "react";
import { useScope } from "../app/session";
import { AuditTable } from "../components/AuditTable";
import { EmptyState, ErrorAlert, Loading, PageHeader } from "../components/common";
import { type AuditAction, AuditLogDocument } from "../graphql/generated";

const ACTIONS: AuditAction[] = [
  "KEY_CREATED",
  "KEY_UPDATED",
  "KEY_ENABLED",
  "KEY_DISABLED",
  "KEY_REGENERATED",
  "KEY_REVOKED",
  "IDENTITY_CREATED",
  "IDENTITY_UPDATED",
  "IDENTITY_DELETED",
  "NAMESPACE_DEFINED",
  "ROOT_KEY_CREATED",
  "SUBSCRIPTION_CREATED",
  "SUBSCRIPTION_UPDATED",
  "SUBSCRIPTION_STATUS_CHANGED",
  "TENANT_CREATED",
  "TENANT_UPDATED",
  "TENANT_SUSPENDED",
  "TENANT_RESUMED",
];

const PAGE_SIZE = 25;

export function AuditPage() {
  const { tenantId } = useScope();
  const [action, setAction] = useState<AuditAction | "">("");
  const [outcome, setOutcome] = useState("");
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const log = useQuery(AuditLogDocument, {
    variables: { tenantId, filter: { action: action || undefined }, first: PAGE_SIZE, after: cursors[cursors.length - 1] },
  });
  const events = (log.data?.auditEvents.nodes ?? []).filter((event) => !outcome || event.outcome === outcome);

  return (
    <div className="ks-page">
      <PageHeader title="Audit log" description="Every change to keys, subscriptions and the catalog, and every refused attempt, newest first." />
      <div className="ks-card">
        <div className="ks-toolbar">
          <NativeSelect
            label="Action"
            data={[{ value: "", label: "All actions" }, ...ACTIONS.map((value) => ({ value, label: value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, " ") }))]}
            value={action}
            onChange={(event) => {
              setAction(event.currentTarget.value as AuditAction | "");
              setCursors([null]);
            }}
          />
          <NativeSelect
            label="Outcome"
            data={[
              { value: "", label: "Any outcome" },
              { value: "SUCCESS", label: "Success" },
              { value: "DENIED", label: "Denied" },
            ]}
            value={outcome}
            onChange={(event) => setOutcome(event.currentTarget.value)}
          />
        </div>
        {log.error ? (
          <div style={{ padding: 16 }}>
            <ErrorAlert error={log.error} title="Could not load the audit log" />
          </div>
        ) : !log.data ? (
          <Loading label="Loading the audit log" />
        ) : events.length === 0 ? (
          <EmptyState title="No events">{action || outcome ? "Nothing matches these filters on this page." : "Changes appear here as they happen."}</EmptyState>
        ) : (
          <AuditTable events={events} />
        )}
        {log.data && (cursors.length > 1 || log.data.auditEvents.pageInfo.hasNextPage) && (
          <nav className="ks-footer" aria-label="Pages of events">
            <Text size="sm" c="dimmed">
              Page {cursors.length}
            </Text>
            <Group gap="xs">
              <Button variant="default" size="xs" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous page
              </Button>
              <Button
                variant="default"
                size="xs"
                disabled={!log.data.auditEvents.pageInfo.hasNextPage}
                onClick={() => setCursors([...cursors, log.data!.auditEvents.pageInfo.endCursor])}
              >
                Next page
              </Button>
            </Group>
          </nav>
        )}
      </div>
    </div>
  );
}
