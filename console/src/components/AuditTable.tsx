import { Badge, Table, Text } from "@mantine/core";
import { Link } from "../app/router";
import type { AuditRowFragment } from "../graphql/generated";
import { formatDateTime } from "../lib/format";

const ACTOR_KINDS: Record<string, string> = { ROOT: "root", SYSTEM: "system", TENANT_JWT: "JWT", TENANT_KEY: "key" };

function humanAction(action: string): string {
  return action.charAt(0) + action.slice(1).toLowerCase().replace(/_/g, " ");
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** `{ name: { before, after } }` as "name: old → new". */
function Changes({ changes }: { changes: Record<string, unknown> | null }) {
  if (!changes) return <Text size="sm" c="dimmed">—</Text>;
  const entries = Object.entries(changes);
  if (entries.length === 0) return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Text size="xs" className="ks-mono" style={{ whiteSpace: "normal", overflowWrap: "anywhere", maxWidth: 360 }}>
      {entries.map(([field, change]) => {
        const pair = change as { before?: unknown; after?: unknown } | null;
        const text = pair && typeof pair === "object" && ("before" in pair || "after" in pair) ? `${describeValue(pair.before)} → ${describeValue(pair.after)}` : describeValue(change);
        return (
          <span key={field} style={{ display: "block" }}>
            <strong>{field}</strong>: {text}
          </span>
        );
      })}
    </Text>
  );
}

export function AuditTable({ events, showTarget = true }: { events: readonly AuditRowFragment[]; showTarget?: boolean }) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table className="ks-table" verticalSpacing="sm" horizontalSpacing="md">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>Actor</Table.Th>
            {showTarget && <Table.Th>Target</Table.Th>}
            <Table.Th>Changes</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <Table.Tr key={event.id}>
              <Table.Td title={event.at}>{formatDateTime(event.at)}</Table.Td>
              <Table.Td>
                <Badge color="indigo" variant="light" tt="none">
                  {humanAction(event.action)}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Badge color={event.outcome === "SUCCESS" ? "teal" : "red"} variant="dot" tt="none">
                  {event.outcome === "SUCCESS" ? "Success" : "Denied"}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{event.actor.label}</Text>
                <Text size="xs" c="dimmed">
                  {ACTOR_KINDS[event.actor.kind] ?? event.actor.kind}
                </Text>
              </Table.Td>
              {showTarget && (
                <Table.Td>
                  {event.targetType === "ApiKey" && event.targetId ? (
                    <Link to={`/keys/${event.targetId}`} className="ks-row-link">
                      Key …{event.targetId.slice(-8)}
                    </Link>
                  ) : event.targetType === "Identity" && event.targetId && event.action !== "IDENTITY_DELETED" ? (
                    <Link to={`/identities/${event.targetId}`} className="ks-row-link">
                      Identity …{event.targetId.slice(-8)}
                    </Link>
                  ) : (
                    <Text size="sm">
                      {event.targetType}
                      {event.targetId ? ` …${event.targetId.slice(-8)}` : ""}
                    </Text>
                  )}
                </Table.Td>
              )}
              <Table.Td>
                <Changes changes={event.changes ?? null} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
