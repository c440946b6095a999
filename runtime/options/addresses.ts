/**
 * GlusterFS's address checks (libglusterfs/src/common-utils.c valid_*_address, valid_host_name;
 * options.c validate_addr_list, valid_mount_auth_address), re-expressed without strtok state.
 * Quirks kept on purpose so that every volfile GlusterFS accepts is accepted here: an IPv4
 * octet may carry leading spaces, a dotted quad such as 999.1.1.1 is a valid host name.
 */
import { strtok } from './c-syntax.js';

const ALNUM = /^[A-Za-z0-9]$/;
const OCTET = /^[ \t\n\v\f\r]*[+-]?[0-9]+$/;
const HEXTET = /^[ \t\n\v\f\r]*[+-]?(?:0[xX])?[0-9a-fA-F]+$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const HOST_NAME_MAX = 255; // _POSIX_HOST_NAME_MAX

export function validIpv4(addr: string, wildcard: boolean): boolean {
  const last = addr[addr.length - 1];
  if (addr.length === 0 || addr.includes('..') || !(/[0-9]/.test(last!) || last === '*')) return false;
  const parts = strtok(addr, '.');
  let isWildcard = false;
  for (const p of parts) {
    if (wildcard && p === '*') {
      isWildcard = true;
      continue;
    }
    if (!OCTET.test(p)) return false;
    const v = Number.parseInt(p.trim(), 10);
    if (v < 0 || v > 255) return false;
  }
  return parts.length === 4 || (parts.length < 4 && isWildcard);
}

export function validIpv6(address: string, wildcard: boolean): boolean {
  const pct = address.indexOf('%'); // link-local zone id
  const addr = pct >= 0 ? address.slice(0, pct) : address;
  if (addr.length === 0 || addr.endsWith(':')) return false;
  let compressed = 0;
  for (let i = 0; i < addr.length - 1; i++) if (addr[i] === ':' && addr[i + 1] === ':') compressed++;
  if (compressed > 1) return false;
  const parts = strtok(addr, ':');
  let isWildcard = false;
  for (const p of parts) {
    if (wildcard && p === '*') {
      isWildcard = true;
      continue;
    }
    if (!HEXTET.test(p)) return false;
    const v = Number.parseInt(p.trim(), 16);
    if (v < 0 || v > 0xffff) return false;
  }
  return parts.length === 8 || (parts.length < 8 && (isWildcard || compressed === 1));
}

export function validHostName(addr: string): boolean {
  if (addr.length < 1 || addr.length > HOST_NAME_MAX || addr.includes('..')) return false;
  if (!ALNUM.test(addr[addr.length - 1]!)) return false;
  return strtok(addr, '.').every((label) => LABEL.test(label));
}

/** ipv4/mask with mask 1..32; the mask must be a whole integer (GlusterFS's atoi is laxer). */
function validCidr(addr: string, wildcard: boolean): boolean {
  const slash = addr.indexOf('/');
  if (slash < 0) return false;
  const mask = addr.slice(slash + 1);
  if (!/^[0-9]{1,2}$/.test(mask) || Number(mask) < 1 || Number(mask) > 32) return false;
  return validIpv4(addr.slice(0, slash), wildcard);
}

/** valid_internet_address(address, wildcard_acc, cidr) */
export function validInternetAddress(addr: string, wildcard: boolean, cidr: boolean): boolean {
  if (addr.length === 0) return false;
  return (cidr && validCidr(addr, wildcard)) || validIpv4(addr, wildcard) || validIpv6(addr, wildcard) || validHostName(addr);
}

/**
 * INTERNET_ADDRESS_LIST: either `addr,addr,...` (wildcards such as 192.168.* and CIDRs allowed)
 * or the sub-directory form `/dir(addr|addr),/dir2(addr)`. Returns the entries, trimmed of the
 * spaces people put after commas, or undefined when invalid.
 */
export function parseAddressList(value: string): string[] | undefined {
  const entries = strtok(value, ',').map((e) => e.trim()).filter((e) => e !== '');
  if (!value.startsWith('/') && !value.includes('(')) {
    return entries.every((e) => validInternetAddress(e, true, true)) ? entries : undefined;
  }
  for (const entry of entries) {
    const m = /^(\/[^(]*)\(([^)]*)\)$/.exec(entry);
    if (!m) return undefined;
    const addrs = strtok(m[2]!, '|');
    if (addrs.length === 0 || !addrs.every((a) => validInternetAddress(a.trim(), true, true))) return undefined;
  }
  return entries;
}

/** valid_ipv4_subnetwork: a.b.c.d/n with n 0..32. */
function validIpv4Subnet(addr: string): boolean {
  const slash = addr.indexOf('/');
  const prefix = addr.slice(slash + 1);
  if (!/^[+]?[0-9]+$/.test(prefix) || Number(prefix) > 32) return false;
  return validIpv4(addr.slice(0, slash), false);
}

/** valid_mount_auth_address: `*`, a pattern with * ? [, a subnet, an IP address or a host name. */
function validMountAuthAddress(addr: string): boolean {
  if (addr === '*') return true;
  for (const ch of addr) {
    if (ch === '*' || ch === '?' || ch === '[') return true; // patterns are not checked further
    if (ch === '/') return validIpv4Subnet(addr);
  }
  return validIpv4(addr, false) || validIpv6(addr, false) || validHostName(addr);
}

/** CLIENT_AUTH_ADDR: a non-empty comma-separated list of mount auth addresses. */
export function parseClientAuthAddr(value: string): string[] | undefined {
  const entries = strtok(value, ',').map((e) => e.trim()).filter((e) => e !== '');
  if (entries.length === 0 || !entries.every(validMountAuthAddress)) return undefined;
  return entries;
}
