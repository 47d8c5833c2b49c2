import { emptySelection, grantsOf, parseScopeList, selectionOf } from "../../console/src/lib/scopes";

const catalog = [
  { name: "example", operations: [{ name: "ListItems", access: "READ" as const }, { name: "DeleteItem", access: "WRITE" as const }] },
  { name: "messaging", operations: [{ name: "SendMessage", access: "WRITE" as const }] },
];

describe("console scopes picker model", () => {
  it("turns levels and single operations into grants, in catalog order", () => {
    const selection = {
      wildcard: false,
      namespaces: { messaging: { level: "custom" as const, operations: ["SendMessage"] }, example: { level: "read" as const, operations: [] } },
    };
    expect(grantsOf(selection, catalog)).toEqual(["example:read", "messaging:SendMessage"]);
    expect(grantsOf({ wildcard: true, namespaces: { example: { level: "write", operations: [] } } }, catalog)).toEqual(["*:*", "example:*"]);
    expect(grantsOf(emptySelection(), catalog)).toEqual([]);
  });

  it("reads a key's grants back, keeping what the picker cannot show", () => {
    const { selection, other } = selectionOf(["example:*", "messaging:SendMessage", "*:read", "gone:read"], catalog);
    expect(selection.namespaces.example.level).toBe("write");
    expect(selection.namespaces.messaging).toEqual({ level: "custom", operations: ["SendMessage"] });
    expect(other).toEqual(["*:read", "gone:read"]);
    expect(grantsOf(selection, catalog)).toEqual(["example:*", "messaging:SendMessage"]);
  });

  it("splits required scopes on spaces and commas", () => {
    expect(parseScopeList(" example:read,messaging:SendMessage  keys:list ")).toEqual(["example:read", "messaging:SendMessage", "keys:list"]);
  });
});
