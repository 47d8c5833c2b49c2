import { Alert, Badge, Center, Loader, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import type { ApiKeyStatus } from "../graphql/generated";
import { describeError } from "../lib/errors";
import { AlertIcon } from "./icons";

export const STATUS_COLORS: Record<ApiKeyStatus, string> = {
  ACTIVE: "teal",
  DISABLED: "gray",
  EXPIRED: "orange",
  REVOKED: "red",
};

export function StatusBadge({ status }: { status: ApiKeyStatus }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant="light">
      {status}
    </Badge>
  );
}

export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="ks-page-header">
      <div>
        <Title order={1} size="h2">
          {title}
        </Title>
        {description && (
          <Text c="dimmed" size="sm" mt={4}>
            {description}
          </Text>
        )}
      </div>
      {actions}
    </div>
  );
}

/** An API error in words, where it happened. */
export function ErrorAlert({ error, title = "Something went wrong" }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = typeof error === "string" ? error : describeError(error).message;
  return (
    <Alert color="red" variant="light" title={title} icon={<AlertIcon />} role="alert">
      {message}
    </Alert>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <Center py="xl">
      <Loader size="sm" aria-label={label} />
    </Center>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="ks-empty">
      <Stack gap={6} align="center">
        <Text fw={600}>{title}</Text>
        {children && (
          <Text size="sm" c="dimmed" maw={420}>
            {children}
          </Text>
        )}
      </Stack>
    </div>
  );
}

/** A titled card of a page: its heading labels the region; `padded` insets plain content (tables go edge to edge). */
export function Card({ id, title, actions, padded = false, children }: { id: string; title: ReactNode; actions?: ReactNode; padded?: boolean; children: ReactNode }) {
  return (
    <section className="ks-card" aria-labelledby={id}>
      <div className="ks-section-title">
        <Title order={2} size="h4" id={id}>
          {title}
        </Title>
        {actions}
      </div>
      {padded ? <div style={{ padding: 16 }}>{children}</div> : children}
    </section>
  );
}
