import { useApolloClient, useQuery } from "@apollo/client/react";
import { Alert, Anchor, Badge, Button, Group, Modal, Stack, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { Link, navigate } from "../app/router";
import { useScope } from "../app/session";
import { Card, EmptyState, ErrorAlert, Loading } from "../components/common";
import { AlertIcon, ArrowLeftIcon } from "../components/icons";
import {
  DeleteWebhookEndpointDocument,
  PingWebhookEndpointDocument,
  RedeliverWebhookDocument,
  RotateWebhookSecretDocument,
  type WebhookDeliveryRowFragment,
  WebhookDeliveriesDocument,
  type WebhookEndpointRowFragment,
  WebhookEndpointsDocument,
} from "../graphql/generated";
import { describeError } from "../lib/errors";
import { orderedEvents } from "../lib/events";
import { formatCount, formatDateTime } from "../lib/format";
import { DeliveriesTable } from "./DeliveriesTable";
import { EndpointFormDialog } from "./EndpointFormDialog";
import { ENDPOINTS_SHOWN, EnabledBadge } from "./WebhooksPage";
import { type NewSigningSecret, WebhookSecretDialog } from "./WebhookSecretDialog";

const DELIVERIES_PAGE = 20;
/** While a delivery is pending its row is read again this often, until it is delivered or failed. */
const PENDING_POLL_MS = 2_000;

function Details({ endpoint }: { endpoint: WebhookEndpointRowFragment }) {
  const rotating = endpoint.previousSecretExpiresAt && new Date(endpoint.previousSecretExpiresAt).getTime() > Date.now();
  return (
    <dl className="ks-details">
      <div style={{ gridColumn: "1 / -1" }}>
        <dt>URL</dt>
        <dd className="ks-mono">{endpoint.url}</dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd>
          <EnabledBadge enabled={endpoint.enabled} />
        </dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>{formatDateTime(endpoint.createdAt)}</dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>{formatDateTime(endpoint.updatedAt)}</dd>
      </div>
      <div>
        <dt>Signing secret</dt>
        <dd>{rotating ? `Rotated: the previous secret signs too until ${formatDateTime(endpoint.previousSecretExpiresAt)}` : "Shown only when made"}</dd>
      </div>
      <div style={{ gridColumn: "1 / -1" }}>
        <dt>Events</dt>
        <dd>
          <Group gap={6}>
            {orderedEvents(endpoint.events).map((event) => (
              <Badge key={event} color="indigo" variant="light" tt="none" className="ks-mono">
                {event}
              </Badge>
            ))}
          </Group>
        </dd>
      </div>
      {endpoint.description && (
        <div style={{ gridColumn: "1 / -1" }}>
          <dt>Description</dt>
          <dd>{endpoint.description}</dd>
        </div>
      )}
    </dl>
  );
}

function Deliveries({ endpointId, refreshKey }: { endpointId: string; refreshKey: number }) {
  const { tenantId } = useScope();
  const client = useApolloClient();
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [redelivering, setRedelivering] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = useQuery(WebhookDeliveriesDocument, { variables: { tenantId, endpointId, first: DELIVERIES_PAGE, after: cursors[cursors.length - 1] } });
  const connection = list.data?.webhookDeliveries;
  const pending = connection?.nodes.some((delivery) => delivery.status === "PENDING") ?? false;
  const { startPolling, stopPolling, refetch } = list;

  useEffect(() => {
    if (!pending) return;
    startPolling(PENDING_POLL_MS);
    return () => stopPolling();
  }, [pending, startPolling, stopPolling]);
  // A ping from the page header: the newest page shows it.
  useEffect(() => {
    if (refreshKey === 0) return;
    setCursors([null]);
    void refetch();
  }, [refreshKey, refetch]);

  async function redeliver(delivery: WebhookDeliveryRowFragment) {
    setRedelivering(delivery.id);
    setError(null);
    try {
      await client.mutate({ mutation: RedeliverWebhookDocument, variables: { input: { deliveryId: delivery.id, tenantId } } });
      setCursors([null]);
      await refetch();
    } catch (failure) {
      setError(describeError(failure).message);
    } finally {
      setRedelivering(null);
    }
  }

  const page = cursors.length;
  return (
    <section className="ks-card" aria-labelledby="deliveries-title">
      <div className="ks-section-title">
        <Title order={2} size="h4" id="deliveries-title">
          Deliveries
        </Title>
        <Button variant="default" size="xs" onClick={() => void refetch()} loading={list.loading && !!connection}>
          Refresh
        </Button>
      </div>
      {error && (
        <div style={{ padding: 16 }}>
          <ErrorAlert error={error} title="The delivery was not sent again" />
        </div>
      )}
      {list.error ? (
        <div style={{ padding: 16 }}>
          <ErrorAlert error={list.error} title="Could not load the deliveries" />
        </div>
      ) : !connection ? (
        <Loading label="Loading deliveries" />
      ) : connection.nodes.length === 0 ? (
        <EmptyState title="No deliveries yet">Events of the types this endpoint subscribed to appear here as they are sent. “Ping” sends a test event now.</EmptyState>
      ) : (
        <>
          <DeliveriesTable deliveries={connection.nodes} redelivering={redelivering} onRedeliver={(delivery) => void redeliver(delivery)} />
          <nav className="ks-footer" aria-label="Pages of deliveries">
            <Text size="sm" c="dimmed">
              Page {page} · {formatCount(connection.nodes.length)} shown, newest first
            </Text>
            <Group gap="xs">
              <Button variant="default" size="xs" disabled={page === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous page
              </Button>
              <Button variant="default" size="xs" disabled={!connection.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, connection.pageInfo.endCursor ?? null])}>
                Next page
              </Button>
            </Group>
          </nav>
        </>
      )}
    </section>
  );
}

export function WebhookPage({ id }: { id: string }) {
  const { tenantId } = useScope();
  const client = useApolloClient();
  const list = useQuery(WebhookEndpointsDocument, { variables: { tenantId, first: ENDPOINTS_SHOWN } });
  const [editing, setEditing] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [secret, setSecret] = useState<NewSigningSecret | null>(null);
  const [pinged, setPinged] = useState(0);

  async function run(action: () => Promise<unknown>, onError: (message: string) => void): Promise<void> {
    setBusy(true);
    setActionError(null);
    setDialogError(null);
    setNotice(null);
    try {
      await action();
    } catch (error) {
      onError(describeError(error).message);
    } finally {
      setBusy(false);
    }
  }

  if (list.error && !list.data) {
    return (
      <div className="ks-page">
        <BackLink />
        <ErrorAlert error={list.error} title="Could not load the endpoint" />
      </div>
    );
  }
  if (!list.data) return <Loading label="Loading the endpoint" />;
  const endpoint = list.data.webhookEndpoints.nodes.find((node) => node.id === id);
  if (!endpoint) {
    return (
      <div className="ks-page">
        <BackLink />
        <EmptyState title="No such endpoint">It does not exist in this tenant, or you cannot see it.</EmptyState>
      </div>
    );
  }

  return (
    <div className="ks-page">
      <BackLink />
      <div className="ks-page-header">
        <div style={{ minWidth: 0 }}>
          <Group gap="sm">
            <Title order={1} size="h2">
              {endpoint.description || "Webhook endpoint"}
            </Title>
            <EnabledBadge enabled={endpoint.enabled} />
          </Group>
          <Text c="dimmed" size="sm" mt={4} className="ks-mono" style={{ wordBreak: "break-all" }}>
            {endpoint.url}
          </Text>
        </div>
        <Group gap="xs">
          <Button variant="default" onClick={() => setEditing(true)}>
            Edit
          </Button>
          <Button
            variant="default"
            loading={busy && !rotating && !deleting}
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await client.mutate({ mutation: PingWebhookEndpointDocument, variables: { input: { id, tenantId } } });
                setNotice("Ping sent: a WEBHOOK_PING delivery is on its way.");
                setPinged((count) => count + 1);
              }, setActionError)
            }
          >
            Ping
          </Button>
          <Button variant="default" onClick={() => setRotating(true)}>
            Rotate secret
          </Button>
          <Button color="red" variant="light" onClick={() => setDeleting(true)}>
            Delete
          </Button>
        </Group>
      </div>
      {actionError && <ErrorAlert error={actionError} title="That did not work" />}
      {notice && (
        <Text size="sm" role="status" mb="md">
          {notice}
        </Text>
      )}
      {!endpoint.enabled && (
        <Alert color="gray" variant="light" mb="md" icon={<AlertIcon />}>
          This endpoint is disabled: it gets no new deliveries (a ping still goes through). Edit it to enable it again.
        </Alert>
      )}

      <Stack gap="lg">
        <Card id="details-title" title="Details" padded>
          <Details endpoint={endpoint} />
        </Card>
        <Deliveries endpointId={id} refreshKey={pinged} />
      </Stack>

      <EndpointFormDialog opened={editing} editing={endpoint} onClose={() => setEditing(false)} onSaved={() => setEditing(false)} />

      <Modal opened={rotating} onClose={() => setRotating(false)} title="Rotate the signing secret?">
        <Stack gap="md">
          <Text size="sm">
            A new secret is made and shown once. The current one keeps signing beside it for 24 hours, so your receiver can switch to the new one without missing a delivery.
          </Text>
          {dialogError && <ErrorAlert error={dialogError} title="The secret was not rotated" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRotating(false)}>
              Cancel
            </Button>
            <Button
              loading={busy}
              onClick={() =>
                void run(async () => {
                  // no-cache: the payload holds the new secret.
                  const result = await client.mutate({ mutation: RotateWebhookSecretDocument, variables: { input: { id, tenantId } }, fetchPolicy: "no-cache" });
                  const payload = result.data!.rotateWebhookSecret;
                  setRotating(false);
                  setSecret({ secret: payload.secret, url: payload.endpoint.url, previousSecretExpiresAt: payload.endpoint.previousSecretExpiresAt ?? null });
                  await list.refetch();
                }, setDialogError)
              }
            >
              Rotate secret
            </Button>
          </Group>
        </Stack>
      </Modal>

      <Modal opened={deleting} onClose={() => setDeleting(false)} title="Delete this endpoint?">
        <Stack gap="md">
          <Text size="sm">
            Deliveries to <span className="ks-mono">{endpoint.url}</span> stop, and those still pending are dropped with it. This cannot be undone.
          </Text>
          {dialogError && <ErrorAlert error={dialogError} title="The endpoint was not deleted" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={busy}
              onClick={() =>
                void run(async () => {
                  await client.mutate({ mutation: DeleteWebhookEndpointDocument, variables: { input: { id, tenantId } } });
                  navigate("/webhooks");
                  await client.refetchQueries({ include: [WebhookEndpointsDocument] });
                }, setDialogError)
              }
            >
              Delete endpoint
            </Button>
          </Group>
        </Stack>
      </Modal>

      <WebhookSecretDialog value={secret} onClose={() => setSecret(null)} />
    </div>
  );
}

function BackLink() {
  return (
    <Anchor component={Link} to="/webhooks" size="sm" mb="sm" style={{ display: "inline-flex", alignItems: "center", gap: 6 }}>
      <ArrowLeftIcon size={14} /> All endpoints
    </Anchor>
  );
}
