import { useApolloClient, useQuery } from "@apollo/client/react";
import { Alert, Anchor, Badge, Button, Group, Modal, NativeSelect, Stack, Text, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { Link, navigate } from "../app/router";
import { useScope } from "../app/session";
import { AuditTrail } from "../components/AuditTrail";
import { LimitsTable } from "../components/LimitsTable";
import { UsagePanel } from "../components/UsagePanel";
import { Card, EmptyState, ErrorAlert, Loading, StatusBadge } from "../components/common";
import { LiveIndicator } from "../components/LiveIndicator";
import { AlertIcon, ArrowLeftIcon } from "../components/icons";
import {
  DisableKeyDocument,
  EnableKeyDocument,
  IdentityDetailDocument,
  KeyAuditTrailDocument,
  KeyDetailDocument,
  type KeyDetailsFragment,
  KeyListDocument,
  KeyStatsDocument,
  RegenerateKeyDocument,
  RevokeKeyDocument,
} from "../graphql/generated";
import { describeRefill } from "../lib/credits";
import { describeError } from "../lib/errors";
import { formatDateTime, formatRelative } from "../lib/format";
import { CheckPanel } from "./CheckPanel";
import { identityLabel } from "./IdentityPicker";
import { KeyFormDialog } from "./KeyFormDialog";
import { type NewSecret, ShowSecretDialog } from "./ShowSecretDialog";
import { useKeyEvents } from "./useKeyEvents";

const GRACE_PERIODS = [
  { value: "0", label: "None: the old key stops now" },
  { value: "3600", label: "1 hour" },
  { value: "86400", label: "24 hours" },
  { value: "604800", label: "7 days (the longest)" },
];

function Details({ apiKey }: { apiKey: KeyDetailsFragment }) {
  const network =
    apiKey.allowedCidrs.length === 0 ? "Any address" : apiKey.allowedCidrs.includes("LOCAL_ONLY") ? "Localhost only" : apiKey.allowedCidrs.join(", ");
  const revokedLater = apiKey.revokedAt && new Date(apiKey.revokedAt).getTime() > Date.now();
  return (
    <dl className="ks-details">
      <div>
        <dt>Key</dt>
        <dd className="ks-mono">{apiKey.maskedKey}</dd>
      </div>
      <div>
        <dt>Created by</dt>
        <dd>{apiKey.createdBy}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>{formatDateTime(apiKey.createdAt)}</dd>
      </div>
      <div>
        <dt>Expires</dt>
        <dd>{apiKey.expiresAt ? `${formatDateTime(apiKey.expiresAt)} (${formatRelative(apiKey.expiresAt)})` : "Never"}</dd>
      </div>
      <div>
        <dt>Last used</dt>
        <dd>{apiKey.lastUsedAt ? formatRelative(apiKey.lastUsedAt) : "Never"}</dd>
      </div>
      <div>
        <dt>Successful uses</dt>
        <dd>{apiKey.usageCount.toLocaleString("en-GB")}</dd>
      </div>
      <div>
        <dt>External id</dt>
        <dd>{apiKey.externalId ?? "—"}</dd>
      </div>
      <div>
        <dt>Network</dt>
        <dd className={apiKey.allowedCidrs.length > 1 || !apiKey.allowedCidrs.includes("LOCAL_ONLY") ? "ks-mono" : undefined}>{network}</dd>
      </div>
      <div>
        <dt>Identity</dt>
        <dd>{apiKey.identityId ? <IdentityLink id={apiKey.identityId} /> : "None"}</dd>
      </div>
      {apiKey.revokedAt && (
        <div>
          <dt>{revokedLater ? "Stops working" : "Revoked"}</dt>
          <dd>
            {formatDateTime(apiKey.revokedAt)}
            {apiKey.revokedReason ? ` — ${apiKey.revokedReason}` : ""}
          </dd>
        </div>
      )}
      {apiKey.rotatedToId && (
        <div>
          <dt>Replaced by</dt>
          <dd>
            <Link to={`/keys/${apiKey.rotatedToId}`} className="ks-row-link">
              the regenerated key
            </Link>
          </dd>
        </div>
      )}
      {apiKey.rotatedFromId && (
        <div>
          <dt>Regenerated from</dt>
          <dd>
            <Link to={`/keys/${apiKey.rotatedFromId}`} className="ks-row-link">
              the previous key
            </Link>
          </dd>
        </div>
      )}
      <div style={{ gridColumn: "1 / -1" }}>
        <dt>Scopes</dt>
        <dd>
          {apiKey.scopes.length === 0 ? (
            <Text size="sm" c="dimmed">
              No scopes: checks that require any scope are refused.
            </Text>
          ) : (
            <Group gap={6}>
              {apiKey.scopes.map((scope) => (
                <Badge key={scope} color={scope === "*:*" ? "orange" : "indigo"} tt="none" className="ks-mono">
                  {scope}
                </Badge>
              ))}
            </Group>
          )}
        </dd>
      </div>
      {apiKey.description && (
        <div style={{ gridColumn: "1 / -1" }}>
          <dt>Description</dt>
          <dd>{apiKey.description}</dd>
        </div>
      )}
      {apiKey.metadata && (
        <div style={{ gridColumn: "1 / -1" }}>
          <dt>Metadata</dt>
          <dd>
            <pre className="ks-sample" style={{ margin: 0 }} tabIndex={0}>
              {JSON.stringify(apiKey.metadata, null, 2)}
            </pre>
          </dd>
        </div>
      )}
    </dl>
  );
}

function IdentityLink({ id }: { id: string }) {
  const { tenantId } = useScope();
  const identity = useQuery(IdentityDetailDocument, { variables: { id, tenantId } });
  return (
    <Link to={`/identities/${id}`} className="ks-row-link">
      {identity.data ? identityLabel(identity.data.identity) : "The key's identity"}
    </Link>
  );
}

/** What the key may spend: its credits and its own named limits. */
function Metering({ apiKey }: { apiKey: KeyDetailsFragment }) {
  return (
    <Stack gap="md" p="md">
      <dl className="ks-details">
        <div>
          <dt>Credits remaining</dt>
          <dd>{apiKey.credits ? apiKey.credits.remaining.toLocaleString("en-GB") : "Not metered: checks spend nothing"}</dd>
        </div>
        {apiKey.credits && (
          <div>
            <dt>Refill</dt>
            <dd>{describeRefill(apiKey.credits.refill)}</dd>
          </div>
        )}
      </dl>
      <LimitsTable
        limits={apiKey.rateLimits}
        caption={`Rate limits of ${apiKey.name}`}
        empty={apiKey.identityId ? "No limits of its own: its identity's limits apply." : "No rate limits: checks are not limited."}
      />
      {apiKey.identityId && apiKey.rateLimits.length > 0 && (
        <Text size="xs" c="dimmed">
          Its identity's limits apply too; a limit here replaces the identity's limit of the same name.
        </Text>
      )}
    </Stack>
  );
}

export function KeyPage({ id }: { id: string }) {
  const { tenantId } = useScope();
  const client = useApolloClient();
  const detail = useQuery(KeyDetailDocument, { variables: { id, tenantId } });
  const [editing, setEditing] = useState(false);
  const [regenerating, setRegenerating] = useState(false);
  const [revoking, setRevoking] = useState(false);
  const [grace, setGrace] = useState("3600");
  const [reason, setReason] = useState("");
  const [actionError, setActionError] = useState<string | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<{ value: NewSecret; id: string } | null>(null);

  const refreshLists = () => client.refetchQueries({ include: [KeyAuditTrailDocument, KeyListDocument, KeyStatsDocument] });
  // This key changed, here or elsewhere (another tab, the API, a scheduled revocation): read it again.
  const live = useKeyEvents(() => Promise.all([detail.refetch(), refreshLists()]), { keyId: id });

  async function run(action: () => Promise<unknown>, onError: (message: string) => void): Promise<boolean> {
    setBusy(true);
    setActionError(null);
    setDialogError(null);
    try {
      await action();
      await refreshLists();
      return true;
    } catch (error) {
      onError(describeError(error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }

  if (detail.error && !detail.data) {
    const notFound = describeError(detail.error).code === "NOT_FOUND";
    return (
      <div className="ks-page">
        <BackLink />
        {notFound ? <EmptyState title="No such key">It does not exist in this tenant, or you cannot see it.</EmptyState> : <ErrorAlert error={detail.error} title="Could not load the key" />}
      </div>
    );
  }
  if (!detail.data) return <Loading label="Loading the key" />;
  const apiKey = detail.data.apiKey;
  const superseded = apiKey.rotatedToId !== null;
  const revoked = apiKey.status === "REVOKED";
  const expired = apiKey.status === "EXPIRED";
  const editable = !revoked && !expired && !superseded;

  return (
    <div className="ks-page">
      <BackLink />
      <div className="ks-page-header">
        <div>
          <Group gap="sm">
            <Title order={1} size="h2">
              {apiKey.name}
            </Title>
            <StatusBadge status={apiKey.status} />
            {superseded && !revoked && <Badge color="yellow">Grace period</Badge>}
          </Group>
          <Text c="dimmed" size="sm" mt={4} className="ks-mono">
            {apiKey.maskedKey}
          </Text>
        </div>
        <Group gap="xs">
          <LiveIndicator error={live.error} />
          <Button variant="default" onClick={() => setEditing(true)} disabled={!editable}>
            Edit
          </Button>
          {apiKey.enabled ? (
            <Button variant="default" disabled={!editable || busy} onClick={() => void run(() => client.mutate({ mutation: DisableKeyDocument, variables: { input: { id, tenantId } } }), setActionError)}>
              Disable
            </Button>
          ) : (
            <Button variant="default" disabled={!editable || busy} onClick={() => void run(() => client.mutate({ mutation: EnableKeyDocument, variables: { input: { id, tenantId } } }), setActionError)}>
              Enable
            </Button>
          )}
          <Button variant="default" onClick={() => setRegenerating(true)} disabled={revoked || expired || superseded}>
            Regenerate
          </Button>
          <Button color="red" variant="light" onClick={() => setRevoking(true)} disabled={revoked}>
            Revoke
          </Button>
        </Group>
      </div>
      {actionError && <ErrorAlert error={actionError} title="That did not work" />}
      {superseded && !revoked && (
        <Alert color="yellow" variant="light" mb="md" icon={<AlertIcon />}>
          This key was regenerated. It keeps working until {formatDateTime(apiKey.revokedAt)}, then answers REVOKED.
        </Alert>
      )}

      <Stack gap="lg">
        <Card id="details-title" title="Details" padded>
          <Details apiKey={apiKey} />
        </Card>

        <Card id="metering-title" title="Limits and credits">
          <Metering apiKey={apiKey} />
        </Card>

        <UsagePanel keyId={id} title="Usage" subject={`Checks of ${apiKey.name}`} />

        <Card id="check-title" title="Try a check">
          <CheckPanel />
        </Card>

        <AuditTrail id="trail-title" tenantId={tenantId} targetId={id} />
      </Stack>

      <KeyFormDialog
        opened={editing}
        editing={apiKey}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          void refreshLists();
        }}
      />

      <Modal opened={regenerating} onClose={() => setRegenerating(false)} title={`Regenerate ${apiKey.name}`}>
        <Stack gap="md">
          <Text size="sm">
            A new key with the same name, scopes, subscriptions, network and expiry replaces this one. Its secret is shown once.
          </Text>
          <NativeSelect label="Grace period" description="How long the old key keeps working, so you can roll the new one out." data={GRACE_PERIODS} value={grace} onChange={(event) => setGrace(event.currentTarget.value)} />
          {dialogError && <ErrorAlert error={dialogError} title="The key was not regenerated" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRegenerating(false)}>
              Cancel
            </Button>
            <Button
              loading={busy}
              onClick={() =>
                void run(async () => {
                  // no-cache: the payload holds the new secret.
                  const result = await client.mutate({
                    mutation: RegenerateKeyDocument,
                    variables: { input: { id, tenantId, gracePeriodSeconds: Number(grace) } },
                    fetchPolicy: "no-cache",
                  });
                  const payload = result.data!.regenerateApiKey;
                  setRegenerating(false);
                  setSecret({ value: { secret: payload.secret, name: payload.apiKey.name }, id: payload.apiKey.id });
                  await detail.refetch();
                }, setDialogError)
              }
            >
              Regenerate key
            </Button>
          </Group>
        </Stack>
      </Modal>

      <Modal opened={revoking} onClose={() => setRevoking(false)} title={`Revoke ${apiKey.name}?`}>
        <Stack gap="md">
          <Text size="sm">
            Revoking is permanent: every check of this key answers REVOKED within a second, and it cannot be enabled again.
          </Text>
          <Textarea label="Reason" description="Kept in the audit log, e.g. “leaked in a CI log”." value={reason} onChange={(event) => setReason(event.currentTarget.value)} autosize minRows={2} />
          {dialogError && <ErrorAlert error={dialogError} title="The key was not revoked" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={busy}
              onClick={() =>
                void run(async () => {
                  await client.mutate({ mutation: RevokeKeyDocument, variables: { input: { id, tenantId, reason: reason.trim() || undefined } } });
                  setRevoking(false);
                  setReason("");
                }, setDialogError)
              }
            >
              Revoke key
            </Button>
          </Group>
        </Stack>
      </Modal>

      <ShowSecretDialog
        value={secret?.value ?? null}
        onClose={() => {
          const next = secret?.id;
          setSecret(null);
          if (next) navigate(`/keys/${next}`);
        }}
      />
    </div>
  );
}

function BackLink() {
  return (
    <Anchor component={Link} to="/" size="sm" mb="sm" style={{ display: "inline-flex", alignItems: "center", gap: 6 }}>
      <ArrowLeftIcon size={14} /> All keys
    </Anchor>
  );
}
