import { BlockList, isIP } from "node:net";

/**
 * Who is on the other end of a request, by the trust model: the socket's peer,
 * unless that peer is a proxy the operator declared trusted (TRUSTED_PROXIES);
 * then the rightmost `X-Forwarded-For` hop that is not itself trusted. Headers
 * from anyone else are ignored: any client can write them.
 */
export class ClientAddresses {
  private readonly trusted = new BlockList();
  private readonly hasTrusted: boolean;

  /** `trustedProxies`: addresses and CIDRs, as parsed by `parseAddressList`. */
  constructor(trustedProxies: readonly AddressRange[]) {
    for (const range of trustedProxies) addRange(this.trusted, range);
    this.hasTrusted = trustedProxies.length > 0;
  }

  /** The client's address for a request that arrived from `peer` with these `X-Forwarded-For` values. */
  resolve(peer: string | undefined, forwardedFor: string | string[] | undefined): string {
    const direct = normalize(peer ?? "");
    if (!this.hasTrusted || !this.isTrusted(direct) || forwardedFor === undefined) return direct;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",").map((h) => normalize(h.trim()));
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      // Every hop to the right of this one was written by a trusted proxy; a proxy that
      // wrote garbage gives us nothing better than the peer itself.
      if (isIP(hop) === 0) return direct;
      if (!this.isTrusted(hop)) return hop;
    }
    // Only trusted proxies all the way: the leftmost is the origin.
    return hops[0] ?? direct;
  }

  /** Whether `address` (a socket's peer as Node reports it, or a header hop) is a trusted proxy. */
  isTrusted(address: string | undefined): boolean {
    const normalized = normalize(address ?? "");
    const family = isIP(normalized);
    return family !== 0 && this.trusted.check(normalized, family === 6 ? "ipv6" : "ipv4");
  }
}

export interface AddressRange {
  address: string;
  /** Prefix length; 32 (IPv4) or 128 (IPv6) for a single address. */
  prefix: number;
  family: 4 | 6;
}

/**
 * Parses "10.0.0.0/8, 127.0.0.1, ::1" into ranges; returns the first entry that
 * is not an address or CIDR as an error.
 */
export function parseAddressList(raw: string): { ok: true; ranges: AddressRange[] } | { ok: false; bad: string } {
  const ranges: AddressRange[] = [];
  for (const entry of raw.split(",").map((e) => e.trim()).filter((e) => e !== "")) {
    const [address = "", prefixText, ...rest] = entry.split("/");
    const family = isIP(address);
    const maxPrefix = family === 6 ? 128 : 32;
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    if (family === 0 || rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix
      || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
      return { ok: false, bad: entry };
    }
    ranges.push({ address, prefix, family: family as 4 | 6 });
  }
  return { ok: true, ranges };
}

/** A set of address ranges to test addresses against (rate-limit exemptions, say). */
export class AddressSet {
  private readonly list = new BlockList();
  readonly isEmpty: boolean;

  constructor(ranges: readonly AddressRange[]) {
    for (const range of ranges) addRange(this.list, range);
    this.isEmpty = ranges.length === 0;
  }

  has(address: string): boolean {
    const family = isIP(address);
    return !this.isEmpty && family !== 0 && this.list.check(address, family === 6 ? "ipv6" : "ipv4");
  }
}

function addRange(list: BlockList, range: AddressRange): void {
  list.addSubnet(range.address, range.prefix, range.family === 6 ? "ipv6" : "ipv4");
}

/** IPv4-mapped IPv6 ("::ffff:1.2.3.4") is the IPv4 address; brackets and zone ids go. */
function normalize(address: string): string {
  let a = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const zone = a.indexOf("%");
  if (zone >= 0) a = a.slice(0, zone);
  if (a.toLowerCase().startsWith("::ffff:") && isIP(a.slice(7)) === 4) return a.slice(7);
  return a;
}

/**
 * The key per-address limits count under: an IPv4 address as is, an IPv6 address by its /64
 * (one subscriber usually holds a whole /64, so per-address limits on IPv6 would be free to dodge).
 */
export function limitKeyOf(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(":")}::/64`;
}

function expandIpv6(address: string): string[] {
  let text = address.toLowerCase();
  // An embedded IPv4 tail ("::1.2.3.4") becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const fill = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => "0");
  return [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16).toString(16));
}
