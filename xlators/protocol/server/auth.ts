import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { globRegExp } from '../../../runtime/options/glob.js';

/**
 * SETVOLUME authentication, as GlusterFS's auth/addr and auth/login modules decide it. Each
 * configured module answers accept, reject or "don't care"; one reject refuses the client, and
 * so does nobody accepting (gf_authenticate). A module is active only when some option of its
 * family is set (auth.addr.* / auth.ip.* for addr, auth.login.* for login).
 */
export type AuthResult = 'accept' | 'reject' | 'dont-care';

export interface AuthConfig {
  addrAllow: Readonly<Record<string, readonly string[]>>;
  addrReject: Readonly<Record<string, readonly string[]>>;
  ipAllow: Readonly<Record<string, readonly string[]>>;
  loginAllow: Readonly<Record<string, string>>;
  loginPassword: Readonly<Record<string, string>>;
  /** auth.login.<subvolume>.ssl-allow: certificate common names, by subvolume. */
  loginSslAllow: Readonly<Record<string, string>>;
  allowInsecure: boolean;
  strictAuthAccept: boolean;
}

export interface AuthRequest {
  /** remote-subvolume from the client's SETVOLUME dict. */
  subvolume: string;
  username?: string;
  password?: string;
  /**
   * On a TLS connection, the common name of the client's certificate (GlusterFS's ssl-name), ''
   * when it has none: set for every TLS client, so ssl-allow always applies to it.
   */
  sslName?: string;
  /** subdir-mount from the client (GlusterFS's `/dir(addr|addr)` entries apply to it). */
  subdir?: string;
  /** Peer address: an IP (IPv4-mapped IPv6 already unwrapped) and port, or a unix socket. */
  peer: { family: 'inet' | 'inet6'; address: string; port: number } | { family: 'unix'; address: string };
}

/** Resolves a host name to its addresses (tests inject one; default: the system resolver). */
export type HostResolver = (host: string) => Promise<string[]>;

const systemResolver: HostResolver = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

/** `::ffff:10.0.0.1` -> `10.0.0.1`: Node reports IPv4 clients of a dual-stack socket that way. */
export function unmapAddress(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

function ipv4ToInt(a: string): number | undefined {
  const p = a.split('.');
  if (p.length !== 4 || !p.every((x) => /^\d{1,3}$/.test(x) && Number(x) <= 255)) return undefined;
  return p.reduce((acc, x) => acc * 256 + Number(x), 0);
}

/** gf_is_ip_in_net: an IPv4 CIDR test. */
export function ipInNet(cidr: string, address: string): boolean {
  const [net, bits] = cidr.split('/');
  const n = ipv4ToInt(net ?? '');
  const a = ipv4ToInt(address);
  const b = Number(bits);
  if (n === undefined || a === undefined || !Number.isInteger(b) || b < 0 || b > 32) return false;
  const mask = b === 0 ? 0 : (0xffffffff << (32 - b)) >>> 0;
  return ((n & mask) >>> 0) === ((a & mask) >>> 0);
}

/** A plain host name or address (no glob, no CIDR): compared by address, as gf_is_same_address. */
async function sameAddress(entry: string, peer: string, resolve: HostResolver): Promise<boolean> {
  if (isIP(entry)) return unmapAddress(entry).toLowerCase() === peer.toLowerCase();
  try {
    return (await resolve(entry)).some((a) => unmapAddress(a).toLowerCase() === peer.toLowerCase());
  } catch {
    return false; // a name that does not resolve matches nobody
  }
}

const HOSTNAME = /^[A-Za-z0-9.-]+$/;

/**
 * compare_addr_and_update: true when one entry of the list matches the peer. `!` negates a
 * pattern or CIDR entry (as in GlusterFS, negation is not reset between entries).
 */
export async function addressListMatches(entries: readonly string[], peer: string, resolve: HostResolver = systemResolver): Promise<boolean> {
  let negate = false;
  for (let entry of entries) {
    entry = entry.trim();
    if (entry.startsWith('!')) {
      negate = true;
      entry = entry.slice(1);
    }
    if (entry === '') continue;
    if (entry[0] !== '*' && HOSTNAME.test(entry) && !entry.includes('*')) {
      if (await sameAddress(entry, peer, resolve)) return true;
    } else if (isIP(entry) === 6) {
      if (await sameAddress(entry, peer, resolve)) return true;
    } else if (entry.includes('/')) {
      const m = ipInNet(entry, peer);
      if (negate ? !m : m) return true;
    } else {
      const m = globRegExp(entry).test(peer);
      if (negate ? !m : m) return true;
    }
  }
  return false;
}

/**
 * parse_entries_and_compare: a plain list, or the sub-directory form `/dir(addr|addr)` where
 * only the entry naming the client's subdir-mount (default `/`) counts.
 */
async function listMatches(entries: readonly string[], peer: string, subdir: string, resolve: HostResolver): Promise<boolean> {
  const subdirForm = entries.length > 0 && (entries[0]!.startsWith('/') || entries.some((e) => e.includes('(')));
  if (!subdirForm) return addressListMatches(entries, peer, resolve);
  for (const e of entries) {
    const m = /^(\/[^(]*)\(([^)]*)\)$/.exec(e.trim());
    if (!m) return false;
    if (m[1] !== subdir) continue;
    if (await addressListMatches(m[2]!.split('|'), peer, resolve)) return true;
  }
  return false;
}

/** auth/addr's gf_auth. */
export async function authAddr(cfg: AuthConfig, req: AuthRequest, resolve: HostResolver = systemResolver): Promise<AuthResult> {
  const name = req.subvolume;
  const allow = cfg.addrAllow[name] ?? cfg.ipAllow[name];
  const reject = cfg.addrReject[name];
  if (!allow && !reject) return 'dont-care';
  const peer = req.peer;
  if (peer.family !== 'unix' && peer.port >= 1024 && !cfg.allowInsecure) return 'reject';
  const address = peer.family === 'unix' ? peer.address : unmapAddress(peer.address);
  const subdir = req.subdir ?? '/';
  if (reject && (await listMatches(reject, address, subdir, resolve))) return 'reject';
  if (allow && (await listMatches(allow, address, subdir, resolve))) return 'accept';
  return 'dont-care';
}

/**
 * auth/login's gf_auth. Over TLS the certificate's common name is the user, already
 * authenticated: with an ssl-allow list it must match an entry (or be refused), without one it
 * is "don't care"; a username and password sent as well are not looked at. Otherwise no
 * username is "don't care" (or reject with strict-auth-accept); a listed user must give the
 * password configured for it, and a user not in the list is "don't care", as GlusterFS lets such
 * clients through on another module's accept.
 */
export function authLogin(cfg: AuthConfig, req: AuthRequest): AuthResult {
  if (req.sslName !== undefined) {
    const allowed = cfg.loginSslAllow[req.subvolume];
    if (allowed === undefined) return 'dont-care';
    return listed(allowed, req.sslName) ? 'accept' : 'reject';
  }
  if (req.username === undefined || req.password === undefined) return cfg.strictAuthAccept ? 'reject' : 'dont-care';
  const allowed = cfg.loginAllow[req.subvolume];
  if (allowed === undefined) return 'dont-care';
  if (listed(allowed, req.username)) {
    const password = cfg.loginPassword[req.username];
    return password !== undefined && password === req.password ? 'accept' : 'reject';
  }
  return cfg.strictAuthAccept ? 'reject' : 'dont-care';
}

/** A name matches an auth.login list (names or wildcards, split on spaces and commas). */
function listed(list: string, name: string): boolean {
  return list.split(/[ ,]+/).some((pattern) => pattern !== '' && globRegExp(pattern).test(name));
}

/** Which modules are active: those with at least one option of their family. */
export function activeModules(cfg: AuthConfig): { addr: boolean; login: boolean } {
  const any = (r: Readonly<Record<string, unknown>>) => Object.keys(r).length > 0;
  return { addr: any(cfg.addrAllow) || any(cfg.addrReject) || any(cfg.ipAllow), login: any(cfg.loginAllow) || any(cfg.loginPassword) || any(cfg.loginSslAllow) };
}

/**
 * auth_set_username_passwd: the client sent a username the subvolume's auth.login allow list
 * names and that user's password. Such a client is trusted (never squashed), on TLS connections
 * too; a certificate name admitted by ssl-allow is not a login and trusts nobody.
 */
export function passwordLogin(cfg: AuthConfig, req: AuthRequest): boolean {
  const allowed = cfg.loginAllow[req.subvolume];
  if (req.username === undefined || req.password === undefined || allowed === undefined) return false;
  return listed(allowed, req.username) && cfg.loginPassword[req.username] === req.password;
}

/**
 * gf_authenticate: one reject wins, otherwise one accept is needed. `login` says that the client
 * logged in with a username and password auth.login lists for this subvolume (passwordLogin):
 * such a client is trusted (not squashed), as GlusterFS trusts clients that logged in.
 */
export async function authenticate(
  cfg: AuthConfig,
  req: AuthRequest,
  resolve: HostResolver = systemResolver,
): Promise<{ result: 'accept' | 'reject'; by?: string; login?: boolean }> {
  const mods = activeModules(cfg);
  let result: AuthResult = 'dont-care';
  if (mods.addr) {
    const r = await authAddr(cfg, req, resolve);
    if (r === 'reject') return { result: 'reject', by: 'auth.addr' };
    if (r === 'accept') result = 'accept';
  }
  if (mods.login) {
    const r = authLogin(cfg, req);
    if (r === 'reject') return { result: 'reject', by: 'auth.login' };
    if (r === 'accept') result = 'accept';
  }
  return result === 'accept' ? { result, login: passwordLogin(cfg, req) } : { result: 'reject', by: 'no auth module accepted the client' };
}
