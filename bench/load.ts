import autocannon from "autocannon";

export interface Load {
  /** Where to send it (default /graphql). */
  path?: string;
  /** The request's JSON body; `bodies` cycles through many. */
  body?: string;
  bodies?: string[];
  credential?: string;
  /** Extra headers per request, cycled with `bodies` (X-Forwarded-For of many clients). */
  headerSets?: Array<Record<string, string>>;
  /** A status that is the expected answer, not an error (429 for throttled senders). */
  expectedStatus?: number;
}

export interface Figures {
  scenario: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** Answers with the load's expected status (429 for throttled senders). */
  expectedStatusCount?: number;
}

export function headers(credential?: string): Record<string, string> {
  return { "content-type": "application/json", ...(credential ? { authorization: `Bearer ${credential}` } : {}) };
}

/** Drives the server at `baseUrl` with autocannon over loopback for `duration` seconds. */
export async function drive(baseUrl: string, load: Load, connections: number, duration: number, name = ""): Promise<Figures> {
  let next = 0;
  const { bodies, headerSets } = load;
  const base = headers(load.credential);
  const cycling = bodies || headerSets;
  const result = await autocannon({
    url: `${baseUrl}${load.path ?? "/graphql"}`,
    connections,
    duration,
    method: "POST",
    headers: base,
    body: load.body,
    requests: cycling
      ? [
          {
            setupRequest: (request) => {
              const index = next++;
              return {
                ...request,
                body: bodies ? bodies[index % bodies.length] : load.body,
                headers: headerSets ? { ...base, ...headerSets[index % headerSets.length] } : base,
              };
            },
          },
        ]
      : undefined,
  });
  const expectedNon2xx = load.expectedStatus ? result.statusCodeStats?.[String(load.expectedStatus)]?.count ?? 0 : 0;
  return {
    scenario: name,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx - expectedNon2xx,
    expectedStatusCount: expectedNon2xx,
  };
}
