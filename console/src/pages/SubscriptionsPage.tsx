import { useApolloClient, useQuery } from "@apollo/client/react";
import { Badge, Button, Group, Modal, NativeSelect, Stack, Table, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useScope } from "../app/session";
import { EmptyState, ErrorAlert, Loading, PageHeader } from "../components/common";
import { PlusIcon } from "../components/icons";
import { CreateSubscriptionDocument, SetSubscriptionStatusDocument, type SubscriptionStatus, SubscriptionsDocument } from "../graphql/generated";
import { type ApiProblem, describeError, fieldError, formError } from "../lib/errors";
import { formatDate } from "../lib/format";
import { parseScopeList } from "../lib/scopes";

const STATUS_COLORS: Record<SubscriptionStatus, string> = { ACTIVE: "teal", SUSPENDED: "orange", CANCELLED: "gray" };

function CreateSubscriptionDialog({ opened, onClose, tenantId }: { opened: boolean; onClose: () => void; tenantId: string | undefined }) {
  const client = useApolloClient();
  const [name, setName] = useState("");
  const [plan, setPlan] = useState("");
  const [ceiling, setCeiling] = useState("");
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await client.mutate({
        mutation: CreateSubscriptionDocument,
        variables: { input: { tenantId, name: name.trim(), plan: plan.trim(), scopeCeiling: parseScopeList(ceiling) } },
      });
      await client.refetchQueries({ include: [SubscriptionsDocument] });
      setName("");
      setPlan("");
      setCeiling("");
      onClose();
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  const general = formError(problem, ["name", "plan", "scopeCeiling"]);
  return (
    <Modal opened={opened} onClose={onClose} title="Create subscription">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {general && <ErrorAlert error={general} title="The subscription was not created" />}
          <TextInput label="Subscription name" required value={name} onChange={(event) => setName(event.currentTarget.value)} error={fieldError(problem, "name")} data-autofocus />
          <TextInput label="Plan" required value={plan} onChange={(event) => setPlan(event.currentTarget.value)} error={fieldError(problem, "plan")} />
          <TextInput
            label="Scope ceiling"
            description="Grants bound keys may hold, separated by spaces; empty means no limit."
            value={ceiling}
            onChange={(event) => setCeiling(event.currentTarget.value)}
            error={fieldError(problem, "scopeCeiling")}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create subscription
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function SubscriptionsPage() {
  const { tenantId, isRoot } = useScope();
  const client = useApolloClient();
  const list = useQuery(SubscriptionsDocument, { variables: { tenantId, first: 100 } });
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function setStatus(id: string, status: SubscriptionStatus) {
    setError(null);
    try {
      await client.mutate({ mutation: SetSubscriptionStatusDocument, variables: { input: { id, status } } });
    } catch (failure) {
      setError(describeError(failure).message);
    }
  }

  return (
    <div className="ks-page">
      <PageHeader
        title="Subscriptions"
        description="The plans this tenant subscribed to. Keys bound to one need it active, and hold only grants within its ceiling."
        actions={
          isRoot && tenantId ? (
            <Button leftSection={<PlusIcon size={16} />} onClick={() => setCreating(true)}>
              Create subscription
            </Button>
          ) : undefined
        }
      />
      {isRoot && !tenantId && (
        <Text size="sm" c="dimmed" mb="md">
          Pick a tenant under “Acting in tenant” to manage its subscriptions.
        </Text>
      )}
      {error && <ErrorAlert error={error} />}
      <div className="ks-card">
        {list.error ? (
          <div style={{ padding: 16 }}>
            <ErrorAlert error={list.error} title="Could not load the subscriptions" />
          </div>
        ) : !list.data ? (
          <Loading label="Loading subscriptions" />
        ) : list.data.subscriptions.nodes.length === 0 ? (
          <EmptyState title="No subscriptions">Keys of a tenant without subscriptions are bound to none and pass that part of a check.</EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={680}>
            <Table className="ks-table" verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Plan</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Scope ceiling</Table.Th>
                  <Table.Th>Created</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.subscriptions.nodes.map((subscription) => (
                  <Table.Tr key={subscription.id}>
                    <Table.Td fw={600}>{subscription.name}</Table.Td>
                    <Table.Td>{subscription.plan}</Table.Td>
                    <Table.Td>
                      {isRoot && subscription.status !== "CANCELLED" ? (
                        <NativeSelect
                          size="xs"
                          aria-label={`Status of ${subscription.name}`}
                          value={subscription.status}
                          data={[
                            { value: "ACTIVE", label: "Active" },
                            { value: "SUSPENDED", label: "Suspended" },
                            { value: "CANCELLED", label: "Cancelled (final)" },
                          ]}
                          onChange={(event) => void setStatus(subscription.id, event.currentTarget.value as SubscriptionStatus)}
                        />
                      ) : (
                        <Badge color={STATUS_COLORS[subscription.status]}>{subscription.status}</Badge>
                      )}
                    </Table.Td>
                    <Table.Td className="ks-mono">{subscription.scopeCeiling.length ? subscription.scopeCeiling.join(" ") : "No limit"}</Table.Td>
                    <Table.Td>{formatDate(subscription.createdAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </div>
      <CreateSubscriptionDialog opened={creating} onClose={() => setCreating(false)} tenantId={tenantId} />
    </div>
  );
}
