import { clientAddress, trustedProxyList } from "../../sdk/src/client-address";

describe("clientAddress", () => {
  const proxies = trustedProxyList(["127.0.0.1", "10.0.0.0/8", "2001:db8:ffff::/48"]);

  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress("192.0.2.10", "203.0.113.7", null)).toBe("192.0.2.10");
    expect(clientAddress("192.0.2.10", "203.0.113.7", proxies)).toBe("192.0.2.10");
  });

  it("is the right-most hop that is not a trusted proxy when the peer is one", () => {
    expect(clientAddress("127.0.0.1", "203.0.113.7", proxies)).toBe("203.0.113.7");
    expect(clientAddress("10.1.2.3", "198.51.100.1, 203.0.113.7, 10.0.0.5", proxies)).toBe("203.0.113.7");
    expect(clientAddress("127.0.0.1", ["198.51.100.1", "203.0.113.7"], proxies)).toBe("203.0.113.7");
  });

  it("does not believe hops a client wrote to the left of the first untrusted one", () => {
    expect(clientAddress("127.0.0.1", "10.0.0.9, 203.0.113.7", proxies)).toBe("203.0.113.7");
  });

  it("is the peer when a trusted proxy sent no X-Forwarded-For, and the left-most hop when every hop is trusted", () => {
    expect(clientAddress("127.0.0.1", undefined, proxies)).toBe("127.0.0.1");
    expect(clientAddress("127.0.0.1", " , ", proxies)).toBe("127.0.0.1");
    expect(clientAddress("127.0.0.1", "10.0.0.1, 10.0.0.2", proxies)).toBe("10.0.0.1");
  });

  it("is unknown (null), never a proxy's own address, when the hop to believe is not an address", () => {
    expect(clientAddress("127.0.0.1", "unknown", proxies)).toBeNull();
    expect(clientAddress("127.0.0.1", "203.0.113.7, garbage, 10.0.0.1", proxies)).toBeNull();
    expect(clientAddress(undefined, "203.0.113.7", proxies)).toBeNull();
  });

  it("unwraps IPv4-mapped IPv6 addresses and hops with ports", () => {
    expect(clientAddress("::ffff:127.0.0.1", "::ffff:203.0.113.7", proxies)).toBe("203.0.113.7");
    expect(clientAddress("::ffff:192.0.2.1", undefined, null)).toBe("192.0.2.1");
    expect(clientAddress("127.0.0.1", "203.0.113.7:4711", proxies)).toBe("203.0.113.7");
    expect(clientAddress("127.0.0.1", "[2001:db8::1]:443", proxies)).toBe("2001:db8::1");
  });

  it("matches IPv6 proxies by prefix", () => {
    expect(clientAddress("2001:db8:ffff::1", "2001:db8::7", proxies)).toBe("2001:db8::7");
    expect(clientAddress("2001:db8:fffe::1", "2001:db8::7", proxies)).toBe("2001:db8:fffe::1");
  });
});

describe("trustedProxyList", () => {
  it.each(["", "localhost", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/8/8", "2001:db8::/129", "fe80::1%eth0"])("refuses %j", (entry) => {
    expect(() => trustedProxyList([entry])).toThrow(/trustedProxies/);
  });
});
