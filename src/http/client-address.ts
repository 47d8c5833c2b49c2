import type { IncomingMessage } from "node:http";
import type { AddressSet } from "../common/network";

const normalise = (address: string): string => (address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address);

/**
 * The request's client address. X-Forwarded-For is believed only when the connection comes from a
 * trusted proxy, and then only back to the first hop that is not itself a trusted proxy.
 */
export function clientAddress(request: IncomingMessage, trustedProxies: AddressSet | null): string {
  const peer = normalise(request.socket.remoteAddress ?? "");
  if (!trustedProxies?.has(peer)) return peer;
  const header = request.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((hop) => normalise(hop.trim()))
    .filter(Boolean);
  for (let index = hops.length - 1; index >= 0; index--) {
    if (!trustedProxies.has(hops[index])) return hops[index];
  }
  return hops[0] ?? peer;
}
