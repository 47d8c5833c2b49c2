import { useQuery } from "@apollo/client/react";
import { Badge, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useScope } from "../app/session";
import { EmptyState, ErrorAlert, Loading, PageHeader } from "../components/common";
import { ScopeCatalogDocument } from "../graphql/generated";
import { RESERVED_NAMESPACES } from "../lib/scopes";

export function ScopesPage() {
  const { tenantId, principal } = useScope();
  const catalog = useQuery(ScopeCatalogDocument, { variables: { tenantId } });
  const ownTenant = tenantId ?? principal.tenantId;

  return (
    <div className="ks-page">
      <PageHeader
        title="Scope catalog"
        description={
          <>
            The namespaces keys can be granted. Grant <code>ns:read</code> (every READ operation), <code>ns:*</code> (all of them) or <code>ns:Operation</code>;{" "}
            <code>*:*</code> and <code>*:read</code> never cover <code>keys</code> and <code>platform</code>.
          </>
        }
      />
      {catalog.error ? (
        <ErrorAlert error={catalog.error} title="Could not load the catalog" />
      ) : !catalog.data ? (
        <Loading label="Loading the catalog" />
      ) : catalog.data.scopeCatalog.length === 0 ? (
        <EmptyState title="No namespaces">Define one with the defineNamespace mutation in the API explorer.</EmptyState>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          {catalog.data.scopeCatalog.map((namespace) => (
            <section key={namespace.id} className="ks-card" aria-labelledby={`catalog-${namespace.name}`}>
              <div className="ks-section-title">
                <Stack gap={2}>
                  <Title order={2} size="h5" className="ks-mono" id={`catalog-${namespace.name}`}>
                    {namespace.name}
                  </Title>
                  {namespace.description && (
                    <Text size="xs" c="dimmed">
                      {namespace.description}
                    </Text>
                  )}
                </Stack>
                <Group gap={4}>
                  {RESERVED_NAMESPACES.includes(namespace.name) && <Badge color="grape">Keysmith admin</Badge>}
                  <Badge color={namespace.tenantId === ownTenant ? "indigo" : "gray"}>{namespace.tenantId === ownTenant ? "This tenant" : "Platform"}</Badge>
                </Group>
              </div>
              {namespace.operations.length === 0 ? (
                <Text size="sm" c="dimmed" p="md">
                  No operations yet: <code>{namespace.name}:read</code> and <code>{namespace.name}:*</code> are still valid grants.
                </Text>
              ) : (
                <Table className="ks-table" verticalSpacing={6} horizontalSpacing="md">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Operation</Table.Th>
                      <Table.Th>Access</Table.Th>
                      <Table.Th>Grant</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {namespace.operations.map((operation) => (
                      <Table.Tr key={operation.name}>
                        <Table.Td className="ks-mono">{operation.name}</Table.Td>
                        <Table.Td>
                          <Badge size="sm" color={operation.access === "READ" ? "blue" : "orange"}>
                            {operation.access}
                          </Badge>
                        </Table.Td>
                        <Table.Td className="ks-mono">
                          {namespace.name}:{operation.name}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </section>
          ))}
        </SimpleGrid>
      )}
    </div>
  );
}
