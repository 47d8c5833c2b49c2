import { useApolloClient, useQuery } from "@apollo/client/react";
import { Badge, Button, Group, Modal, Stack, Table, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { navigate } from "../app/router";
import { useSession } from "../app/session";
import { EmptyState, ErrorAlert, Loading, PageHeader } from "../components/common";
import { PlusIcon } from "../components/icons";
import { CreateTenantDocument, ResumeTenantDocument, SuspendTenantDocument, TenantsDocument } from "../graphql/generated";
import { type ApiProblem, describeError, fieldError, formError } from "../lib/errors";
import { formatDate } from "../lib/format";
import { type NewSecret, ShowSecretDialog } from "../keys/ShowSecretDialog";

function CreateTenantDialog({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (secret: NewSecret) => void }) {
  const client = useApolloClient();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [keyPrefix, setKeyPrefix] = useState("");
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const result = await client.mutate({
        mutation: CreateTenantDocument,
        variables: { input: { name: name.trim(), slug: slug.trim(), keyPrefix: keyPrefix.trim() || undefined } },
        // no-cache: the payload holds the admin key's secret.
        fetchPolicy: "no-cache",
      });
      const payload = result.data!.createTenant;
      setName("");
      setSlug("");
      setKeyPrefix("");
      await client.refetchQueries({ include: [TenantsDocument] });
      onCreated({ secret: payload.adminKey.secret, name: payload.adminKey.apiKey.name });
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  const general = formError(problem, ["name", "slug", "keyPrefix"]);
  return (
    <Modal opened={opened} onClose={onClose} title="Create tenant">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {general && <ErrorAlert error={general} title="The tenant was not created" />}
          <TextInput label="Tenant name" required value={name} onChange={(event) => setName(event.currentTarget.value)} error={fieldError(problem, "name")} data-autofocus />
          <TextInput label="Slug" description="Unique, lowercase: a-z, 0-9 and -." required value={slug} onChange={(event) => setSlug(event.currentTarget.value)} error={fieldError(problem, "slug")} />
          <TextInput label="Key prefix" description="Prefix of the tenant's keys, e.g. acme (default ks)." value={keyPrefix} onChange={(event) => setKeyPrefix(event.currentTarget.value)} error={fieldError(problem, "keyPrefix")} />
          <Text size="xs" c="dimmed">
            The tenant gets a first admin key (keys:*), shown once.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create tenant
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function TenantsPage() {
  const client = useApolloClient();
  const { setActingTenantId, actingTenantId } = useSession();
  const tenants = useQuery(TenantsDocument, { variables: { first: 100 } });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<NewSecret | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function setStatus(id: string, suspend: boolean) {
    setError(null);
    try {
      await client.mutate({ mutation: suspend ? SuspendTenantDocument : ResumeTenantDocument, variables: { input: { id } } });
    } catch (failure) {
      setError(describeError(failure).message);
    }
  }

  return (
    <div className="ks-page">
      <PageHeader
        title="Tenants"
        description="The organisations on this platform. Open one to manage its keys as root."
        actions={
          <Button leftSection={<PlusIcon size={16} />} onClick={() => setCreating(true)}>
            Create tenant
          </Button>
        }
      />
      {error && <ErrorAlert error={error} />}
      <div className="ks-card">
        {tenants.error ? (
          <div style={{ padding: 16 }}>
            <ErrorAlert error={tenants.error} title="Could not load the tenants" />
          </div>
        ) : !tenants.data ? (
          <Loading label="Loading tenants" />
        ) : tenants.data.tenants.nodes.length === 0 ? (
          <EmptyState title="No tenants" />
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table className="ks-table" verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Slug</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Key prefix</Table.Th>
                  <Table.Th>Policy</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>
                    <span className="ks-visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tenants.data.tenants.nodes.map((tenant) => {
                  const platform = tenant.slug === "platform";
                  return (
                    <Table.Tr key={tenant.id}>
                      <Table.Td fw={600}>
                        {tenant.name}
                        {actingTenantId === tenant.id && (
                          <Badge ml={6} size="xs" color="indigo">
                            acting
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td className="ks-mono">{tenant.slug}</Table.Td>
                      <Table.Td>
                        <Badge color={tenant.status === "ACTIVE" ? "teal" : "red"}>{tenant.status}</Badge>
                      </Table.Td>
                      <Table.Td className="ks-mono">{tenant.keyPrefix}</Table.Td>
                      <Table.Td>
                        <Text size="xs">
                          max {tenant.policy.maxTtlDays} d{tenant.policy.requireExpiry ? ", expiry required" : ""}, *:* ≤ {tenant.policy.wildcardMaxTtlDays} d
                        </Text>
                      </Table.Td>
                      <Table.Td>{formatDate(tenant.createdAt)}</Table.Td>
                      <Table.Td>
                        <Group gap={6} justify="flex-end" wrap="nowrap">
                          <Button
                            size="xs"
                            variant="light"
                            aria-label={`Open ${tenant.name}`}
                            onClick={() => {
                              setActingTenantId(platform ? undefined : tenant.id);
                              navigate("/");
                            }}
                          >
                            Open
                          </Button>
                          {!platform && (
                            <Button size="xs" variant="default" aria-label={`${tenant.status === "ACTIVE" ? "Suspend" : "Resume"} ${tenant.name}`} onClick={() => void setStatus(tenant.id, tenant.status === "ACTIVE")}>
                              {tenant.status === "ACTIVE" ? "Suspend" : "Resume"}
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </div>
      <CreateTenantDialog
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(value) => {
          setCreating(false);
          setSecret(value);
        }}
      />
      <ShowSecretDialog value={secret} onClose={() => setSecret(null)} />
    </div>
  );
}
