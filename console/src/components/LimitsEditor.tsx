import { Button, Checkbox, Group, NativeSelect, Stack, Text, TextInput } from "@mantine/core";
import { type ApiProblem, fieldError } from "../lib/errors";
import { type LimitRow, MAX_LIMITS, WINDOW_UNITS, type WindowUnit, newRow } from "../lib/limits";
import { PlusIcon } from "./icons";

export interface LimitsEditorProps {
  value: LimitRow[];
  onChange: (rows: LimitRow[]) => void;
  problem: ApiProblem | null;
  /** What the limits are for, in the description: "this key", "every key of this identity". */
  description: string;
  /** The input field the server names in its errors. */
  field?: string;
}

/** Named rate limits of a key or an identity: name, how many per window, and whether every check spends it. */
export function LimitsEditor({ value, onChange, problem, description, field = "rateLimits" }: LimitsEditorProps) {
  const change = (index: number, patch: Partial<LimitRow>) => onChange(value.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  const listError = problem?.fields[field];

  return (
    <fieldset className="ks-fieldset">
      <legend className="ks-legend">Rate limits</legend>
      <Text size="xs" c="dimmed" mb="xs">
        {description} Auto-apply limits count every check; the others only checks that name them.
      </Text>
      <Stack gap="sm">
        {value.map((row, index) => (
          <fieldset key={row.key} className="ks-limit-row">
            <legend className="ks-visually-hidden">Limit {index + 1}</legend>
            <Group align="flex-start" gap="sm" wrap="wrap">
              <TextInput
                label="Limit name"
                description="e.g. requests, search"
                className="ks-limit-name"
                value={row.name}
                onChange={(event) => change(index, { name: event.currentTarget.value })}
                error={fieldError(problem, `${field}[${index}].name`)}
                spellCheck={false}
                classNames={{ input: "ks-mono" }}
              />
              <TextInput
                label="Allowed"
                description="Checks per window"
                inputMode="numeric"
                w={130}
                value={row.limit}
                onChange={(event) => change(index, { limit: event.currentTarget.value })}
                error={fieldError(problem, `${field}[${index}].limit`)}
              />
              <TextInput
                label="Window"
                description="Length"
                inputMode="numeric"
                w={90}
                value={row.window}
                onChange={(event) => change(index, { window: event.currentTarget.value })}
                error={fieldError(problem, `${field}[${index}].windowSeconds`)}
              />
              <NativeSelect
                label="Unit"
                description="Of the window"
                w={120}
                data={WINDOW_UNITS.map((unit) => ({ value: unit.value, label: unit.label }))}
                value={row.unit}
                onChange={(event) => change(index, { unit: event.currentTarget.value as WindowUnit })}
              />
            </Group>
            <Group justify="space-between" mt="xs">
              <Checkbox label="Auto-apply (every check)" checked={row.autoApply} onChange={(event) => change(index, { autoApply: event.currentTarget.checked })} />
              <Button variant="subtle" color="red" size="xs" onClick={() => onChange(value.filter((_, at) => at !== index))} aria-label={`Remove limit ${row.name || index + 1}`}>
                Remove
              </Button>
            </Group>
          </fieldset>
        ))}
        {listError && (
          <Text size="sm" c="var(--mantine-color-error)" role="alert">
            {listError}
          </Text>
        )}
        <Group>
          <Button variant="default" size="xs" leftSection={<PlusIcon size={14} />} onClick={() => onChange([...value, newRow(value)])} disabled={value.length >= MAX_LIMITS}>
            Add limit
          </Button>
        </Group>
      </Stack>
    </fieldset>
  );
}
