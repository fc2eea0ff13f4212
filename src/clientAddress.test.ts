import { describe, expect, it } from "vitest";
import { AddressSet, ClientAddresses, limitKeyOf, parseAddressList } from "./clientAddress.ts";

function ranges(raw: string) {
  const parsed = parseAddressList(raw);
  if (!parsed.ok) throw new Error(`bad ${parsed.bad}`);
  return parsed.ranges;
}

describe("client addresses by the trust model", () => {
  const behindNginx = new ClientAddresses(ranges("127.0.0.1, 10.0.0.0/8, fd00::/8"));

  it.each([
    ["no trusted proxy: the peer, whatever the header says", new ClientAddresses([]), "127.0.0.1", "6.6.6.6", "127.0.0.1"],
    ["an untrusted peer's header is ignored", behindNginx, "203.0.113.9", "6.6.6.6", "203.0.113.9"],
    ["a trusted peer: the hop it appended", behindNginx, "127.0.0.1", "198.51.100.7", "198.51.100.7"],
    ["forged hops left of the real one are skipped", behindNginx, "127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"],
    ["trusted hops are walked through", behindNginx, "127.0.0.1", "198.51.100.7, 10.1.2.3", "198.51.100.7"],
    ["all hops trusted: the leftmost", behindNginx, "127.0.0.1", "10.0.0.5, 10.1.2.3", "10.0.0.5"],
    ["a trusted peer without the header: the peer", behindNginx, "127.0.0.1", undefined, "127.0.0.1"],
    ["garbage written by a trusted hop: the peer", behindNginx, "127.0.0.1", "not-an-ip", "127.0.0.1"],
    ["IPv4-mapped peers count as IPv4", behindNginx, "::ffff:127.0.0.1", "198.51.100.7", "198.51.100.7"],
    ["IPv6 hops", behindNginx, "fd00::1", "2001:db8::7", "2001:db8::7"],
  ])("%s", (_name, addresses, peer, header, expected) => {
    expect(addresses.resolve(peer, header)).toBe(expected);
  });

  it("joins repeated headers in order", () => {
    expect(behindNginx.resolve("127.0.0.1", ["6.6.6.6", "198.51.100.7"])).toBe("198.51.100.7");
  });
});

describe("parseAddressList", () => {
  it("reads addresses and CIDRs of both families", () => {
    expect(ranges(" 127.0.0.1 ,10.0.0.0/8,::1, 2001:db8::/32 ")).toEqual([
      { address: "127.0.0.1", prefix: 32, family: 4 },
      { address: "10.0.0.0", prefix: 8, family: 4 },
      { address: "::1", prefix: 128, family: 6 },
      { address: "2001:db8::", prefix: 32, family: 6 },
    ]);
    expect(ranges("")).toEqual([]);
  });

  it.each(["localhost", "10.0.0.0/33", "10.0.0.0/", "1.2.3.4/8/8", "::1/129", "10.0.0.0/x"])("refuses %s", (entry) => {
    expect(parseAddressList(`127.0.0.1,${entry}`)).toEqual({ ok: false, bad: entry });
  });
});

describe("limitKeyOf", () => {
  it("keys IPv4 per address and IPv6 per /64", () => {
    expect(limitKeyOf("198.51.100.7")).toBe("198.51.100.7");
    expect(limitKeyOf("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(limitKeyOf("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(limitKeyOf("::1")).toBe("0:0:0:0::/64");
    expect(limitKeyOf("2001:db8::")).toBe("2001:db8:0:0::/64");
  });
});

describe("AddressSet", () => {
  it("matches addresses inside its ranges only", () => {
    const set = new AddressSet(ranges("127.0.0.0/8, 2001:db8::/32"));
    expect(set.has("127.0.0.2")).toBe(true);
    expect(set.has("2001:db8::5")).toBe(true);
    expect(set.has("128.0.0.1")).toBe(false);
    expect(set.has("garbage")).toBe(false);
    expect(new AddressSet([]).has("127.0.0.1")).toBe(false);
  });
});
