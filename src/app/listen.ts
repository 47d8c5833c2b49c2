import type http from "node:http";
import net, { type AddressInfo } from "node:net";
import type { Config } from "./config";

/** A start that could not listen: one line naming the variable to change. */
export class ListenError extends Error {
  constructor(
    readonly variable: "HOST" | "PORT",
    message: string,
  ) {
    super(message);
    this.name = "ListenError";
  }
}

/** What a failure to listen means, for the operator: which variable to change. */
function listenError(error: NodeJS.ErrnoException, config: Config): ListenError {
  const where = `${config.host}:${config.port}`;
  switch (error.code) {
    case "EADDRINUSE":
      return new ListenError("PORT", `port ${config.port} on ${config.host} is in use; set PORT`);
    case "EACCES":
      return new ListenError("PORT", `listening on ${where} needs privileges this process lacks; set PORT (above 1023)`);
    case "EADDRNOTAVAIL":
      return new ListenError("HOST", `HOST ${config.host} is not an address of this machine; set HOST`);
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
      return new ListenError("HOST", `HOST ${config.host} is not an address or a name this machine resolves; set HOST`);
    default:
      return new ListenError("HOST", `cannot listen on ${where} (${error.code ?? error.message}); set HOST and PORT`);
  }
}

function bind(server: net.Server, config: Config): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => reject(listenError(error, config)));
    server.listen(config.port, config.host, () => resolve(server.address() as AddressInfo));
  });
}

/** Listens on HOST:PORT and returns the base URL, e.g. http://127.0.0.1:4000; or throws ListenError. */
export async function listen(server: http.Server, config: Config): Promise<string> {
  const address = await bind(server, config);
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Proves HOST:PORT can be listened on, and lets it go (the cluster's primary, before its workers listen). */
export async function probeListen(config: Config): Promise<void> {
  const probe = net.createServer();
  await bind(probe, config);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}
