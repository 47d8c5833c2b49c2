import type { CatalogView } from "./scope-evaluator";
import type { Access } from "./scope-grammar";

/** The scopes that protect Keysmith's own API (DESIGN.md, Management API). */
export const KeysScope = {
  LIST: "keys:list",
  VERIFY: "keys:verify",
  CREATE: "keys:create",
  UPDATE: "keys:update",
  REVOKE: "keys:revoke",
  DEFINE: "keys:define",
} as const;

export const PLATFORM_NAMESPACE = "platform";
export const PLATFORM_MANAGE = "platform:manage";

/** Granted to a tenant's first admin key by createTenant. */
export const TENANT_ADMIN_SCOPES = ["keys:*"];
/** Granted to root keys. */
export const ROOT_SCOPES = ["platform:*"];

/** The reserved namespaces as the first migration defines them; they cannot be redefined. */
export const RESERVED_CATALOG: CatalogView = new Map<string, ReadonlyMap<string, Access>>([
  [
    "keys",
    new Map<string, Access>([
      ["list", "READ"],
      ["verify", "READ"],
      ["create", "WRITE"],
      ["update", "WRITE"],
      ["revoke", "WRITE"],
      ["define", "WRITE"],
    ]),
  ],
  ["platform", new Map<string, Access>([["manage", "WRITE"]])],
]);
