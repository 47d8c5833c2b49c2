import { useApolloClient } from "@apollo/client/react";
import { Button, Checkbox, Group, Modal, SimpleGrid, Stack, Switch, TextInput } from "@mantine/core";
import { type FormEvent, useEffect, useState } from "react";
import { useScope } from "../app/session";
import { ErrorAlert } from "../components/common";
import {
  CreateWebhookEndpointDocument,
  type UpdateWebhookEndpointInput,
  UpdateWebhookEndpointDocument,
  type WebhookEndpointRowFragment,
  WebhookEndpointsDocument,
} from "../graphql/generated";
import { type ApiProblem, describeError, fieldError, formError } from "../lib/errors";
import { EVENT_DESCRIPTIONS, SUBSCRIBABLE_EVENTS, type SubscribableEvent, orderedEvents } from "../lib/events";

interface FormState {
  url: string;
  events: SubscribableEvent[];
  description: string;
  enabled: boolean;
}

const initialState = (endpoint?: WebhookEndpointRowFragment): FormState => ({
  url: endpoint?.url ?? "",
  events: endpoint ? orderedEvents(endpoint.events) : [],
  description: endpoint?.description ?? "",
  enabled: endpoint?.enabled ?? true,
});

const SHOWN_FIELDS = ["url", "events", "description"];

export interface CreatedEndpoint {
  id: string;
  url: string;
  secret: string;
}

export interface EndpointFormDialogProps {
  opened: boolean;
  onClose: () => void;
  /** Create mode: the new endpoint and its signing secret (held by the caller only until shown). */
  onCreated?: (created: CreatedEndpoint) => void;
  /** Edit mode: the endpoint being edited. */
  editing?: WebhookEndpointRowFragment;
  onSaved?: () => void;
}

/** Creates or edits a webhook endpoint: where deliveries go, which events, and (editing) whether it gets any. */
export function EndpointFormDialog({ opened, onClose, onCreated, editing, onSaved }: EndpointFormDialogProps) {
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
    if (!state.url.trim()) fields.url = "Give the https URL deliveries are sent to.";
    if (state.events.length === 0) fields.events = "Choose at least one event.";
    return Object.keys(fields).length ? { message: "Check the highlighted fields.", fields } : null;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const invalid = validate();
    if (invalid) {
      setProblem(invalid);
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      if (editing) {
        const input: UpdateWebhookEndpointInput = { id: editing.id, tenantId };
        if (state.url.trim() !== editing.url) input.url = state.url.trim();
        if (state.events.join() !== orderedEvents(editing.events).join()) input.events = state.events;
        if (state.description.trim() !== (editing.description ?? "")) input.description = state.description.trim();
        if (state.enabled !== editing.enabled) input.enabled = state.enabled;
        await client.mutate({ mutation: UpdateWebhookEndpointDocument, variables: { input } });
        onSaved?.();
      } else {
        // no-cache: the payload holds the signing secret.
        const result = await client.mutate({
          mutation: CreateWebhookEndpointDocument,
          variables: { input: { tenantId, url: state.url.trim(), events: state.events, description: state.description.trim() || undefined } },
          fetchPolicy: "no-cache",
        });
        const payload = result.data!.createWebhookEndpoint;
        onCreated?.({ id: payload.endpoint.id, url: payload.endpoint.url, secret: payload.secret });
      }
      await client.refetchQueries({ include: [WebhookEndpointsDocument] });
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  const general = formError(problem, SHOWN_FIELDS);
  const toggleAll = () => update("events", state.events.length === SUBSCRIBABLE_EVENTS.length ? [] : [...SUBSCRIBABLE_EVENTS]);

  return (
    <Modal opened={opened} onClose={onClose} title={editing ? "Edit endpoint" : "Create endpoint"} size="xl">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {general && <ErrorAlert error={general} title={editing ? "The endpoint was not saved" : "The endpoint was not created"} />}
          <TextInput
            label="URL"
            description="An https URL on a public address; Keysmith POSTs each event there, signed."
            placeholder="https://api.example.com/hooks/keysmith"
            required
            type="url"
            value={state.url}
            onChange={(event) => update("url", event.currentTarget.value)}
            error={fieldError(problem, "url")}
            data-autofocus
            spellCheck={false}
            classNames={{ input: "ks-mono" }}
          />
          <Checkbox.Group
            label="Events"
            description="The event types sent to this endpoint. A ping is sent whatever it subscribed to."
            required
            value={state.events}
            onChange={(value) => update("events", orderedEvents(value as SubscribableEvent[]))}
            error={fieldError(problem, "events")}
          >
            <Group mt={6} mb={8}>
              <Button variant="subtle" size="compact-xs" onClick={toggleAll}>
                {state.events.length === SUBSCRIBABLE_EVENTS.length ? "Clear all" : "Select all"}
              </Button>
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" verticalSpacing="xs">
              {SUBSCRIBABLE_EVENTS.map((type) => (
                <Checkbox key={type} value={type} label={type} description={EVENT_DESCRIPTIONS[type]} classNames={{ label: "ks-mono" }} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <TextInput label="Description" description="Optional: what receives these events." value={state.description} onChange={(event) => update("description", event.currentTarget.value)} error={fieldError(problem, "description")} />
          {editing && (
            <Switch
              label="Enabled"
              description="A disabled endpoint gets no new deliveries; those already pending are still attempted."
              checked={state.enabled}
              onChange={(event) => update("enabled", event.currentTarget.checked)}
            />
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {editing ? "Save changes" : "Create endpoint"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
