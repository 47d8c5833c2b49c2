import { Alert, Button, CopyButton, Group, Modal, Stack, Text } from "@mantine/core";
import { type ReactNode, useId } from "react";
import { AlertIcon, CheckIcon, CopyIcon } from "./icons";

export interface SecretDialogProps {
  /** The secret; null closes the dialog. */
  secret: string | null;
  title: string;
  /** What the secret is, above it: "Key", "Signing secret". */
  label: string;
  /** Why it is shown only now, and what to do if it is lost. */
  warning: ReactNode;
  /** Under the secret: how to use it. */
  children?: ReactNode;
  onClose: () => void;
}

/** A secret shown once: copy it now, it is not kept anywhere in the console once this closes. */
export function SecretDialog({ secret, title, label, warning, children, onClose }: SecretDialogProps) {
  const labelId = useId();
  return (
    <Modal opened={secret !== null} onClose={onClose} title={title} size="lg" closeOnClickOutside={false}>
      {secret !== null && (
        <Stack gap="md">
          <Alert color="yellow" variant="light" icon={<AlertIcon />} title="Copy it now: you will not see it again">
            {warning}
          </Alert>
          <div>
            <Text size="sm" fw={500} mb={6} id={labelId}>
              {label}
            </Text>
            <div className="ks-secret" aria-labelledby={labelId} role="group">
              <span>{secret}</span>
            </div>
          </div>
          <Group justify="flex-start">
            <CopyButton value={secret} timeout={2000}>
              {({ copied, copy }) => (
                <Button onClick={copy} leftSection={copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />}>
                  {copied ? "Copied" : "Copy"}
                </Button>
              )}
            </CopyButton>
            <Text size="sm" c="dimmed" aria-live="polite">
              Keep it in a secret manager, never in source code.
            </Text>
          </Group>
          {children}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              I have stored it
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
