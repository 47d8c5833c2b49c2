import { useQuery } from "@apollo/client/react";
import { Badge, Button, Table, Text } from "@mantine/core";
import { useState } from "react";
import { Link, navigate } from "../app/router";
import { useScope } from "../app/session";
import { EmptyState, ErrorAlert, Loading, PageHeader } from "../components/common";
import { PlusIcon } from "../components/icons";
import { WebhookEndpointsDocument } from "../graphql/generated";
import { describeEvents } from "../lib/events";
import { formatDate } from "../lib/format";
import { type CreatedEndpoint, EndpointFormDialog } from "./EndpointFormDialog";
import { WebhookSecretDialog } from "./WebhookSecretDialog";

/** A tenant has at most 20 endpoints: one page holds them all. */
export const ENDPOINTS_SHOWN = 100;

export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return (
    <Badge color={enabled ? "teal" : "gray"} variant="light">
      {enabled ? "Enabled" : "Disabled"}
    </Badge>
  );
}

export function WebhooksPage() {
  const { tenantId } = useScope();
  const list = useQuery(WebhookEndpointsDocument, { variables: { tenantId, first: ENDPOINTS_SHOWN } });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedEndpoint | null>(null);
  const endpoints = list.data?.webhookEndpoints.nodes;

  return (
    <div className="ks-page">
      <PageHeader
        title="Webhooks"
        description="Endpoints that receive this tenant's key events as signed HTTP POSTs (Standard Webhooks)."
        actions={
          <Button leftSection={<PlusIcon size={16} />} onClick={() => setCreating(true)}>
            Create endpoint
          </Button>
        }
      />
      <div className="ks-card">
        {list.error ? (
          <div style={{ padding: 16 }}>
            <ErrorAlert error={list.error} title="Could not load the endpoints" />
          </div>
        ) : !endpoints ? (
          <Loading label="Loading endpoints" />
        ) : endpoints.length === 0 ? (
          <EmptyState title="No endpoints yet">Create one with “Create endpoint” to have key events sent to your backend.</EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table className="ks-table" highlightOnHover verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>URL</Table.Th>
                  <Table.Th>Events</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Description</Table.Th>
                  <Table.Th>Created</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {endpoints.map((endpoint) => (
                  <Table.Tr key={endpoint.id}>
                    <Table.Td>
                      <Link to={`/webhooks/${endpoint.id}`} className="ks-row-link ks-mono">
                        {endpoint.url}
                      </Link>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" truncate="end" maw={320} title={describeEvents(endpoint.events)}>
                        {describeEvents(endpoint.events)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <EnabledBadge enabled={endpoint.enabled} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" truncate="end" maw={220}>
                        {endpoint.description || "—"}
                      </Text>
                    </Table.Td>
                    <Table.Td title={endpoint.createdAt}>{formatDate(endpoint.createdAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </div>

      <EndpointFormDialog
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(endpoint) => {
          setCreating(false);
          setCreated(endpoint);
        }}
      />
      <WebhookSecretDialog
        value={created}
        onClose={() => {
          const id = created?.id;
          setCreated(null);
          if (id) navigate(`/webhooks/${id}`);
        }}
      />
    </div>
  );
}
