import fs from "node:fs";
import path from "node:path";
import { keysmithSchema, printKeysmithSchema } from "../../src/graphql/schema";
import { printOpenApi } from "../../src/http/openapi";

const committed = (file: string) => fs.readFileSync(path.resolve(__dirname, "../../schema", file), "utf8");

describe("the committed schemas (run `npm run schema` after changing an API)", () => {
  it("schema/schema.graphql is exactly the GraphQL schema the code builds", async () => {
    expect(printKeysmithSchema(await keysmithSchema())).toBe(committed("schema.graphql"));
  });

  it("schema/openapi.json is exactly the OpenAPI document the server serves", () => {
    expect(printOpenApi()).toBe(committed("openapi.json"));
  });
});
