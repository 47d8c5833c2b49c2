import { LOCAL_ONLY, addressAllowed, buildBlockList, isGlobalUnicast, parseCidr, sourceOf } from "../../src/common/network";

describe("parseCidr", () => {
  it.each([
    ["10.0.0.0/8", { address: "10.0.0.0", bits: 8, family: "ipv4" }],
    ["192.168.1.7/32", { address: "192.168.1.7", bits: 32, family: "ipv4" }],
    ["0.0.0.0/0", { address: "0.0.0.0", bits: 0, family: "ipv4" }],
    ["192.168.1.7", { address: "192.168.1.7", bits: 32, family: "ipv4" }],
    ["2001:db8::/32", { address: "2001:db8::", bits: 32, family: "ipv6" }],
    ["::/0", { address: "::", bits: 0, family: "ipv6" }],
    ["fd00::1/128", { address: "fd00::1", bits: 128, family: "ipv6" }],
    ["::1", { address: "::1", bits: 128, family: "ipv6" }],
    ["::ffff:127.0.0.1", { address: "::ffff:127.0.0.1", bits: 128, family: "ipv6" }],
    [" 10.1.0.0/16 ", { address: "10.1.0.0", bits: 16, family: "ipv4" }],
  ])("parses %p", (text, cidr) => {
    expect(parseCidr(text)).toEqual(cidr);
  });

  it.each([
    ["", "empty"],
    ["localhost", "a host name"],
    [LOCAL_ONLY, "the LOCAL_ONLY literal"],
    ["10.0.0", "an incomplete IPv4 address"],
    ["256.0.0.1", "an IPv4 octet above 255"],
    ["10.0.0.0/33", "more than 32 bits for IPv4"],
    ["2001:db8::/129", "more than 128 bits for IPv6"],
    ["10.0.0.0/", "empty bits"],
    ["10.0.0.0/-1", "negative bits"],
    ["10.0.0.0/8a", "non-numeric bits"],
    ["10.0.0.0/1000", "four-digit bits"],
    ["10.0.0.0/8/8", "two slashes"],
    ["2001:db8:::1", "a malformed IPv6 address"],
    ["/8", "bits without an address"],
  ])("rejects %p (%s)", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe("buildBlockList and addressAllowed", () => {
  describe("LOCAL_ONLY", () => {
    const sut = buildBlockList([LOCAL_ONLY]);

    it.each(["127.0.0.1", "127.255.255.254", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "::ffff:7f00:1"])(
      "allows the loopback address %s",
      (address) => {
        expect(addressAllowed(sut, address)).toBe(true);
      },
    );

    it.each(["128.0.0.1", "10.0.0.1", "::2", "::ffff:10.0.0.1", "2001:db8::1", "0.0.0.0"])(
      "refuses the non-loopback address %s",
      (address) => {
        expect(addressAllowed(sut, address)).toBe(false);
      },
    );
  });

  describe("CIDR entries", () => {
    const sut = buildBlockList(["10.0.0.0/8", "192.168.1.7", "2001:db8::/32"]);

    it.each(["10.0.0.1", "10.255.255.255", "192.168.1.7", "2001:db8::1", "2001:db8:ffff::5", "::ffff:10.1.2.3"])(
      "allows %s",
      (address) => {
        expect(addressAllowed(sut, address)).toBe(true);
      },
    );

    it.each(["11.0.0.1", "192.168.1.8", "2001:db9::1", "::1", "127.0.0.1"])("refuses %s", (address) => {
      expect(addressAllowed(sut, address)).toBe(false);
    });

    it("matches the whole network when the entry has host bits set", () => {
      expect(addressAllowed(buildBlockList(["10.0.0.1/24"]), "10.0.0.200")).toBe(true);
    });
  });

  it.each(["", "not-an-ip", "10.0.0.0/8", "10.0.0.1:443", "[::1]", "localhost"])(
    "answers false for the invalid address %p instead of throwing",
    (address) => {
      const everything = buildBlockList(["0.0.0.0/0", "::/0"]);
      expect(addressAllowed(everything, address)).toBe(false);
    },
  );

  it("allows nothing with an empty list", () => {
    const sut = buildBlockList([]);
    expect(addressAllowed(sut, "127.0.0.1")).toBe(false);
    expect(addressAllowed(sut, "::1")).toBe(false);
  });

  it("skips entries that do not parse", () => {
    const sut = buildBlockList(["nonsense", "10.0.0.0/8"]);
    expect(addressAllowed(sut, "10.0.0.1")).toBe(true);
    expect(addressAllowed(sut, "11.0.0.1")).toBe(false);
  });
});

describe("sourceOf", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:ffff::1", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1", "fe80:0:0:0::/64"],
  ])("counts %s as %s", (address, source) => {
    expect(sourceOf(address)).toBe(source);
  });

  it("gives every address of one IPv6 /64 the same source", () => {
    expect(sourceOf("2001:db8:aa:bb::1")).toBe(sourceOf("2001:db8:aa:bb:ffff:ffff:ffff:ffff"));
    expect(sourceOf("2001:db8:aa:bb::1")).not.toBe(sourceOf("2001:db8:aa:bc::1"));
  });
});

describe("isGlobalUnicast", () => {
  it.each(["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])(
    "lets %s through",
    (address) => expect(isGlobalUnicast(address)).toBe(true),
  );

  it.each([
    ["loopback", "127.0.0.1"],
    ["loopback elsewhere in 127/8", "127.4.5.6"],
    ["IPv6 loopback", "::1"],
    ["private 10/8", "10.1.2.3"],
    ["private 172.16/12", "172.31.255.255"],
    ["private 192.168/16", "192.168.0.10"],
    ["shared (carrier-grade NAT)", "100.64.0.1"],
    ["link-local, cloud metadata", "169.254.169.254"],
    ["unspecified", "0.0.0.0"],
    ["documentation", "192.0.2.1"],
    ["benchmarking", "198.18.0.1"],
    ["multicast", "224.0.0.1"],
    ["reserved", "240.0.0.1"],
    ["broadcast", "255.255.255.255"],
    ["IPv6 unique local", "fd00:ec2::254"],
    ["IPv6 link-local", "fe80::1"],
    ["IPv6 link-local with a zone", "fe80::1%eth0"],
    ["IPv6 multicast", "ff02::1"],
    ["IPv6 documentation", "2001:db8::1"],
    ["IPv4-mapped loopback", "::ffff:127.0.0.1"],
    ["IPv4-mapped metadata", "::ffff:169.254.169.254"],
    ["NAT64 of a private address", "64:ff9b::a00:1"],
    ["6to4 of loopback", "2002:7f00:1::1"],
    ["Teredo", "2001:0:4136:e378::1"],
    ["not an address", "example.com"],
  ])("refuses %s (%s)", (_case, address) => expect(isGlobalUnicast(address)).toBe(false));
});
