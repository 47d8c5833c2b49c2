import { Badge, Table, Text } from "@mantine/core";
import { type NamedLimitLike, formatWindow } from "../lib/limits";

/** A key's or an identity's named limits, read-only. */
export function LimitsTable({ limits, caption, empty }: { limits: readonly NamedLimitLike[]; caption: string; empty: string }) {
  if (limits.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table className="ks-table" verticalSpacing={6} horizontalSpacing="sm">
        <caption className="ks-visually-hidden">{caption}</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Allowed</Table.Th>
            <Table.Th>Window</Table.Th>
            <Table.Th>Applies to</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {limits.map((limit) => (
            <Table.Tr key={limit.name}>
              <Table.Td className="ks-mono">{limit.name}</Table.Td>
              <Table.Td>{limit.limit.toLocaleString("en-GB")}</Table.Td>
              <Table.Td>{formatWindow(limit.windowSeconds)}</Table.Td>
              <Table.Td>
                {limit.autoApply ? (
                  <Badge color="indigo" variant="light">
                    Every check
                  </Badge>
                ) : (
                  <Badge color="gray" variant="light">
                    Checks naming it
                  </Badge>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
