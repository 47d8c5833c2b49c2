import http from "node:http";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/**
 * POSTs a GraphQL request from a given loopback source address (any of 127.0.0.0/8 works on
 * Linux), so tests can be many clients without trusting X-Forwarded-For.
 */
export function graphqlFrom(localAddress: string, url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<RawResponse> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        localAddress,
        agent: false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) }));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
