import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** What an endpoint may be: the two switches of WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOW_PRIVATE. */
export interface TargetPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

/** A refused endpoint URL or address; the message says why, for the 400 and the delivery log. */
export class RefusedTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedTargetError';
  }
}

/**
 * Addresses a webhook may not reach unless WEBHOOK_ALLOW_PRIVATE=true: this host, the private
 * networks, link-local (the cloud metadata service at 169.254.169.254), unique-local, multicast and
 * the reserved ranges. An endpoint is someone else's URL that this service calls from inside.
 */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv6');
}

/**
 * Whether an IP address is internal in the sense above. BlockList checks an IPv4-mapped IPv6 address
 * (::ffff:127.0.0.1, which URL writes ::ffff:7f00:1) against the IPv4 rules.
 */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: never connect to it
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The URL, if its form is acceptable (scheme, no credentials); else RefusedTargetError. */
export function parseTargetUrl(raw: string, policy: TargetPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RefusedTargetError('url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    throw new RefusedTargetError(
      policy.allowHttp
        ? 'url must be http or https'
        : 'url must be https (http needs WEBHOOK_ALLOW_HTTP=true)',
    );
  }
  if (url.username || url.password) throw new RefusedTargetError('url must not carry credentials');
  return url;
}

export interface ResolvedTarget {
  url: URL;
  /** The address to connect to: checked here, and the only one the connection may use. */
  address: string;
  family: 4 | 6;
}

/**
 * Resolves the endpoint's host and checks every address it resolves to: one internal address is
 * enough to refuse it (a name that resolves to a public and a private address would otherwise be
 * a way in). The caller connects to `address` itself, so a second resolution (DNS rebinding) never
 * happens between this check and the connection.
 */
export async function resolveTarget(raw: string, policy: TargetPolicy): Promise<ResolvedTarget> {
  const url = parseTargetUrl(raw, policy);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (error) {
      throw new RefusedTargetError(
        `url's host ${host} does not resolve (${(error as { code?: string }).code})`,
      );
    }
  }
  if (addresses.length === 0) throw new RefusedTargetError(`url's host ${host} does not resolve`);
  if (!policy.allowPrivate) {
    const internal = addresses.find((a) => isInternalAddress(a.address));
    if (internal) {
      throw new RefusedTargetError(
        `url's host ${host} resolves to ${internal.address}, a loopback, private, link-local or unique-local ` +
          'address (allowed only with WEBHOOK_ALLOW_PRIVATE=true)',
      );
    }
  }
  return { url, address: addresses[0].address, family: addresses[0].family === 6 ? 6 : 4 };
}
