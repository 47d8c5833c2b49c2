import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { type AddressSet, isGlobalUnicast } from "./network";

/** Raised when an outbound connection would reach an address the policy refuses. */
export class OutboundRefused extends Error {
  constructor(readonly address: string) {
    super("outbound connection refused by policy");
    this.name = "OutboundRefused";
  }
}

export interface OutboundPolicy {
  /** Addresses (CIDRs) an operator opened: reachable over http or https whatever their range. */
  allowed: AddressSet | null;
}

/** Whether a connection to `address` may be made: https to global unicast addresses, anything to allowed ones. */
export function mayConnect(policy: OutboundPolicy, address: string, secure: boolean): boolean {
  if (policy.allowed?.has(address)) return true;
  return secure && isGlobalUnicast(address);
}

type Lookup = NonNullable<net.TcpNetConnectOpts["lookup"]>;

/** A DNS lookup that refuses names resolving to an address the policy forbids, so DNS rebinding cannot get around it. */
function guardedLookup(policy: OutboundPolicy, secure: boolean): Lookup {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = addresses as dns.LookupAddress[];
      const refused = list.find((entry) => !mayConnect(policy, entry.address, secure));
      if (refused || list.length === 0) return callback(new OutboundRefused(refused?.address ?? hostname), "", 0);
      if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
}

/**
 * Agents for outbound requests: the address is checked where the connection is made, on every
 * attempt (a literal address directly, a name through the guarded lookup). Callers follow no
 * redirects (Node's http.get never does).
 */
export function outboundAgents(policy: OutboundPolicy): { http: http.Agent; https: https.Agent } {
  const guard = <T extends http.Agent>(agent: T, secure: boolean): T => {
    const createConnection = (agent as unknown as { createConnection: (options: net.NetConnectOpts, callback?: unknown) => net.Socket }).createConnection.bind(agent);
    Object.assign(agent, {
      createConnection(options: net.TcpNetConnectOpts, callback?: unknown) {
        const host = options.host ?? "localhost";
        if (net.isIP(host) !== 0 && !mayConnect(policy, host, secure)) throw new OutboundRefused(host);
        return createConnection({ ...options, lookup: guardedLookup(policy, secure) }, callback);
      },
    });
    return agent;
  };
  return { http: guard(new http.Agent({ keepAlive: false }), false), https: guard(new https.Agent({ keepAlive: false }), true) };
}
