import { Badge, Button, Group, Table, Text } from "@mantine/core";
import { Fragment, useState } from "react";
import type { WebhookDeliveryRowFragment } from "../graphql/generated";
import { DELIVERY_COLORS } from "../lib/events";
import { formatDateTime, formatRelative } from "../lib/format";

function lastAnswer(delivery: WebhookDeliveryRowFragment): string {
  if (delivery.lastStatusCode !== null && delivery.lastStatusCode !== undefined) {
    return delivery.lastError ? `HTTP ${delivery.lastStatusCode}: ${delivery.lastError}` : `HTTP ${delivery.lastStatusCode}`;
  }
  return delivery.lastError ?? (delivery.attempts === 0 ? "Not attempted yet" : "—");
}

function nextAttempt(delivery: WebhookDeliveryRowFragment): string {
  if (delivery.status !== "PENDING" || !delivery.nextAttemptAt) return "—";
  return `${formatDateTime(delivery.nextAttemptAt)} (${formatRelative(delivery.nextAttemptAt)})`;
}

/** A delivery's attempts, one row each, and the body it sends. */
function DeliveryDetails({ delivery }: { delivery: WebhookDeliveryRowFragment }) {
  return (
    <div className="ks-delivery-details">
      <Text size="sm" fw={600} mb={6}>
        Attempts
      </Text>
      {delivery.attemptLog.length === 0 ? (
        <Text size="sm" c="dimmed">
          No attempt yet.
        </Text>
      ) : (
        <Table className="ks-table" verticalSpacing={4} horizontalSpacing="sm" withTableBorder>
          <caption className="ks-visually-hidden">Attempts of the {delivery.eventType} delivery</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Attempt</Table.Th>
              <Table.Th>At</Table.Th>
              <Table.Th>Answer</Table.Th>
              <Table.Th>Error</Table.Th>
              <Table.Th>Took</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {delivery.attemptLog.map((attempt) => (
              <Table.Tr key={attempt.attempt}>
                <Table.Td>{attempt.attempt}</Table.Td>
                <Table.Td>{formatDateTime(attempt.at)}</Table.Td>
                <Table.Td>{attempt.statusCode !== null && attempt.statusCode !== undefined ? `HTTP ${attempt.statusCode}` : "No answer"}</Table.Td>
                <Table.Td style={{ whiteSpace: "normal" }}>{attempt.error ?? "—"}</Table.Td>
                <Table.Td>{attempt.durationMs} ms</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Text size="sm" fw={600} mt="md" mb={6}>
        Payload
      </Text>
      <Text size="xs" c="dimmed" mb={6}>
        Sent with webhook-id <span className="ks-mono">{delivery.eventId}</span>, the same on every attempt and redelivery.
      </Text>
      <pre className="ks-sample" style={{ margin: 0 }} tabIndex={0} aria-label={`Payload of the ${delivery.eventType} delivery`}>
        {JSON.stringify(delivery.payload, null, 2)}
      </pre>
    </div>
  );
}

export interface DeliveriesTableProps {
  deliveries: readonly WebhookDeliveryRowFragment[];
  /** The delivery being redelivered, if any. */
  redelivering: string | null;
  onRedeliver: (delivery: WebhookDeliveryRowFragment) => void;
}

/** An endpoint's deliveries, newest first; each opens onto its attempt log and payload. */
export function DeliveriesTable({ deliveries, redelivering, onRedeliver }: DeliveriesTableProps) {
  const [open, setOpen] = useState<Set<string>>(() => new Set());
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table className="ks-table" verticalSpacing="sm" horizontalSpacing="md">
        <caption className="ks-visually-hidden">Deliveries</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Event</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Attempts</Table.Th>
            <Table.Th>Last answer</Table.Th>
            <Table.Th>Next attempt</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>
              <span className="ks-visually-hidden">Actions</span>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {deliveries.map((delivery) => {
            const expanded = open.has(delivery.id);
            const detailsId = `delivery-${delivery.id}`;
            return (
              <Fragment key={delivery.id}>
                <Table.Tr data-delivery={delivery.id}>
                  <Table.Td className="ks-mono">{delivery.eventType}</Table.Td>
                  <Table.Td>
                    <Badge color={DELIVERY_COLORS[delivery.status]} variant="light">
                      {delivery.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{delivery.attempts}</Table.Td>
                  <Table.Td>
                    <Text size="sm" truncate="end" maw={260} title={lastAnswer(delivery)}>
                      {lastAnswer(delivery)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{nextAttempt(delivery)}</Table.Td>
                  <Table.Td title={delivery.createdAt}>{formatDateTime(delivery.createdAt)}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap" justify="flex-end">
                      <Button variant="subtle" size="xs" aria-expanded={expanded} aria-controls={expanded ? detailsId : undefined} onClick={() => toggle(delivery.id)}>
                        {expanded ? "Hide details" : "Details"}
                      </Button>
                      <Button variant="default" size="xs" loading={redelivering === delivery.id} disabled={redelivering !== null} onClick={() => onRedeliver(delivery)}>
                        Redeliver
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
                {expanded && (
                  <Table.Tr id={detailsId}>
                    <Table.Td colSpan={7} style={{ whiteSpace: "normal" }}>
                      <DeliveryDetails delivery={delivery} />
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
