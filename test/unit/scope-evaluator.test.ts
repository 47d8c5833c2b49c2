import {
  type CatalogView,
  type CheckMode,
  GrantSet,
  evaluateScopes,
  isGrantCovered,
  isGrantInCatalog,
} from "../../src/core/scope-evaluator";
import { type Access, RESERVED_NAMESPACES, parseGrant, parseRequirement } from "../../src/core/scope-grammar";
import { RESERVED_CATALOG } from "../../src/core/reserved-scopes";

const namespace = (operations: Record<string, Access>): ReadonlyMap<string, Access> => new Map(Object.entries(operations));

/** A tenant catalog plus the reserved namespaces, with namespaces lacking READ or WRITE operations. */
const catalog: CatalogView = new Map([
  ["users", namespace({ Get: "READ", GetAll: "READ", Delete: "WRITE" })],
  ["messaging", namespace({ ListChannels: "READ", SendMessage: "WRITE" })],
  ["reports", namespace({ Export: "READ" })],
  ["webhooks", namespace({ Fire: "WRITE" })],
  ["empty", namespace({})],
  ...RESERVED_CATALOG,
]);

const evaluate = (grants: readonly string[], required: readonly string[], mode: CheckMode = "ALL") =>
  evaluateScopes(catalog, GrantSet.of(grants), required, mode);

/** The scope that grants a single requirement, or undefined when it is missing. */
const grantingScope = (grants: readonly string[], required: string): string | undefined => {
  const decision = evaluate(grants, [required]);
  expect(decision.unknownScopes).toEqual([]);
  return decision.matchedScopes[0];
};

describe("scope grammar", () => {
  it.each([
    ["*:*", { kind: "all" }],
    ["*:read", { kind: "allRead" }],
    ["users:*", { kind: "namespaceAll", namespace: "users" }],
    ["users:read", { kind: "namespaceRead", namespace: "users" }],
    ["users:Get", { kind: "operation", namespace: "users", operation: "Get" }],
  ])("parses the grant %s", (scope, grant) => {
    expect(parseGrant(scope)).toEqual(grant);
  });

  it.each(["users:write", "*:write", "*:Get", "a:b:c", ":x", "x:", "", "users", "Users:*", "users:Read", "users: Get"])(
    "rejects %p as a grant",
    (scope) => {
      expect(parseGrant(scope)).toBeUndefined();
    },
  );

  it.each([
    ["users:read", { kind: "read", namespace: "users" }],
    ["users:write", { kind: "write", namespace: "users" }],
    ["users:Get", { kind: "operation", namespace: "users", operation: "Get" }],
  ])("parses the requirement %s", (scope, requirement) => {
    expect(parseRequirement(scope)).toEqual(requirement);
  });

  it.each(["*:*", "*:read", "users:*", "a:b:c", ":x", "x:", "", "users"])("rejects %p as a requirement", (scope) => {
    expect(parseRequirement(scope)).toBeUndefined();
  });
});

describe("evaluateScopes", () => {
  describe("each grant form", () => {
    it.each([
      // grant, required, granted?
      ["*:*", "users:Get", true],
      ["*:*", "users:Delete", true],
      ["*:*", "users:read", true],
      ["*:*", "users:write", true],
      ["*:read", "users:Get", true],
      ["*:read", "users:read", true],
      ["*:read", "users:Delete", false],
      ["*:read", "users:write", false],
      ["users:*", "users:Get", true],
      ["users:*", "users:Delete", true],
      ["users:*", "users:read", true],
      ["users:*", "users:write", true],
      ["users:*", "messaging:ListChannels", false],
      ["users:read", "users:Get", true],
      ["users:read", "users:GetAll", true],
      ["users:read", "users:read", true],
      ["users:read", "users:Delete", false],
      ["users:read", "users:write", false],
      ["users:read", "messaging:ListChannels", false],
      ["users:Get", "users:Get", true],
      ["users:Get", "users:GetAll", false],
      ["users:Get", "users:read", false],
      ["users:Get", "users:write", false],
      ["users:Delete", "users:Delete", true],
      ["users:Delete", "users:write", false],
    ])("%s grants %s: %p", (grant, required, granted) => {
      expect(grantingScope([grant], required)).toBe(granted ? grant : undefined);
    });
  });

  describe("resolution order *:* > *:read > ns:* > ns:read > ns:Operation", () => {
    const everyForm = ["users:Get", "users:read", "users:*", "*:read", "*:*"];

    it.each([
      [everyForm, "*:*"],
      [["users:Get", "users:read", "users:*", "*:read"], "*:read"],
      [["users:Get", "users:read", "users:*"], "users:*"],
      [["users:Get", "users:read"], "users:read"],
      [["users:Get"], "users:Get"],
    ])("reports the first matching grant of %j for a READ operation as %s", (grants, matched) => {
      expect(grantingScope(grants, "users:Get")).toBe(matched);
      expect(grantingScope([...grants].reverse(), "users:Get")).toBe(matched);
    });

    it.each([
      [["users:Delete", "users:read", "users:*", "*:read", "*:*"], "*:*"],
      [["users:Delete", "users:read", "users:*", "*:read"], "users:*"],
      [["users:Delete", "users:read", "*:read"], "users:Delete"],
    ])("reports the first matching grant of %j for a WRITE operation as %s", (grants, matched) => {
      expect(grantingScope(grants, "users:Delete")).toBe(matched);
    });

    it.each([
      [["users:read", "users:*", "*:read"], "*:read"],
      [["users:read", "users:*"], "users:*"],
      [["users:read"], "users:read"],
    ])("reports the first matching grant of %j for ns:read as %s", (grants, matched) => {
      expect(grantingScope(grants, "users:read")).toBe(matched);
    });
  });

  describe("matchedScopes and missingScopes", () => {
    it("lists the granting scopes in the order required, without repeats", () => {
      const sut = evaluate(
        ["users:read", "messaging:*"],
        ["messaging:SendMessage", "users:Get", "users:GetAll", "messaging:ListChannels", "users:read"],
      );
      expect(sut).toEqual({ allowed: true, unknownScopes: [], matchedScopes: ["messaging:*", "users:read"], missingScopes: [] });
    });

    it("lists the unsatisfied required scopes in the order required, without repeats", () => {
      const sut = evaluate(["users:read"], ["users:write", "users:Get", "users:Delete", "users:write"]);
      expect(sut).toEqual({
        allowed: false,
        unknownScopes: [],
        matchedScopes: ["users:read"],
        missingScopes: ["users:write", "users:Delete"],
      });
    });
  });

  describe("segments compare exactly", () => {
    it.each([
      ["users:Get", "users:GetAll"],
      ["users:GetAll", "users:Get"],
      ["user:*", "users:Get"],
      ["user:read", "users:read"],
      ["Users:*", "users:Get"],
      ["users:get", "users:Get"],
      [" users:Get", "users:Get"],
    ])("%p never satisfies %s", (grant, required) => {
      expect(grantingScope([grant], required)).toBeUndefined();
    });

    it("treats a required operation in another case as unknown", () => {
      expect(evaluate(["*:*"], ["users:get"]).unknownScopes).toEqual(["users:get"]);
    });
  });

  describe("read and write levels", () => {
    it.each(["users:Delete", "users:write", "webhooks:Fire", "webhooks:write"])("ns:read never satisfies %s", (required) => {
      const grant = `${required.split(":")[0]}:read`;
      expect(grantingScope([grant], required)).toBeUndefined();
    });

    it.each([
      ["*:*", true],
      ["users:*", true],
      ["*:read", false],
      ["users:read", false],
      ["users:Get", false],
      ["users:Delete", false],
      ["users:write", false],
    ])("ns:write is satisfied by %s: %p", (grant, granted) => {
      expect(grantingScope([grant], "users:write")).toBe(granted ? grant : undefined);
    });

    it("does not take ns:write as a grant, even with every WRITE operation of ns requested", () => {
      expect(evaluate(["users:write"], ["users:Delete", "users:write"])).toEqual({
        allowed: false,
        unknownScopes: [],
        matchedScopes: [],
        missingScopes: ["users:Delete", "users:write"],
      });
    });

    it("does not take *:write as a grant", () => {
      expect(grantingScope(["*:write"], "users:Delete")).toBeUndefined();
    });

    it("ignores malformed grants next to valid ones", () => {
      expect(grantingScope(["a:b:c", ":x", "garbage", "users:Get"], "users:Get")).toBe("users:Get");
    });
  });

  describe("read, write and * are never operation names", () => {
    it.each(["users:*", "*:read", "*:*"])("treats the requirement %s as an unknown scope", (required) => {
      expect(evaluate(["*:*", "users:*"], [required])).toEqual({
        allowed: false,
        unknownScopes: [required],
        matchedScopes: [],
        missingScopes: [required],
      });
    });

    it("does not satisfy ns:read by holding every READ operation of ns", () => {
      expect(grantingScope(["users:Get", "users:GetAll"], "users:read")).toBeUndefined();
    });
  });

  describe("namespace levels exist without operations of that access", () => {
    it.each([
      ["empty:read", "empty:read", "empty:read"],
      ["empty:*", "empty:read", "empty:*"],
      ["empty:*", "empty:write", "empty:*"],
      ["*:*", "empty:write", "*:*"],
      ["*:read", "empty:read", "*:read"],
      ["reports:*", "reports:write", "reports:*"],
      ["*:read", "webhooks:read", "*:read"],
      ["webhooks:read", "webhooks:read", "webhooks:read"],
    ])("%s satisfies %s", (grant, required, matched) => {
      expect(grantingScope([grant], required)).toBe(matched);
    });

    it.each([
      ["*:read", "empty:write"],
      ["empty:read", "empty:write"],
      ["reports:read", "reports:write"],
    ])("%s does not satisfy %s", (grant, required) => {
      expect(grantingScope([grant], required)).toBeUndefined();
    });
  });

  describe("unknown required scopes", () => {
    const unknown = ["nowhere:Get", "nowhere:read", "users:Nope", "empty:Get", "a:b:c", ":x", "users:", "", "users"];

    it.each(unknown.flatMap((scope) => (["ALL", "ANY"] as const).map((mode) => [scope, mode] as const)))(
      "never allows %p in mode %s, whatever else is granted",
      (scope, mode) => {
        const sut = evaluate(["*:*", "users:*"], ["users:Get", scope], mode);
        expect(sut).toEqual({ allowed: false, unknownScopes: [scope], matchedScopes: ["*:*"], missingScopes: [scope] });
      },
    );

    it("reports each unknown scope once", () => {
      expect(evaluate([], ["nowhere:Get", "users:Nope", "nowhere:Get"]).unknownScopes).toEqual(["nowhere:Get", "users:Nope"]);
    });
  });

  describe("reserved namespaces", () => {
    it.each(
      [...RESERVED_NAMESPACES].flatMap((reserved) =>
        ["*:*", "*:read"].flatMap((wildcard) =>
          [`${reserved}:read`, `${reserved}:write`, ...[...(catalog.get(reserved)?.keys() ?? [])].map((op) => `${reserved}:${op}`)].map(
            (required) => [wildcard, required] as const,
          ),
        ),
      ),
    )("%s never covers %s", (wildcard, required) => {
      expect(grantingScope([wildcard], required)).toBeUndefined();
    });

    it.each([
      ["keys:*", "keys:create", "keys:*"],
      ["keys:*", "keys:write", "keys:*"],
      ["keys:read", "keys:verify", "keys:read"],
      ["keys:list", "keys:list", "keys:list"],
      ["platform:*", "platform:manage", "platform:*"],
    ])("%s, naming the namespace, grants %s", (grant, required, matched) => {
      expect(grantingScope([grant, "*:*"], required)).toBe(matched);
    });

    it("leaves the wildcards working for the other namespaces of the same check", () => {
      const sut = evaluate(["*:*"], ["users:Delete", "keys:list"]);
      expect(sut).toMatchObject({ allowed: false, matchedScopes: ["*:*"], missingScopes: ["keys:list"] });
    });
  });

  describe("modes", () => {
    const grants = ["users:read"];
    const required = ["users:Get", "users:Delete"];

    it("ALL allows only when every required scope is satisfied", () => {
      expect(evaluate(grants, required, "ALL")).toEqual({
        allowed: false,
        unknownScopes: [],
        matchedScopes: ["users:read"],
        missingScopes: ["users:Delete"],
      });
      expect(evaluate(grants, ["users:Get", "users:GetAll"], "ALL").allowed).toBe(true);
    });

    it("ANY allows when at least one required scope is satisfied", () => {
      expect(evaluate(grants, required, "ANY")).toEqual({
        allowed: true,
        unknownScopes: [],
        matchedScopes: ["users:read"],
        missingScopes: ["users:Delete"],
      });
    });

    it("ANY refuses when no required scope is satisfied", () => {
      expect(evaluate(grants, ["users:Delete", "messaging:ListChannels"], "ANY").allowed).toBe(false);
    });

    it.each(["ALL", "ANY"] as const)("allows an empty required list in mode %s, even with no grants", (mode) => {
      expect(evaluate([], [], mode)).toEqual({ allowed: true, unknownScopes: [], matchedScopes: [], missingScopes: [] });
    });
  });
});

describe("GrantSet", () => {
  it("keeps the scopes it was built from, malformed ones included", () => {
    expect(GrantSet.of(["users:Get", "users:write"]).scopes).toEqual(["users:Get", "users:write"]);
  });
});

describe("isGrantCovered", () => {
  const covered = (grant: string, holder: readonly string[], include?: (ns: string) => boolean) =>
    isGrantCovered(catalog, grant, GrantSet.of(holder), include);

  it.each([
    ["users:Get", ["users:read"]],
    ["users:Get", ["users:*"]],
    ["users:Get", ["*:read"]],
    ["users:Get", ["*:*"]],
    ["users:Get", ["users:Get"]],
    ["users:Delete", ["users:*"]],
    ["users:Delete", ["*:*"]],
    ["users:read", ["*:read"]],
    ["users:read", ["users:*"]],
    ["users:*", ["*:*"]],
    ["*:read", ["*:*"]],
    ["*:read", ["users:read", "messaging:read", "reports:read", "webhooks:read", "empty:read"]],
    ["*:*", ["users:*", "messaging:*", "reports:*", "webhooks:*", "empty:*"]],
    ["keys:list", ["keys:read"]],
    ["keys:*", ["keys:*"]],
  ])("%s is covered by %j", (grant, holder) => {
    expect(covered(grant, holder)).toBe(true);
  });

  it.each([
    ["users:Get", ["users:GetAll"]],
    ["users:Get", ["messaging:*"]],
    ["users:Delete", ["users:read"]],
    ["users:Delete", ["*:read"]],
    ["users:*", ["users:read"]],
    ["users:*", ["*:read"]],
    ["users:read", ["users:Get", "users:GetAll"]],
    ["empty:*", ["empty:read"]],
    ["*:read", [] as string[]],
    ["*:*", ["users:*", "messaging:*", "reports:*", "webhooks:*"]],
    ["keys:list", ["*:*"]],
    ["keys:*", ["*:*"]],
    ["keys:*", ["keys:list", "keys:verify", "keys:create", "keys:update", "keys:revoke", "keys:define"]],
    ["platform:*", ["keys:*", "*:*"]],
  ])("%s is not covered by %j", (grant, holder) => {
    expect(covered(grant, holder)).toBe(false);
  });

  it("compares only the namespaces that include selects", () => {
    const reservedOnly = (ns: string) => RESERVED_NAMESPACES.has(ns);
    expect(covered("users:*", ["keys:list"], reservedOnly)).toBe(true);
    expect(covered("keys:create", ["users:*"], reservedOnly)).toBe(false);
  });
});

describe("isGrantInCatalog", () => {
  it.each(["*:*", "*:read", "users:*", "users:read", "users:Get", "empty:*", "empty:read", "keys:list", "platform:*"])(
    "knows %s",
    (scope) => {
      expect(isGrantInCatalog(catalog, scope)).toBe(true);
    },
  );

  it.each(["nowhere:*", "nowhere:read", "users:Nope", "users:get", "users:write", "*:write", "empty:Get", "a:b:c", ":x", ""])(
    "does not know %p",
    (scope) => {
      expect(isGrantInCatalog(catalog, scope)).toBe(false);
    },
  );
});
