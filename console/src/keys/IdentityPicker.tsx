import { useQuery } from "@apollo/client/react";
import { Select } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useScope } from "../app/session";
import { IdentityDetailDocument, IdentityListDocument } from "../graphql/generated";

interface IdentityLike {
  id: string;
  externalId: string;
  name?: string | null;
}

export const identityLabel = (identity: IdentityLike) => (identity.name ? `${identity.externalId} (${identity.name})` : identity.externalId);

export interface IdentityPickerProps {
  value: string | null;
  onChange: (identityId: string | null) => void;
  error?: string;
}

/** The identity that owns a key, found by a search of the tenant's identities on the server. */
export function IdentityPicker({ value, onChange, error }: IdentityPickerProps) {
  const { tenantId } = useScope();
  const [search, setSearch] = useState("");
  const selected = useQuery(IdentityDetailDocument, { variables: { id: value ?? "", tenantId }, skip: !value });
  const selectedLabel = value && selected.data ? identityLabel(selected.data.identity) : null;
  // Once an identity is picked the box shows its label: that is not a search.
  const term = search.trim() === selectedLabel ? "" : search.trim();
  const [debounced] = useDebouncedValue(term, 250);
  const list = useQuery(IdentityListDocument, { variables: { tenantId, filter: { search: debounced || undefined }, first: 20 } });

  const identities = new Map<string, IdentityLike>();
  if (value && selected.data) identities.set(value, selected.data.identity);
  for (const identity of list.data?.identities.nodes ?? []) identities.set(identity.id, identity);
  const data = [...identities.values()].map((identity) => ({ value: identity.id, label: identityLabel(identity) }));

  return (
    <Select
      label="Identity"
      description="The customer or user that owns the key: its rate limits apply to the key too. Optional."
      placeholder="Search by external id or name"
      searchable
      clearable
      data={data}
      value={value}
      onChange={(next) => onChange(next)}
      searchValue={search}
      onSearchChange={setSearch}
      // The server has filtered already.
      filter={({ options }) => options}
      nothingFoundMessage={list.loading ? "Searching…" : "No identity matches"}
      error={error}
    />
  );
}
