import { Button, Checkbox, Paper, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { SignInError, fetchPrincipal } from "../app/apollo";
import { useSession } from "../app/session";

export function SignInPage() {
  const { signIn } = useSession();
  const [credential, setCredential] = useState("");
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const value = credential.trim();
    if (!value) {
      setError("Paste an API key or a JWT.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const principal = await fetchPrincipal(value);
      setCredential("");
      signIn({ credential: value, principal }, remember);
    } catch (failure) {
      setError(failure instanceof SignInError ? failure.message : "Sign-in failed.");
      setBusy(false);
    }
  }

  return (
    <main className="ks-signin">
      <div>
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={440}>
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <div className="ks-brand">
              <span className="ks-brand-mark" aria-hidden="true">K</span>
              <span>Keysmith</span>
            </div>
            <div>
              <Title order={1} size="h3">
                Sign in to the console
              </Title>
              <Text size="sm" c="dimmed" mt={4}>
                Paste an API key with <code>keys:*</code> (or <code>keys:read</code> to browse), a tenant JWT, or the platform root key.
              </Text>
            </div>
            <PasswordInput
              label="API key or token"
              placeholder="ks_… or eyJ…"
              value={credential}
              onChange={(event) => setCredential(event.currentTarget.value)}
              error={error ?? undefined}
              autoComplete="off"
              spellCheck={false}
              visibilityToggleButtonProps={{ "aria-label": "Show or hide the key" }}
              data-autofocus
              autoFocus
            />
            <Checkbox
              label="Remember in this tab"
              description="Kept in sessionStorage until the tab closes. Otherwise only in memory: a reload signs you out."
              checked={remember}
              onChange={(event) => setRemember(event.currentTarget.checked)}
            />
            <Button type="submit" loading={busy} fullWidth>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
      <Text size="xs" c="dimmed" ta="center" mt="md" maw={440}>
        Your key is sent only to this server, in the Authorization header. It never goes into a URL or a log.
      </Text>
      </div>
    </main>
  );
}
