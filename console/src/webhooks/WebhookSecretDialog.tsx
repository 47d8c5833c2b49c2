import { Text } from "@mantine/core";
import { SecretDialog } from "../components/SecretDialog";
import { formatDateTime } from "../lib/format";

export interface NewSigningSecret {
  secret: string;
  url: string;
  /** Rotation: until then the previous secret signs beside this one. */
  previousSecretExpiresAt?: string | null;
}

const VERIFY_SAMPLE = [
  'import { Webhook } from "standardwebhooks";',
  "",
  "const webhook = new Webhook(process.env.KEYSMITH_WEBHOOK_SECRET); // the whsec_… secret",
  "// body: the raw request body; throws when forged or older than 5 minutes",
  "const event = webhook.verify(body, request.headers);",
].join("\n");

/** The only place an endpoint's signing secret is ever shown (at creation and at each rotation). */
export function WebhookSecretDialog({ value, onClose }: { value: NewSigningSecret | null; onClose: () => void }) {
  const rotated = value?.previousSecretExpiresAt !== undefined;
  return (
    <SecretDialog
      secret={value?.secret ?? null}
      title={rotated ? "The new signing secret" : "Your endpoint's signing secret"}
      label="Signing secret"
      warning={
        rotated
          ? `The console never shows it again; rotate once more if you lose it. Deliveries to ${value?.url ?? ""} are signed with both secrets until ${formatDateTime(value?.previousSecretExpiresAt)}: the old one keeps working until then, so switch your receiver before.`
          : `Deliveries to ${value?.url ?? ""} are signed with it (Standard Webhooks). The console never shows it again: if you lose it, rotate the secret.`
      }
      onClose={onClose}
    >
      <div>
        <Text size="sm" fw={500} mb={6}>
          Verify deliveries
        </Text>
        <pre className="ks-sample" tabIndex={0} aria-label="Example verification of a delivery">
          {VERIFY_SAMPLE}
        </pre>
      </div>
    </SecretDialog>
  );
}
