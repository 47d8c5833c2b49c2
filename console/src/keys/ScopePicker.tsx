import { Alert, Badge, Checkbox, Group, SegmentedControl, Stack, Text } from "@mantine/core";
import type { CatalogNamespaceFragment } from "../graphql/generated";
import { AlertIcon } from "../components/icons";
import { type NamespaceLevel, RESERVED_NAMESPACES, type ScopeSelection } from "../lib/scopes";

const LEVELS: Array<{ value: NamespaceLevel; label: string }> = [
  { value: "none", label: "None" },
  { value: "read", label: "Read" },
  { value: "write", label: "Read-write" },
  { value: "custom", label: "Operations" },
];

export interface ScopePickerProps {
  catalog: readonly CatalogNamespaceFragment[];
  value: ScopeSelection;
  onChange: (value: ScopeSelection) => void;
  /** `*:*` is offered only with an expiry within the tenant's wildcard limit. */
  wildcardAllowed: boolean;
  wildcardMaxTtlDays: number;
  error?: string;
}

export function ScopePicker({ catalog, value, onChange, wildcardAllowed, wildcardMaxTtlDays, error }: ScopePickerProps) {
  const setLevel = (namespace: string, level: NamespaceLevel) => {
    const current = value.namespaces[namespace] ?? { level: "none", operations: [] };
    onChange({ ...value, namespaces: { ...value.namespaces, [namespace]: { ...current, level } } });
  };
  const setOperations = (namespace: string, operations: string[]) => {
    onChange({ ...value, namespaces: { ...value.namespaces, [namespace]: { level: "custom", operations } } });
  };

  return (
    <div role="group" aria-labelledby="scopes-label" aria-describedby={error ? "scopes-error" : undefined}>
      <Text size="sm" fw={600} id="scopes-label">
        Scopes
      </Text>
      <Text size="xs" c="dimmed" mb="xs">
        What the key may do, per namespace of the catalog. Read covers every READ operation; read-write covers all of them.
      </Text>
      <Stack gap="xs">
        <div className="ks-namespace">
          <Checkbox
            label={<span>Full access <code>*:*</code></span>}
            description={
              wildcardAllowed
                ? "Every namespace except keys and platform, including ones added later."
                : `Needs an expiry within ${wildcardMaxTtlDays} days.`
            }
            checked={value.wildcard}
            disabled={!wildcardAllowed && !value.wildcard}
            onChange={(event) => onChange({ ...value, wildcard: event.currentTarget.checked })}
          />
          {value.wildcard && (
            <Alert mt="xs" color="orange" variant="light" icon={<AlertIcon />} title="A wildcard key is powerful">
              It passes every check of your API, now and for namespaces added later. Prefer named scopes; Keysmith allows <code>*:*</code> only on keys expiring
              within {wildcardMaxTtlDays} days.
            </Alert>
          )}
        </div>
        {catalog.map((namespace) => {
          const choice = value.namespaces[namespace.name] ?? { level: "none" as NamespaceLevel, operations: [] };
          const labelId = `ns-${namespace.name}`;
          return (
            <div key={namespace.id} className="ks-namespace" role="group" aria-labelledby={labelId}>
              <Group justify="space-between" wrap="wrap" gap="xs">
                <div>
                  <Group gap={6}>
                    <Text size="sm" fw={600} className="ks-mono" id={labelId}>
                      {namespace.name}
                    </Text>
                    {RESERVED_NAMESPACES.includes(namespace.name) && (
                      <Badge size="xs" color="grape">
                        Keysmith admin
                      </Badge>
                    )}
                  </Group>
                  {namespace.description && (
                    <Text size="xs" c="dimmed">
                      {namespace.description}
                    </Text>
                  )}
                </div>
                <SegmentedControl
                  size="xs"
                  aria-label={`Access to ${namespace.name}`}
                  data={LEVELS}
                  value={choice.level}
                  onChange={(level) => setLevel(namespace.name, level as NamespaceLevel)}
                />
              </Group>
              {choice.level === "custom" && (
                <Checkbox.Group
                  mt="xs"
                  aria-label={`Operations of ${namespace.name}`}
                  value={choice.operations}
                  onChange={(operations) => setOperations(namespace.name, operations)}
                >
                  <Group gap="md" mt={4}>
                    {namespace.operations.length === 0 && (
                      <Text size="xs" c="dimmed">
                        This namespace has no operations yet.
                      </Text>
                    )}
                    {namespace.operations.map((operation) => (
                      <Checkbox
                        key={operation.name}
                        value={operation.name}
                        label={
                          <Group gap={4} wrap="nowrap">
                            <span className="ks-mono">{operation.name}</span>
                            <Badge size="xs" color={operation.access === "READ" ? "blue" : "orange"}>
                              {operation.access}
                            </Badge>
                          </Group>
                        }
                      />
                    ))}
                  </Group>
                </Checkbox.Group>
              )}
            </div>
          );
        })}
      </Stack>
      {error && (
        <Text size="xs" c="red" mt={6} id="scopes-error" role="alert">
          {error}
        </Text>
      )}
    </div>
  );
}
