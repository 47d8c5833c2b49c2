import http from "node:http";

/**
 * The ceiling the REST check is measured against: a bare node:http server, in its own process as
 * Keysmith is, that reads and parses the same JSON body and answers the same JSON a warm check
 * answers, doing nothing else.
 */
const answer = process.env.CEILING_ANSWER ?? "{}";
const length = String(Buffer.byteLength(answer));

const server = http.createServer((request, response) => {
  let body = "";
  request.setEncoding("utf8");
  request.on("data", (chunk: string) => (body += chunk));
  request.on("end", () => {
    JSON.parse(body);
    response.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": length });
    response.end(answer);
  });
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}`, msg: "ceiling ready" })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
