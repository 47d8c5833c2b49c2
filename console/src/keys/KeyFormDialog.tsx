import { useApolloClient, useQuery } from "@apollo/client/react";
import { Button, Checkbox, Group, Modal, NativeSelect, Radio, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { useScope } from "../app/session";
import { ErrorAlert, Loading } from "../components/common";
import { LimitsEditor } from "../components/LimitsEditor";
import {
  type CreateApiKeyInput,
  CreateKeyDocument,
  type KeyDetailsFragment,
  KeyFormOptionsDocument,
  TenantPolicyDocument,
  type UpdateApiKeyInput,
  UpdateKeyDocument,
} from "../graphql/generated";
import { type CreditsState, createCreditsInput, creditErrors, creditsStateOf, updateCreditsInput } from "../lib/credits";
import { type ApiProblem, describeError, fieldError, formError } from "../lib/errors";
import { formatDate } from "../lib/format";
import { type LimitRow, limitErrors, limitsOf, rowsOf, sameLimits } from "../lib/limits";
import { type ScopeSelection, emptySelection, grantsOf, selectionOf } from "../lib/scopes";
import { CreditsFields } from "./CreditsFields";
import { IdentityPicker } from "./IdentityPicker";
import { ScopePicker } from "./ScopePicker";

const DAY_MS = 24 * 3600 * 1000;
const PRESETS = [7, 30, 90, 365];
/** What a tenant principal assumes: it cannot read its tenant's policy (root-only); the server has the last word. */
const DEFAULT_POLICY = { maxTtlDays: 365, requireExpiry: false, wildcardMaxTtlDays: 7, expiringSoonDays: 30 };

type Network = "any" | "local" | "cidrs";

interface FormState {
  name: string;
  description: string;
  externalId: string;
  expiry: string;
  expiryDate: string;
  selection: ScopeSelection;
  otherScopes: string[];
  subscriptionIds: string[];
  network: Network;
  cidrs: string;
  metadata: string;
  identityId: string | null;
  limits: LimitRow[];
  credits: CreditsState;
}

function initialState(key?: KeyDetailsFragment, identityId?: string): FormState {
  const cidrs = key?.allowedCidrs ?? [];
  return {
    name: key?.name ?? "",
    description: key?.description ?? "",
    externalId: key?.externalId ?? "",
    expiry: key ? "keep" : "30",
    expiryDate: "",
    selection: emptySelection(),
    otherScopes: [],
    subscriptionIds: key?.subscriptionIds ?? [],
    network: cidrs.length === 0 ? "any" : cidrs.length === 1 && cidrs[0] === "LOCAL_ONLY" ? "local" : "cidrs",
    cidrs: cidrs.filter((cidr) => cidr !== "LOCAL_ONLY").join("\n"),
    metadata: key?.metadata ? JSON.stringify(key.metadata, null, 2) : "",
    identityId: key ? key.identityId ?? null : identityId ?? null,
    limits: rowsOf(key?.rateLimits),
    credits: creditsStateOf(key?.credits),
  };
}

/** The end of the chosen day, local time. */
function endOfDay(date: string): Date {
  return new Date(`${date}T23:59:59`);
}

/** Days from now until the chosen expiry; null for none, undefined when it cannot be told yet. */
function expiryDays(state: FormState, current?: string | null): number | null | undefined {
  if (state.expiry === "none") return null;
  if (state.expiry === "keep") return current ? (new Date(current).getTime() - Date.now()) / DAY_MS : null;
  if (state.expiry === "date") return state.expiryDate ? (endOfDay(state.expiryDate).getTime() - Date.now()) / DAY_MS : undefined;
  return Number(state.expiry);
}

function allowedCidrs(state: FormState): string[] {
  if (state.network === "local") return ["LOCAL_ONLY"];
  if (state.network === "cidrs") return state.cidrs.split(/[\s,]+/).filter(Boolean);
  return [];
}

const SHOWN_FIELDS = ["name", "description", "externalId", "identityId", "expiresAt", "expiresInDays", "scopes", "subscriptionIds", "allowedCidrs", "rateLimits", "credits", "metadata"];

export interface KeyFormDialogProps {
  opened: boolean;
  onClose: () => void;
  /** Create mode: the new key and its secret (the payload is never cached). */
  onCreated?: (created: { id: string; name: string; secret: string }) => void;
  /** Edit mode: the key being edited. */
  editing?: KeyDetailsFragment;
  onSaved?: () => void;
  /** Create mode: the identity the new key starts with. */
  identityId?: string;
}

export function KeyFormDialog({ opened, onClose, onCreated, editing, onSaved, identityId }: KeyFormDialogProps) {
  const { tenantId, isRoot, principal } = useScope();
  const client = useApolloClient();
  const options = useQuery(KeyFormOptionsDocument, { variables: { tenantId }, skip: !opened });
  const policyQuery = useQuery(TenantPolicyDocument, { variables: { id: tenantId ?? principal.tenantId }, skip: !opened || !isRoot });
  const policy = policyQuery.data?.tenant.policy ?? DEFAULT_POLICY;
  const catalog = useMemo(() => options.data?.scopeCatalog ?? [], [options.data]);
  const subscriptions = (options.data?.subscriptions.nodes ?? []).filter(
    (subscription) => subscription.status === "ACTIVE" || editing?.subscriptionIds.includes(subscription.id),
  );

  const [state, setState] = useState<FormState>(() => initialState(editing, identityId));
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!opened) return;
    setState(initialState(editing, identityId));
    setProblem(null);
  }, [opened, editing, identityId]);

  // A key's grants become the picker's state once the catalog is known.
  useEffect(() => {
    if (!opened || !editing || catalog.length === 0) return;
    const { selection, other } = selectionOf(editing.scopes, catalog);
    setState((current) => ({ ...current, selection, otherScopes: other }));
  }, [opened, editing, catalog]);

  const update = <K extends keyof FormState>(field: K, value: FormState[K]) => setState((current) => ({ ...current, [field]: value }));
  const days = expiryDays(state, editing?.expiresAt);
  const wildcardAllowed = typeof days === "number" && days <= policy.wildcardMaxTtlDays;

  const expiryOptions = [
    ...(editing ? [{ value: "keep", label: editing.expiresAt ? `Keep current (${formatDate(editing.expiresAt)})` : "Keep current (never expires)" }] : []),
    ...PRESETS.filter((preset) => preset <= policy.maxTtlDays).map((preset) => ({ value: String(preset), label: `${preset} days` })),
    { value: "date", label: "On a date…" },
    ...(policy.requireExpiry ? [] : [{ value: "none", label: "Never expires" }]),
  ];

  function validate(): ApiProblem | null {
    const fields: Record<string, string> = {};
    if (!state.name.trim()) fields.name = "Give the key a name.";
    if (state.expiry === "date" && !state.expiryDate) fields.expiresAt = "Pick a date.";
    if (state.metadata.trim()) {
      try {
        const parsed = JSON.parse(state.metadata);
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) fields.metadata = "Metadata must be a JSON object, such as {\"plan\": \"pro\"}.";
      } catch {
        fields.metadata = "This is not valid JSON.";
      }
    }
    if (state.network === "cidrs" && allowedCidrs(state).length === 0) fields.allowedCidrs = "List at least one CIDR, such as 203.0.113.0/24.";
    Object.assign(fields, limitErrors(state.limits), creditErrors(state.credits));
    if (editing?.credits && state.credits.add.trim() && Number(state.credits.remaining) !== editing.credits.remaining) {
      fields["credits.add"] = "Set the remaining credits or add to them, not both.";
    }
    return Object.keys(fields).length ? { message: "Check the highlighted fields.", fields } : null;
  }

  function expiryInput(): Pick<CreateApiKeyInput, "expiresAt" | "expiresInDays"> | undefined {
    if (state.expiry === "keep") return undefined;
    if (state.expiry === "none") return editing ? { expiresAt: null } : {};
    if (state.expiry === "date") return { expiresAt: endOfDay(state.expiryDate).toISOString() };
    return { expiresInDays: Number(state.expiry) };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const invalid = validate();
    if (invalid) {
      setProblem(invalid);
      return;
    }
    const scopes = [...grantsOf(state.selection, catalog), ...state.otherScopes];
    const metadata = state.metadata.trim() ? (JSON.parse(state.metadata) as Record<string, unknown>) : null;
    setBusy(true);
    setProblem(null);
    try {
      if (editing) {
        const input: UpdateApiKeyInput = { id: editing.id, tenantId, ...expiryInput() };
        if (state.name.trim() !== editing.name) input.name = state.name.trim();
        if (state.description.trim() !== (editing.description ?? "")) input.description = state.description.trim() || null;
        if (state.externalId.trim() !== (editing.externalId ?? "")) input.externalId = state.externalId.trim() || null;
        if ([...scopes].sort().join(" ") !== [...editing.scopes].sort().join(" ")) input.scopes = scopes;
        if ([...state.subscriptionIds].sort().join() !== [...editing.subscriptionIds].sort().join()) input.subscriptionIds = state.subscriptionIds;
        const cidrs = allowedCidrs(state);
        if (cidrs.join() !== editing.allowedCidrs.join()) input.allowedCidrs = cidrs;
        if (JSON.stringify(metadata) !== JSON.stringify(editing.metadata ?? null)) input.metadata = metadata;
        if (state.identityId !== (editing.identityId ?? null)) input.identityId = state.identityId;
        const limits = limitsOf(state.limits);
        if (!sameLimits(limits, editing.rateLimits)) input.rateLimits = limits.length ? limits : null;
        const credits = updateCreditsInput(state.credits, editing.credits);
        if (credits !== undefined) input.credits = credits;
        await client.mutate({ mutation: UpdateKeyDocument, variables: { input } });
        onSaved?.();
      } else {
        const input: CreateApiKeyInput = {
          tenantId,
          name: state.name.trim(),
          description: state.description.trim() || undefined,
          externalId: state.externalId.trim() || undefined,
          ...expiryInput(),
          scopes,
          subscriptionIds: state.subscriptionIds,
          allowedCidrs: allowedCidrs(state),
          metadata: metadata ?? undefined,
          identityId: state.identityId ?? undefined,
          rateLimits: state.limits.length ? limitsOf(state.limits) : undefined,
          credits: createCreditsInput(state.credits),
        };
        // no-cache: the payload holds the secret, which must never reach the Apollo cache.
        const result = await client.mutate({ mutation: CreateKeyDocument, variables: { input }, fetchPolicy: "no-cache" });
        const payload = result.data!.createApiKey;
        onCreated?.({ id: payload.apiKey.id, name: payload.apiKey.name, secret: payload.secret });
      }
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  const general = formError(problem, SHOWN_FIELDS);

  return (
    <Modal opened={opened} onClose={onClose} title={editing ? `Edit ${editing.name}` : "Create key"} size="xl">
      {options.loading && !options.data ? (
        <Loading label="Loading the scope catalog" />
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            {options.error && <ErrorAlert error={options.error} title="Could not load the scope catalog" />}
            {general && <ErrorAlert error={general} title={editing ? "The key was not saved" : "The key was not created"} />}
            <TextInput label="Name" required value={state.name} onChange={(event) => update("name", event.currentTarget.value)} error={fieldError(problem, "name")} data-autofocus maxLength={100} />
            <Textarea label="Description" autosize minRows={2} value={state.description} onChange={(event) => update("description", event.currentTarget.value)} error={fieldError(problem, "description")} />
            <TextInput
              label="External id"
              description="The key's owner in your own system (a user or account id). Optional."
              value={state.externalId}
              onChange={(event) => update("externalId", event.currentTarget.value)}
              error={fieldError(problem, "externalId")}
            />
            <IdentityPicker value={state.identityId} onChange={(next) => update("identityId", next)} error={fieldError(problem, "identityId")} />
            <Group align="flex-start" grow wrap="wrap">
              <NativeSelect
                label="Expiry"
                description={`Longest allowed: ${policy.maxTtlDays} days${policy.requireExpiry ? "; every key must expire" : ""}.`}
                data={expiryOptions}
                value={state.expiry}
                onChange={(event) => update("expiry", event.currentTarget.value)}
                error={fieldError(problem, "expiresAt", "expiresInDays")}
              />
              {state.expiry === "date" && (
                <TextInput
                  type="date"
                  label="Expiry date"
                  description="The key stops working at the end of that day."
                  value={state.expiryDate}
                  onChange={(event) => update("expiryDate", event.currentTarget.value)}
                  error={fieldError(problem, "expiresAt")}
                />
              )}
            </Group>
            <ScopePicker
              catalog={catalog}
              value={state.selection}
              onChange={(selection) => update("selection", selection)}
              wildcardAllowed={wildcardAllowed}
              wildcardMaxTtlDays={policy.wildcardMaxTtlDays}
              error={fieldError(problem, "scopes")}
            />
            {state.otherScopes.length > 0 && (
              <Text size="xs" c="dimmed">
                Also kept: <span className="ks-mono">{state.otherScopes.join(" ")}</span>
              </Text>
            )}
            <Checkbox.Group
              label="Subscriptions"
              description={subscriptions.length ? "Bind the key to plans: checks then need one of them to be active." : "This tenant has no active subscription."}
              value={state.subscriptionIds}
              onChange={(value) => update("subscriptionIds", value)}
              error={fieldError(problem, "subscriptionIds")}
            >
              <Group gap="md" mt={6}>
                {subscriptions.map((subscription) => (
                  <Checkbox key={subscription.id} value={subscription.id} label={`${subscription.name} (${subscription.plan})`} />
                ))}
              </Group>
            </Checkbox.Group>
            <Radio.Group label="Network" value={state.network} onChange={(value) => update("network", value as Network)} error={state.network === "cidrs" ? undefined : fieldError(problem, "allowedCidrs")}>
              <Group gap="lg" mt={6}>
                <Radio value="any" label="Any address" />
                <Radio value="local" label="Localhost only" />
                <Radio value="cidrs" label="These CIDRs" />
              </Group>
            </Radio.Group>
            {state.network === "cidrs" && (
              <Textarea
                label="Allowed CIDRs"
                description="IPv4 or IPv6, one per line, e.g. 203.0.113.0/24."
                autosize
                minRows={2}
                value={state.cidrs}
                onChange={(event) => update("cidrs", event.currentTarget.value)}
                error={fieldError(problem, "allowedCidrs")}
                classNames={{ input: "ks-mono" }}
              />
            )}
            <LimitsEditor
              value={state.limits}
              onChange={(rows) => update("limits", rows)}
              problem={problem}
              description="This key's own limits; a limit of the same name as one of its identity's replaces it for this key."
            />
            <CreditsFields value={state.credits} onChange={(credits) => update("credits", credits)} problem={problem} canAdd={!!editing?.credits} />
            <Textarea
              label="Metadata"
              description="A JSON object returned by checkKey, e.g. {&quot;plan&quot;: &quot;pro&quot;}. At most 4 kB."
              autosize
              minRows={2}
              value={state.metadata}
              onChange={(event) => update("metadata", event.currentTarget.value)}
              error={fieldError(problem, "metadata")}
              classNames={{ input: "ks-mono" }}
            />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                {editing ? "Save changes" : "Create"}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
