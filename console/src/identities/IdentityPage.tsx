import { useApolloClient, useQuery } from "@apollo/client/react";
import { Anchor, Button, Group, Modal, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { Link, navigate } from "../app/router";
import { useScope } from "../app/session";
import { AuditTrail } from "../components/AuditTrail";
import { Card, EmptyState, ErrorAlert, Loading, StatusBadge } from "../components/common";
import { ArrowLeftIcon, PlusIcon } from "../components/icons";
import { LimitsTable } from "../components/LimitsTable";
import {
  DeleteIdentityDocument,
  IdentityDetailDocument,
  type IdentityDetailsFragment,
  IdentityKeysDocument,
  IdentityListDocument,
  KeyAuditTrailDocument,
  KeyListDocument,
  KeyStatsDocument,
} from "../graphql/generated";
import { describeError } from "../lib/errors";
import { formatCount, formatDateTime, formatRelative } from "../lib/format";
import { KeyFormDialog } from "../keys/KeyFormDialog";
import { type NewSecret, ShowSecretDialog } from "../keys/ShowSecretDialog";
import { IdentityFormDialog } from "./IdentityFormDialog";

const KEYS_SHOWN = 100;

function Details({ identity }: { identity: IdentityDetailsFragment }) {
  return (
    <dl className="ks-details">
      <div>
        <dt>External id</dt>
        <dd className="ks-mono">{identity.externalId}</dd>
      </div>
      <div>
        <dt>Display name</dt>
        <dd>{identity.name ?? "—"}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>{formatDateTime(identity.createdAt)}</dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>{formatDateTime(identity.updatedAt)}</dd>
      </div>
      {identity.metadata && (
        <div style={{ gridColumn: "1 / -1" }}>
          <dt>Metadata</dt>
          <dd>
            <pre className="ks-sample" style={{ margin: 0 }} tabIndex={0}>
              {JSON.stringify(identity.metadata, null, 2)}
            </pre>
          </dd>
        </div>
      )}
    </dl>
  );
}

function IdentityKeys({ identityId, onCreate }: { identityId: string; onCreate: () => void }) {
  const { tenantId } = useScope();
  const keys = useQuery(IdentityKeysDocument, { variables: { tenantId, identityId, first: KEYS_SHOWN } });
  const connection = keys.data?.apiKeys;
  return (
    <section className="ks-card" aria-labelledby="identity-keys-title">
      <div className="ks-section-title">
        <Title order={2} size="h4" id="identity-keys-title">
          Keys
        </Title>
        <Button variant="default" size="xs" leftSection={<PlusIcon size={14} />} onClick={onCreate}>
          Create key for this identity
        </Button>
      </div>
      {keys.error ? (
        <div style={{ padding: 16 }}>
          <ErrorAlert error={keys.error} title="Could not load the identity's keys" />
        </div>
      ) : !connection ? (
        <Loading label="Loading the identity's keys" />
      ) : connection.nodes.length === 0 ? (
        <EmptyState title="No keys yet">Attach keys to this identity in their create or edit dialog.</EmptyState>
      ) : (
        <>
          <Table.ScrollContainer minWidth={560}>
            <Table className="ks-table" highlightOnHover verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Last used</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {connection.nodes.map((key) => (
                  <Table.Tr key={key.id}>
                    <Table.Td>
                      <Link to={`/keys/${key.id}`} className="ks-row-link">
                        {key.name}
                      </Link>
                    </Table.Td>
                    <Table.Td>
                      <span className="ks-mono">{key.maskedKey}</span>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={key.status} />
                    </Table.Td>
                    <Table.Td title={key.lastUsedAt ?? undefined}>{key.lastUsedAt ? formatRelative(key.lastUsedAt) : "Never"}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <div className="ks-footer">
            <Text size="sm" c="dimmed">
              {formatCount(connection.totalCount)} {connection.totalCount === 1 ? "key" : "keys"}
              {connection.pageInfo.hasNextPage ? ` (the newest ${KEYS_SHOWN} are listed)` : ""}
            </Text>
          </div>
        </>
      )}
    </section>
  );
}

export function IdentityPage({ id }: { id: string }) {
  const { tenantId } = useScope();
  const client = useApolloClient();
  const detail = useQuery(IdentityDetailDocument, { variables: { id, tenantId } });
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [creatingKey, setCreatingKey] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<{ value: NewSecret; id: string } | null>(null);

  async function remove() {
    setBusy(true);
    setDeleteError(null);
    try {
      await client.mutate({ mutation: DeleteIdentityDocument, variables: { input: { id, tenantId } } });
      setDeleting(false);
      await client.refetchQueries({ include: [IdentityListDocument] });
      navigate("/identities", { replace: true });
    } catch (error) {
      setDeleteError(error);
    } finally {
      setBusy(false);
    }
  }

  if (detail.error && !detail.data) {
    const notFound = describeError(detail.error).code === "NOT_FOUND";
    return (
      <div className="ks-page">
        <BackLink />
        {notFound ? <EmptyState title="No such identity">It does not exist in this tenant, or you cannot see it.</EmptyState> : <ErrorAlert error={detail.error} title="Could not load the identity" />}
      </div>
    );
  }
  if (!detail.data) return <Loading label="Loading the identity" />;
  const identity = detail.data.identity;

  return (
    <div className="ks-page">
      <BackLink />
      <div className="ks-page-header">
        <div>
          <Title order={1} size="h2">
            {identity.name ?? identity.externalId}
          </Title>
          <Text c="dimmed" size="sm" mt={4} className="ks-mono">
            {identity.externalId}
          </Text>
        </div>
        <Group gap="xs">
          <Button variant="default" onClick={() => setEditing(true)}>
            Edit
          </Button>
          <Button color="red" variant="light" onClick={() => { setDeleteError(null); setDeleting(true); }}>
            Delete
          </Button>
        </Group>
      </div>

      <Stack gap="lg">
        <Card id="identity-details-title" title="Details" padded>
          <Details identity={identity} />
        </Card>

        <Card id="identity-limits-title" title="Shared rate limits" padded>
          <LimitsTable limits={identity.rateLimits} caption={`Rate limits shared by the keys of ${identity.externalId}`} empty="No shared limits: only each key's own limits apply." />
        </Card>

        <IdentityKeys identityId={id} onCreate={() => setCreatingKey(true)} />

        <AuditTrail id="identity-trail-title" tenantId={tenantId} targetId={id} />
      </Stack>

      <IdentityFormDialog
        opened={editing}
        editing={identity}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          void client.refetchQueries({ include: [KeyAuditTrailDocument] });
        }}
      />

      <Modal opened={deleting} onClose={() => setDeleting(false)} title={`Delete ${identity.externalId}?`}>
        <Stack gap="md">
          <Text size="sm">The identity and its shared limits go. Keysmith refuses while keys still refer to it: detach or move them first.</Text>
          {deleteError ? <ErrorAlert error={deleteError} title="The identity was not deleted" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(false)}>
              Cancel
            </Button>
            <Button color="red" loading={busy} onClick={() => void remove()}>
              Delete identity
            </Button>
          </Group>
        </Stack>
      </Modal>

      <KeyFormDialog
        opened={creatingKey}
        identityId={id}
        onClose={() => setCreatingKey(false)}
        onCreated={(created) => {
          setCreatingKey(false);
          setSecret({ value: { secret: created.secret, name: created.name }, id: created.id });
          void client.refetchQueries({ include: [IdentityKeysDocument, KeyListDocument, KeyStatsDocument] });
        }}
      />
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
    <Anchor component={Link} to="/identities" size="sm" mb="sm" style={{ display: "inline-flex", alignItems: "center", gap: 6 }}>
      <ArrowLeftIcon size={14} /> All identities
    </Anchor>
  );
}
