import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { buildSchema } from "graphql";
import { useMemo } from "react";
import schemaText from "../../../schema/schema.graphql?raw";
import { GRAPHQL_PATH } from "../app/apollo";
import { useScope, useSession } from "../app/session";
import { PageHeader } from "../components/common";

// The committed SDL is the server's schema: the explorer needs no introspection (off in production) and no network to load it.
const schema = buildSchema(schemaText);

/** GraphiQL keeps tabs, queries and responses (which may hold a new key's secret) in memory only, never in localStorage. */
function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
    clear: () => items.clear(),
    get length() {
      return items.size;
    },
  };
}

const DEFAULT_QUERY = `# The console's credential is sent with every request.
query Me {
  me {
    kind
    tenantId
    name
    scopes
  }
}
`;

export default function ExplorerPage() {
  const { session } = useSession();
  const { tenantId } = useScope();
  const credential = session!.credential;
  const fetcher = useMemo(
    () => createGraphiQLFetcher({ url: `${window.location.origin}${GRAPHQL_PATH}`, headers: { authorization: `Bearer ${credential}` } }),
    [credential],
  );
  const storage = useMemo(memoryStorage, []);

  return (
    <div className="ks-page" style={{ maxWidth: "none" }}>
      <PageHeader
        title="API explorer"
        description={
          tenantId
            ? `GraphiQL, signed in as you. As root, pass tenantId: "${tenantId}" to act in the tenant you picked.`
            : "GraphiQL, signed in as you. The schema documentation is in the left sidebar."
        }
      />
      <div className="ks-explorer">
        <GraphiQL fetcher={fetcher} schema={schema} storage={storage} defaultQuery={DEFAULT_QUERY} isHeadersEditorEnabled={false} />
      </div>
    </div>
  );
}
