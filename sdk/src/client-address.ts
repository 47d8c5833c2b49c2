import { BlockList, isIP } from "node:net";

/** `::ffff:203.0.113.7` is the IPv4 client 203.0.113.7, as Keysmith sees it. */
const unmapped = (address: string): string => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address);

/** One hop of X-Forwarded-For as an address: some proxies add a port (`203.0.113.7:4711`, `[2001:db8::1]:443`). */
function hopAddress(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return unmapped(bracketed[1]);
  const withPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return unmapped(withPort ? withPort[1] : hop);
}

/** The trusted proxies as a matcher: each entry an address or a CIDR (`10.0.0.0/8`, `2001:db8::/32`). */
export function trustedProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits, extra] = entry.trim().split("/");
    const family = isIP(address);
    const maxBits = family === 4 ? 32 : 128;
    const prefix = bits === undefined ? maxBits : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    // A zone id (fe80::1%eth0) names an interface of this host, not a network of proxies.
    if (family === 0 || address.includes("%") || extra !== undefined || !(prefix >= 0 && prefix <= maxBits)) {
      throw new TypeError(`trustedProxies: ${JSON.stringify(entry)} is not an IP address or CIDR`);
    }
    list.addSubnet(address, prefix, family === 4 ? "ipv4" : "ipv6");
  }
  return list;
}

const trusts = (list: BlockList, address: string): boolean => list.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");

/**
 * The client's address to pass to Keysmith as clientIp: the socket's peer, or, only when the peer
 * is a trusted proxy, the right-most X-Forwarded-For hop that is not itself a trusted proxy (every
 * hop to its left could have been written by the client). Null when it cannot be known, which
 * Keysmith answers as a check without an address (a key with an allowlist then fails closed):
 * never a proxy's own address, which an allowlist of the internal network would accept.
 */
export function clientAddress(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedProxies: BlockList | null): string | null {
  const peer = unmapped(remoteAddress ?? "");
  if (isIP(peer) === 0) return null;
  if (trustedProxies === null || !trusts(trustedProxies, peer)) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((hop) => hopAddress(hop.trim()))
    .filter((hop) => hop !== "");
  for (let index = hops.length - 1; index >= 0; index--) {
    if (isIP(hops[index]) === 0) return null;
    if (!trusts(trustedProxies, hops[index])) return hops[index];
  }
  return hops[0] ?? peer;
}
