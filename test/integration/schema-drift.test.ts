import fs from "node:fs";
import path from "node:path";
import { keysmithSchema, printKeysmithSchema } from "../../src/graphql/schema";

describe("schema/schema.graphql", () => {
  it("is exactly the schema the code builds (run `npm run schema` after changing the API)", async () => {
    const committed = fs.readFileSync(path.resolve(__dirname, "../../schema/schema.graphql"), "utf8");
    expect(printKeysmithSchema(await keysmithSchema())).toBe(committed);
  });
});
