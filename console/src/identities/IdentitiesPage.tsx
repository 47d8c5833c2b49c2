import { useQuery } from "@apollo/client/react";
import { Button, Group, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { Link, navigate } from "../app/router";
import { useScope } from "../app/session";
import { EmptyState, ErrorAlert, Loading, PageHeader } from "../components/common";
import { PlusIcon, SearchIcon } from "../components/icons";
import { IdentityListDocument } from "../graphql/generated";
import { formatDate } from "../lib/format";
import { describeLimit } from "../lib/limits";
import { IdentityFormDialog } from "./IdentityFormDialog";

const PAGE_SIZE = 20;

export function IdentitiesPage() {
  const { tenantId } = useScope();
  const [search, setSearch] = useState("");
  const [debouncedSearch] = useDebouncedValue(search.trim(), 250);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [creating, setCreating] = useState(false);

  const list = useQuery(IdentityListDocument, {
    variables: { tenantId, filter: { search: debouncedSearch || undefined }, first: PAGE_SIZE, after: cursors[cursors.length - 1] },
  });
  const connection = list.data?.identities;
  const page = cursors.length;

  return (
    <div className="ks-page">
      <PageHeader
        title="Identities"
        description="Your customers or users. An identity owns keys, and its rate limits are shared by all of them."
        actions={
          <Button leftSection={<PlusIcon size={16} />} onClick={() => setCreating(true)}>
            Create identity
          </Button>
        }
      />

      <div className="ks-card">
        <div className="ks-toolbar">
          <TextInput
            className="ks-grow"
            label="Search identities"
            placeholder="Part of the external id or name"
            leftSection={<SearchIcon size={16} />}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              setCursors([null]);
            }}
          />
        </div>

        {list.error ? (
          <div style={{ padding: 16 }}>
            <ErrorAlert error={list.error} title="Could not load the identities" />
          </div>
        ) : !connection ? (
          <Loading label="Loading identities" />
        ) : connection.nodes.length === 0 ? (
          <EmptyState title={debouncedSearch ? "No identity matches" : "No identities yet"}>
            {debouncedSearch ? "Try another search." : "Create one for each customer or user whose keys share limits, with “Create identity”."}
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={680} aria-busy={list.loading} className={list.loading ? "ks-refreshing" : undefined}>
            <Table className="ks-table" highlightOnHover verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>External id</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Rate limits</Table.Th>
                  <Table.Th>Created</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {connection.nodes.map((identity) => (
                  <Table.Tr key={identity.id}>
                    <Table.Td>
                      <Link to={`/identities/${identity.id}`} className="ks-row-link ks-mono">
                        {identity.externalId}
                      </Link>
                    </Table.Td>
                    <Table.Td>{identity.name ?? "—"}</Table.Td>
                    <Table.Td>
                      {identity.rateLimits.length === 0 ? (
                        <Text size="sm" c="dimmed">
                          None
                        </Text>
                      ) : (
                        <Text size="sm" truncate="end" maw={320} title={identity.rateLimits.map((limit) => `${limit.name}: ${describeLimit(limit)}`).join(", ")}>
                          {identity.rateLimits.map((limit) => `${limit.name}: ${describeLimit(limit)}`).join(", ")}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td title={identity.createdAt}>{formatDate(identity.createdAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}

        {connection && connection.nodes.length > 0 && (
          <nav className="ks-footer" aria-label="Pages of identities">
            <Text size="sm" c="dimmed" aria-live="polite">
              Page {page}
            </Text>
            <Group gap="xs">
              <Button variant="default" size="xs" disabled={page === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous page
              </Button>
              <Button variant="default" size="xs" disabled={!connection.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, connection.pageInfo.endCursor])}>
                Next page
              </Button>
            </Group>
          </nav>
        )}
      </div>

      <IdentityFormDialog
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(identity) => {
          setCreating(false);
          navigate(`/identities/${identity.id}`);
        }}
      />
    </div>
  );
}
