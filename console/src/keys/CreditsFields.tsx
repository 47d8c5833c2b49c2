import { Checkbox, Group, NativeSelect, Text, TextInput } from "@mantine/core";
import { type ApiProblem, fieldError } from "../lib/errors";
import type { CreditsState } from "../lib/credits";

export interface CreditsFieldsProps {
  value: CreditsState;
  onChange: (state: CreditsState) => void;
  problem: ApiProblem | null;
  /** Edit mode of a key that already has credits: offers to add to them. */
  canAdd: boolean;
}

const REFILLS = [
  { value: "none", label: "No refill" },
  { value: "DAILY", label: "Every day (00:00 UTC)" },
  { value: "MONTHLY", label: "Every month" },
];

/** What a key may spend: remaining credits and an optional refill. */
export function CreditsFields({ value, onChange, problem, canAdd }: CreditsFieldsProps) {
  const update = <K extends keyof CreditsState>(field: K, next: CreditsState[K]) => onChange({ ...value, [field]: next });
  return (
    <fieldset className="ks-fieldset">
      <legend className="ks-legend">Credits</legend>
      <Checkbox
        label="Meter this key with credits"
        description="Each check spends its cost (1 by default); with too few left, checks answer USAGE_EXCEEDED."
        checked={value.enabled}
        onChange={(event) => update("enabled", event.currentTarget.checked)}
      />
      {value.enabled && (
        <Group align="flex-start" gap="sm" mt="sm" wrap="wrap">
          <TextInput
            label="Credits remaining"
            description="What checks may spend now"
            inputMode="numeric"
            w={170}
            value={value.remaining}
            onChange={(event) => update("remaining", event.currentTarget.value)}
            error={fieldError(problem, "credits.remaining")}
          />
          {canAdd && (
            <TextInput
              label="Add credits"
              description="Added to what remains when saved"
              inputMode="numeric"
              w={190}
              value={value.add}
              onChange={(event) => update("add", event.currentTarget.value)}
              error={fieldError(problem, "credits.add")}
            />
          )}
          <NativeSelect label="Refill" description="Resets what remains" w={200} data={REFILLS} value={value.refill} onChange={(event) => update("refill", event.currentTarget.value as CreditsState["refill"])} />
          {value.refill !== "none" && (
            <TextInput
              label="Refill to"
              description="Remaining is set to this"
              inputMode="numeric"
              w={150}
              value={value.amount}
              onChange={(event) => update("amount", event.currentTarget.value)}
              error={fieldError(problem, "credits.refill.amount")}
            />
          )}
          {value.refill === "MONTHLY" && (
            <TextInput
              label="Day of month"
              description="31: the last day"
              inputMode="numeric"
              w={120}
              value={value.dayOfMonth}
              onChange={(event) => update("dayOfMonth", event.currentTarget.value)}
              error={fieldError(problem, "credits.refill.dayOfMonth")}
            />
          )}
        </Group>
      )}
      {problem?.fields.credits && (
        <Text size="sm" c="var(--mantine-color-error)" mt="xs" role="alert">
          {problem.fields.credits}
        </Text>
      )}
    </fieldset>
  );
}
