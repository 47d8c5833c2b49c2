import { Alert, Button, CopyButton, Group, Modal, Stack, Text } from "@mantine/core";
import { GRAPHQL_PATH } from "../app/apollo";
import { AlertIcon, CheckIcon, CopyIcon } from "../components/icons";

export interface NewSecret {
  secret: string;
  name: string;
}

function checkSample(): string {
  const url = `${window.location.origin}${GRAPHQL_PATH}`;
  const body = JSON.stringify({
    query: "query Check($key: String!) { checkKey(input: { key: $key, scopes: [] }) { valid allowed code missingScopes } }",
    variables: { key: "KEY" },
  }).replace('"KEY"', `"'"$NEW_KEY"'"`);
  return [
    "# Your backend asks Keysmith whether a presented key may act:",
    `curl -s ${url} \\`,
    "  -H 'content-type: application/json' \\",
    "  -H \"authorization: Bearer $VERIFY_KEY\" \\",
    `  -d '${body}'`,
  ].join("\n");
}

/** The only place a key's secret is ever shown; closing the dialog forgets it. */
export function ShowSecretDialog({ value, onClose }: { value: NewSecret | null; onClose: () => void }) {
  return (
    <Modal opened={value !== null} onClose={onClose} title="Your new key" size="lg" closeOnClickOutside={false}>
      {value && (
        <Stack gap="md">
          <Alert color="yellow" variant="light" icon={<AlertIcon />} title="Copy it now: you will not see it again">
            Keysmith stores only a hash of the secret of “{value.name}”. If you lose it, regenerate the key.
          </Alert>
          <div>
            <Text size="sm" fw={500} mb={6} id="new-key-label">
              Key
            </Text>
            <div className="ks-secret" aria-labelledby="new-key-label" role="group">
              <span>{value.secret}</span>
            </div>
          </div>
          <Group justify="flex-start">
            <CopyButton value={value.secret} timeout={2000}>
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
          <div>
            <Text size="sm" fw={500} mb={6}>
              Try it
            </Text>
            <Text size="xs" c="dimmed" mb={6}>
              Set <code>NEW_KEY</code> to the key above and <code>VERIFY_KEY</code> to a key holding <code>keys:verify</code>.
            </Text>
            <pre className="ks-sample" tabIndex={0} aria-label="Example checkKey request">
              {checkSample()}
            </pre>
          </div>
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
