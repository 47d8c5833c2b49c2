import { Text } from "@mantine/core";
import { GRAPHQL_PATH } from "../app/apollo";
import { SecretDialog } from "../components/SecretDialog";

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
    <SecretDialog
      secret={value?.secret ?? null}
      title="Your new key"
      label="Key"
      warning={`Keysmith stores only a hash of the secret of “${value?.name ?? ""}”. If you lose it, regenerate the key.`}
      onClose={onClose}
    >
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
    </SecretDialog>
  );
}
