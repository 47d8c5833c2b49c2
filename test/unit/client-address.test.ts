import type { IncomingMessage } from "node:http";
import { AddressSet } from "../../src/common/network";
import { clientAddress } from "../../src/http/client-address";

/** Just what clientAddress reads of a request: the peer address and the headers. */
function request(remoteAddress: string | undefined, forwardedFor?: string | string[]): IncomingMessage {
  const headers = forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor };
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

const CLIENT = "203.0.113.7";
const trustedProxies = new AddressSet(["10.0.0.0/8", "2001:db8::/32"]);

describe("clientAddress", () => {
  describe("without trusted proxies", () => {
    it("answers the peer address", () => {
      expect(clientAddress(request("198.51.100.4"), null)).toBe("198.51.100.4");
    });

    it("ignores X-Forwarded-For", () => {
      expect(clientAddress(request("198.51.100.4", CLIENT), null)).toBe("198.51.100.4");
    });

    it("answers an IPv4-mapped peer as plain IPv4", () => {
      expect(clientAddress(request("::ffff:198.51.100.4"), null)).toBe("198.51.100.4");
    });

    it("keeps an IPv6 peer as it is", () => {
      expect(clientAddress(request("2001:db9::1"), null)).toBe("2001:db9::1");
    });
  });

  describe("from a peer that is not a trusted proxy", () => {
    it("ignores X-Forwarded-For and answers the peer address", () => {
      expect(clientAddress(request("198.51.100.4", `${CLIENT}, 10.0.0.2`), trustedProxies)).toBe("198.51.100.4");
    });
  });

  describe("from a trusted proxy", () => {
    it("answers the address the proxy saw", () => {
      expect(clientAddress(request("10.0.0.1", CLIENT), trustedProxies)).toBe(CLIENT);
    });

    it("answers the peer address when there is no X-Forwarded-For", () => {
      expect(clientAddress(request("10.0.0.1"), trustedProxies)).toBe("10.0.0.1");
    });

    it("skips trusted hops from the right and stops at the first untrusted one", () => {
      expect(clientAddress(request("10.0.0.1", `${CLIENT}, 10.0.0.3, 10.0.0.2`), trustedProxies)).toBe(CLIENT);
    });

    it("ignores addresses the client wrote into X-Forwarded-For itself", () => {
      expect(clientAddress(request("10.0.0.1", `1.1.1.1, 8.8.8.8, ${CLIENT}`), trustedProxies)).toBe(CLIENT);
    });

    it("answers the leftmost hop when every hop is a trusted proxy", () => {
      expect(clientAddress(request("10.0.0.1", "10.0.0.9, 10.0.0.2"), trustedProxies)).toBe("10.0.0.9");
    });

    it("reads X-Forwarded-For given as several header lines", () => {
      expect(clientAddress(request("10.0.0.1", ["1.1.1.1", `${CLIENT}, 10.0.0.2`]), trustedProxies)).toBe(CLIENT);
    });

    it("treats IPv4-mapped IPv6 addresses like their IPv4 form", () => {
      expect(clientAddress(request("::ffff:10.0.0.1", `::ffff:${CLIENT}, ::ffff:10.0.0.2`), trustedProxies)).toBe(CLIENT);
    });

    it("trusts IPv6 proxies and answers IPv6 clients", () => {
      expect(clientAddress(request("2001:db8::1", "2001:db9::42, 2001:db8::2"), trustedProxies)).toBe("2001:db9::42");
    });

    it("ignores empty entries in X-Forwarded-For", () => {
      expect(clientAddress(request("10.0.0.1", ` , ${CLIENT},, `), trustedProxies)).toBe(CLIENT);
    });
  });

  describe("with LOCAL_ONLY as the trusted proxies", () => {
    const local = new AddressSet(["LOCAL_ONLY"]);

    it("believes a proxy on the same host", () => {
      expect(clientAddress(request("127.0.0.1", CLIENT), local)).toBe(CLIENT);
      expect(clientAddress(request("::1", CLIENT), local)).toBe(CLIENT);
      expect(clientAddress(request("::ffff:127.0.0.1", CLIENT), local)).toBe(CLIENT);
    });

    it("does not believe any other peer", () => {
      expect(clientAddress(request("198.51.100.4", "127.0.0.1"), local)).toBe("198.51.100.4");
    });
  });
});
