import type { ApolloServerPlugin } from "@apollo/server";

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!);

/** The page GET /graphql answers: what this endpoint is and where to go, with nothing fetched from the internet. */
export function landingPageHtml(url: string, sandbox: boolean): string {
  const endpoint = `${url}/graphql`;
  const curl = [
    `curl -s ${endpoint} \\`,
    `  -H 'content-type: application/json' \\`,
    `  -H "authorization: Bearer $KEYSMITH_KEY" \\`,
    `  -d '{"query":"{ me { kind tenantId name scopes } }"}'`,
  ].join("\n");
  const sandboxLink = sandbox
    ? `<li><a href="https://studio.apollographql.com/sandbox/explorer?endpoint=${encodeURIComponent(endpoint)}">Apollo Sandbox</a>
        (online; add an <code>Authorization</code> header)</li>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Keysmith GraphQL API</title>
  <style>
    body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; color: #1f2328; }
    code, pre { font-family: ui-monospace, monospace; font-size: 0.9em; }
    pre { background: #f6f8fa; padding: 1rem; border-radius: 6px; overflow-x: auto; }
    a { color: #0b57d0; }
  </style>
</head>
<body>
  <main>
    <h1>Keysmith GraphQL API</h1>
    <p>This endpoint runs GraphQL operations sent with <code>POST</code> and
      <code>content-type: application/json</code>, authenticated with
      <code>Authorization: Bearer &lt;key or token&gt;</code>. A <code>GET</code> never runs one:
      a query in a URL would put keys in access logs.</p>
    <ul>
      <li><a href="/console/">Web console</a>: keys, audit log, scopes and, for root, tenants.</li>
      <li><a href="/console/explorer">API explorer</a>: GraphiQL, bundled with the console (works offline).</li>
      ${sandboxLink}
    </ul>
    <h2>From a terminal</h2>
    <pre><code>${escapeHtml(curl)}</code></pre>
  </main>
</body>
</html>
`;
}

/**
 * Serves the landing page in place of Apollo's own (which loads Sandbox from a CDN and says only
 * that it is offline when it cannot). `url` is read when the page is first asked for, after the
 * server listens.
 */
export function landingPagePlugin(url: () => string, sandbox: boolean): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html: async () => landingPageHtml(url(), sandbox) };
        },
      };
    },
  };
}
