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
