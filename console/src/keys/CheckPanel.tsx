import { useApolloClient } from "@apollo/client/react";
import { Alert, Badge, Button, Group, SegmentedControl, Stack, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useScope } from "../app/session";
import { ErrorAlert } from "../components/common";
import { type CheckCode, CheckKeyDocument, type CheckKeyQuery, type CheckMode, KeyDetailDocument } from "../graphql/generated";
import { describeError } from "../lib/errors";
import { parseScopeList } from "../lib/scopes";

const EXPLANATIONS: Record<CheckCode, string> = {
  VALID: "The key is authentic and usable, and it holds every required scope.",
  FORBIDDEN: "The key is valid, but it does not hold the required scopes.",
  UNKNOWN_SCOPE: "A required scope is not in the catalog: such a check is never allowed.",
  RATE_LIMITED: "The key is valid but over one of its rate limits (or its identity's); nothing was spent.",
  USAGE_EXCEEDED: "The key is valid but has fewer credits left than the check costs; nothing was spent.",
  MALFORMED: "This is not a Keysmith key: its format or checksum is wrong (no database lookup was made).",
  NOT_FOUND: "No such key in this tenant: unknown, a wrong secret, or a key of another tenant.",
  IP_NOT_ALLOWED: "The client address is outside the key's network allowlist (or none was given).",
  REVOKED: "The key has been revoked.",
  EXPIRED: "The key has expired.",
  DISABLED: "The key is disabled; enable it to make it work again.",
  TENANT_SUSPENDED: "The key's tenant is suspended.",
  SUBSCRIPTION_INACTIVE: "The key's subscription (or every bound one) is not active.",
  SUBSCRIPTION_MISMATCH: "The key is not bound to the subscription checked against.",
};

type Result = CheckKeyQuery["checkKey"];

/** "search, export:5" -> [{ name: "search", cost: 1 }, { name: "export", cost: 5 }]; null when malformed. */
function parseLimitUses(text: string): Array<{ name: string; cost: number }> | null {
  const uses: Array<{ name: string; cost: number }> = [];
  for (const part of parseScopeList(text)) {
    const match = /^([^:]+)(?::(\d+))?$/.exec(part);
    if (!match) return null;
    uses.push({ name: match[1], cost: match[2] === undefined ? 1 : Number(match[2]) });
  }
  return uses;
}

function Decision({ result, required }: { result: Result; required: string[] }) {
  const color = result.allowed ? "teal" : result.valid ? "yellow" : "red";
  const verdict = result.allowed ? "Allowed" : result.valid ? "Valid, not allowed" : "Refused";
  return (
    <Alert color={color} variant="light" title={`${verdict}: ${result.code}`} aria-live="polite" role="status">
      <Stack gap={8}>
        <Text size="sm">{EXPLANATIONS[result.code]}</Text>
        {required.length > 0 && (
          <>
            <Group gap={6}>
              <Text size="sm" fw={500}>
                Matched scopes:
              </Text>
              {result.matchedScopes.length ? (
                result.matchedScopes.map((scope) => (
                  <Badge key={scope} color="teal" className="ks-mono" tt="none">
                    {scope}
                  </Badge>
                ))
              ) : (
                <Text size="sm" c="dimmed">
                  none
                </Text>
              )}
            </Group>
            <Group gap={6}>
              <Text size="sm" fw={500}>
                Missing scopes:
              </Text>
              {result.missingScopes.length ? (
                result.missingScopes.map((scope) => (
                  <Badge key={scope} color="red" className="ks-mono" tt="none">
                    {scope}
                  </Badge>
                ))
              ) : (
                <Text size="sm" c="dimmed">
                  none
                </Text>
              )}
            </Group>
          </>
        )}
        {result.identity && (
          <Text size="sm">
            Identity: <span className="ks-mono">{result.identity.externalId}</span>
            {result.identity.name ? ` (${result.identity.name})` : ""}
          </Text>
        )}
        {result.creditsRemaining !== null && result.creditsRemaining !== undefined && (
          <Text size="sm">Credits remaining: {result.creditsRemaining.toLocaleString("en-GB")}</Text>
        )}
        {result.rateLimits.length > 0 && (
          <Group gap={6}>
            <Text size="sm" fw={500}>
              Limits:
            </Text>
            {result.rateLimits.map((limit) => (
              <Badge key={limit.name} color={limit.exceeded ? "red" : "gray"} variant="light" tt="none">
                {limit.name}: {limit.remaining.toLocaleString("en-GB")} of {limit.limit.toLocaleString("en-GB")} left{limit.exceeded ? " (exceeded)" : ""}
              </Badge>
            ))}
          </Group>
        )}
        {result.grants.length > 0 && (
          <Text size="xs" c="dimmed">
            The key's grants: <span className="ks-mono">{result.grants.join(" ")}</span>
          </Text>
        )}
      </Stack>
    </Alert>
  );
}

/** Runs checkKey as a backend would, and explains the answer. */
export function CheckPanel() {
  const client = useApolloClient();
  const { tenantId } = useScope();
  const [key, setKey] = useState("");
  const [scopes, setScopes] = useState("");
  const [mode, setMode] = useState<CheckMode>("ALL");
  const [clientIp, setClientIp] = useState("");
  const [cost, setCost] = useState("1");
  const [limits, setLimits] = useState("");
  const [result, setResult] = useState<{ result: Result; required: string[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (!key.trim()) {
      setError("Paste the key to check.");
      return;
    }
    if (!/^\d+$/.test(cost.trim())) {
      setError("The cost is a whole number from 0.");
      return;
    }
    const uses = parseLimitUses(limits);
    if (!uses) {
      setError("Name limits as name or name:cost, separated by spaces or commas.");
      return;
    }
    setBusy(true);
    const required = parseScopeList(scopes);
    try {
      // no-cache: the presented key is a secret and stays out of the cache.
      const { data } = await client.query({
        query: CheckKeyDocument,
        variables: { input: { key: key.trim(), scopes: required, mode, clientIp: clientIp.trim() || undefined, tenantId, cost: Number(cost), limits: uses } },
        fetchPolicy: "no-cache",
      });
      setResult(data ? { result: data.checkKey, required } : null);
      // A check may have spent the key's credits: the key page shows what is left.
      void client.refetchQueries({ include: [KeyDetailDocument] });
    } catch (failure) {
      setResult(null);
      setError(describeError(failure).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Try a check">
      <Stack gap="sm" p="md">
        <Text size="sm" c="dimmed">
          Paste a key as your backend would receive it. Keysmith never shows this key's secret again, so paste the one you stored.
        </Text>
        <TextInput
          label="Key to check"
          value={key}
          onChange={(event) => setKey(event.currentTarget.value)}
          autoComplete="off"
          spellCheck={false}
          error={error === "Paste the key to check." ? error : undefined}
          classNames={{ input: "ks-mono" }}
        />
        <Group grow align="flex-start" wrap="wrap">
          <TextInput label="Required scopes" description="Separated by spaces or commas, e.g. example:read" value={scopes} onChange={(event) => setScopes(event.currentTarget.value)} spellCheck={false} />
          <TextInput label="Client IP" description="Optional: the end user's address" value={clientIp} onChange={(event) => setClientIp(event.currentTarget.value)} spellCheck={false} />
        </Group>
        <Group grow align="flex-start" wrap="wrap">
          <TextInput label="Cost" description="Credits the check spends, for keys with credits" inputMode="numeric" value={cost} onChange={(event) => setCost(event.currentTarget.value)} />
          <TextInput
            label="Named limits"
            description="Also apply these, e.g. search or export:5 (name:cost)"
            value={limits}
            onChange={(event) => setLimits(event.currentTarget.value)}
            spellCheck={false}
          />
        </Group>
        <Group justify="space-between" wrap="wrap">
          <SegmentedControl
            size="xs"
            aria-label="Mode"
            value={mode}
            onChange={(value) => setMode(value as CheckMode)}
            data={[
              { value: "ALL", label: "Require all" },
              { value: "ANY", label: "Require any" },
            ]}
          />
          <Button type="submit" loading={busy}>
            Check
          </Button>
        </Group>
        {error && error !== "Paste the key to check." && <ErrorAlert error={error} title="The check could not run" />}
        {result && <Decision result={result.result} required={result.required} />}
      </Stack>
    </form>
  );
}
