import { Badge, Group, Text } from "@mantine/core";
import { type LiveState, useLiveState } from "../app/live";
import { describeError } from "../lib/errors";

const SHOWN: Record<LiveState, { label: string; color: string }> = {
  idle: { label: "Not live", color: "gray" },
  connecting: { label: "Connecting", color: "gray" },
  connected: { label: "Live", color: "teal" },
  reconnecting: { label: "Reconnecting", color: "yellow" },
  stopped: { label: "Live updates stopped", color: "red" },
};

/** Whether the page follows the tenant's key events as they happen; `error` is the page's subscription refused. */
export function LiveIndicator({ error }: { error?: unknown }) {
  const { state, stoppedBy } = useLiveState();
  const refused = state !== "stopped" && error !== undefined && error !== null;
  const shown = refused ? { label: "Live updates unavailable", color: "red" } : SHOWN[state];
  return (
    <Group gap={6} role="status" aria-label="Live updates" wrap="nowrap">
      <Badge color={shown.color} variant="light" leftSection={<span className="ks-live-dot" aria-hidden="true" />}>
        {shown.label}
      </Badge>
      {state === "stopped" && (
        <Text size="xs" c="dimmed" maw={260}>
          {stoppedBy === 4401 ? "The server no longer accepts your credential." : "Your credential was revoked or disabled."} Sign in again to follow changes as they happen.
        </Text>
      )}
      {refused && (
        <Text size="xs" c="dimmed" maw={260}>
          {describeError(error).message}
        </Text>
      )}
    </Group>
  );
}
