import { Badge, Group, Text } from "@mantine/core";
import { type LiveState, useLiveState } from "../app/live";

const SHOWN: Record<LiveState, { label: string; color: string }> = {
  idle: { label: "Not live", color: "gray" },
  connecting: { label: "Connecting", color: "gray" },
  connected: { label: "Live", color: "teal" },
  reconnecting: { label: "Reconnecting", color: "yellow" },
  stopped: { label: "Live updates stopped", color: "red" },
};

/** Whether the page follows the tenant's key events as they happen. */
export function LiveIndicator() {
  const { state, stoppedBy } = useLiveState();
  const shown = SHOWN[state];
  return (
    <Group gap={6} role="status" aria-label="Live updates" wrap="nowrap">
      <Badge color={shown.color} variant="light" leftSection={<span className="ks-live-dot" data-state={state} aria-hidden="true" />}>
        {shown.label}
      </Badge>
      {state === "stopped" && (
        <Text size="xs" c="dimmed" maw={260}>
          {stoppedBy === 4401 ? "The server no longer accepts your credential." : "Your credential was revoked or disabled."} Sign in again to follow changes as they happen.
        </Text>
      )}
    </Group>
  );
}
