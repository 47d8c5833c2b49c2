import { useApolloClient } from "@apollo/client/react";
import { Button, Group, Modal, Stack, TextInput, Textarea } from "@mantine/core";
import { type FormEvent, useEffect, useState } from "react";
import { useScope } from "../app/session";
import { ErrorAlert } from "../components/common";
import { LimitsEditor } from "../components/LimitsEditor";
import {
  type CreateIdentityInput,
  CreateIdentityDocument,
  type IdentityDetailsFragment,
  IdentityListDocument,
  type UpdateIdentityInput,
  UpdateIdentityDocument,
} from "../graphql/generated";
import { type ApiProblem, describeError, fieldError, formError } from "../lib/errors";
import { type LimitRow, limitErrors, limitsOf, rowsOf, sameLimits } from "../lib/limits";

interface FormState {
  externalId: string;
  name: string;
  metadata: string;
  limits: LimitRow[];
}

const initialState = (identity?: IdentityDetailsFragment): FormState => ({
  externalId: identity?.externalId ?? "",
  name: identity?.name ?? "",
  metadata: identity?.metadata ? JSON.stringify(identity.metadata, null, 2) : "",
  limits: rowsOf(identity?.rateLimits),
});

const SHOWN_FIELDS = ["externalId", "name", "metadata", "rateLimits"];

export interface IdentityFormDialogProps {
  opened: boolean;
  onClose: () => void;
  /** Create mode: the new identity. */
  onCreated?: (identity: IdentityDetailsFragment) => void;
  /** Edit mode: the identity being edited. */
  editing?: IdentityDetailsFragment;
  onSaved?: () => void;
}

/** Creates or edits an identity: its external id, name, metadata and the limits its keys share. */
export function IdentityFormDialog({ opened, onClose, onCreated, editing, onSaved }: IdentityFormDialogProps) {
  const { tenantId } = useScope();
  const client = useApolloClient();
  const [state, setState] = useState<FormState>(() => initialState(editing));
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!opened) return;
    setState(initialState(editing));
    setProblem(null);
  }, [opened, editing]);

  const update = <K extends keyof FormState>(field: K, value: FormState[K]) => setState((current) => ({ ...current, [field]: value }));

  function validate(): ApiProblem | null {
    const fields: Record<string, string> = {};
    if (!state.externalId.trim()) fields.externalId = "Give the identity your own id for this customer or user.";
    if (state.metadata.trim()) {
      try {
        const parsed = JSON.parse(state.metadata);
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) fields.metadata = "Metadata must be a JSON object, such as {\"plan\": \"pro\"}.";
      } catch {
        fields.metadata = "This is not valid JSON.";
      }
    }
    Object.assign(fields, limitErrors(state.limits));
    return Object.keys(fields).length ? { message: "Check the highlighted fields.", fields } : null;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const invalid = validate();
    if (invalid) {
      setProblem(invalid);
      return;
    }
    const metadata = state.metadata.trim() ? (JSON.parse(state.metadata) as Record<string, unknown>) : null;
    const limits = limitsOf(state.limits);
    setBusy(true);
    setProblem(null);
    try {
      if (editing) {
        const input: UpdateIdentityInput = { id: editing.id, tenantId };
        if (state.externalId.trim() !== editing.externalId) input.externalId = state.externalId.trim();
        if (state.name.trim() !== (editing.name ?? "")) input.name = state.name.trim() || null;
        if (JSON.stringify(metadata) !== JSON.stringify(editing.metadata ?? null)) input.metadata = metadata;
        if (!sameLimits(limits, editing.rateLimits)) input.rateLimits = limits.length ? limits : null;
        await client.mutate({ mutation: UpdateIdentityDocument, variables: { input } });
        onSaved?.();
      } else {
        const input: CreateIdentityInput = {
          tenantId,
          externalId: state.externalId.trim(),
          name: state.name.trim() || undefined,
          metadata: metadata ?? undefined,
          rateLimits: limits.length ? limits : undefined,
        };
        const result = await client.mutate({ mutation: CreateIdentityDocument, variables: { input } });
        onCreated?.(result.data!.createIdentity.identity);
      }
      await client.refetchQueries({ include: [IdentityListDocument] });
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  const general = formError(problem, SHOWN_FIELDS);

  return (
    <Modal opened={opened} onClose={onClose} title={editing ? `Edit ${editing.externalId}` : "Create identity"} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {general && <ErrorAlert error={general} title={editing ? "The identity was not saved" : "The identity was not created"} />}
          <TextInput
            label="External id"
            description="Your own id for the customer or user, unique in this tenant."
            required
            value={state.externalId}
            onChange={(event) => update("externalId", event.currentTarget.value)}
            error={fieldError(problem, "externalId")}
            data-autofocus
            maxLength={200}
            spellCheck={false}
          />
          <TextInput label="Display name" description="Optional." value={state.name} onChange={(event) => update("name", event.currentTarget.value)} error={fieldError(problem, "name")} />
          <LimitsEditor
            value={state.limits}
            onChange={(rows) => update("limits", rows)}
            problem={problem}
            description="Shared by every key of this identity: all of them count against the same windows."
          />
          <Textarea
            label="Metadata"
            description="A JSON object returned by checkKey with the identity. At most 4 kB."
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
              {editing ? "Save changes" : "Create identity"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
