import { BlockList, isIP } from "node:net";
import { LRUCache } from "lru-cache";

/** The allowlist literal meaning "loopback addresses only". */
export const LOCAL_ONLY = "LOCAL_ONLY";

export interface Cidr {
  address: string;
  bits: number;
  family: "ipv4" | "ipv6";
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or /128); undefined when invalid. */
export function parseCidr(text: string): Cidr | undefined {
  const parts = text.trim().split("/");
  if (parts.length > 2) return undefined;
  const [address, bitsText] = parts;
  // A zone id (fe80::1%eth0) names an interface of one host: no allowlist means that.
  if (address.includes("%")) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const maxBits = version === 4 ? 32 : 128;
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = bitsText === undefined ? maxBits : Number(bitsText);
  if (bits > maxBits) return undefined;
  return { address, bits, family: version === 4 ? "ipv4" : "ipv6" };
}

/** Builds a matcher from allowlist entries already validated by parseCidr (or LOCAL_ONLY). */
export function buildBlockList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    if (entry === LOCAL_ONLY) {
      list.addSubnet("127.0.0.0", 8, "ipv4");
      list.addAddress("::1", "ipv6");
      continue;
    }
    const cidr = parseCidr(entry);
    if (cidr) list.addSubnet(cidr.address, cidr.bits, cidr.family);
  }
  return list;
}

/** True when the address is in the list; IPv4-mapped IPv6 addresses match IPv4 ranges. */
export function addressAllowed(list: BlockList, address: string): boolean {
  const version = isIP(address);
  if (version === 0) return false;
  return list.check(address, version === 4 ? "ipv4" : "ipv6");
}

/**
 * Who sent a request, for budgets: an IPv4 address as it is, an IPv6 address as its /64 (one
 * subscriber's whole prefix: handing out addresses within it buys no larger budget).
 */
export function sourceOf(address: string): string {
  if (isIP(address) !== 6) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  const [head, tail = ""] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/**
 * A fixed set of addresses and ranges asked about on every request (trusted proxies): a request's
 * peer is one of a few load balancers, so answers are remembered instead of asked of BlockList
 * (which builds a SocketAddress each time).
 */
export class AddressSet {
  private readonly list: BlockList;
  private readonly answers = new LRUCache<string, boolean>({ max: 10_000 });

  constructor(entries: readonly string[]) {
    this.list = buildBlockList(entries);
  }

  has(address: string): boolean {
    let answer = this.answers.get(address);
    if (answer === undefined) {
      answer = addressAllowed(this.list, address);
      this.answers.set(address, answer);
    }
    return answer;
  }
}

/** Ranges that are never a public destination: private, loopback, link-local, shared, documentation, multicast, reserved. */
const NON_GLOBAL = buildBlockList([
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.88.99.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
  "::/128",
  "::1/128",
  "100::/64",
  "2001::/23",
  "2001:db8::/32",
  "fc00::/7",
  "fe80::/10",
  "fec0::/10",
  "ff00::/8",
]);

/** The IPv4 address an IPv6 address carries: IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 (2002::/16). */
function embeddedIpv4(address: string): string | undefined {
  const mapped = /^::ffff:(?:0:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  const words = expandIpv6(address);
  if (!words) return undefined;
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0 && words[4] === 0 && words[5] === 0xffff) return v4(words[6], words[7]);
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((word) => word === 0)) return v4(words[6], words[7]);
  if (words[0] === 0x2002) return v4(words[1], words[2]);
  return undefined;
}

/** The eight 16-bit words of an IPv6 address (dotted IPv4 tails included), or undefined. */
function expandIpv6(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split(".").map(Number);
    text = text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const words = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return words.length === 8 ? words.map((word) => parseInt(word, 16)) : undefined;
}

/**
 * Whether an address is a public (global unicast) destination: outbound requests (JWKS, webhooks)
 * go nowhere else unless an operator allows it. IPv6 forms that carry an IPv4 address (mapped,
 * NAT64, 6to4) are judged by that address.
 */
export function isGlobalUnicast(address: string): boolean {
  const version = isIP(address);
  if (version === 0) return false;
  if (version === 6) {
    const v4 = embeddedIpv4(address);
    if (v4 !== undefined) return isGlobalUnicast(v4);
    if (address.includes("%")) return false;
    const words = expandIpv6(address)!;
    // Global unicast is 2000::/3.
    if ((words[0] & 0xe000) !== 0x2000) return false;
  }
  return !addressAllowed(NON_GLOBAL, address);
}
