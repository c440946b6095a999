/**
 * TLS on the I/O path, as GlusterFS's socket transport sets it up (ssl_setup_connection_params,
 * ssl_complete_connection in rpc/rpc-transport/socket/src/socket.c): both ends present a
 * certificate and verify the other's against their CA list, no host name is checked (bricks and
 * clients share one certificate setup), and the server takes the client's identity from its
 * certificate's common name (auth.login.<subvolume>.ssl-allow then decides).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';

/** The transport.socket.ssl-* options both protocol/client and protocol/server take. */
export const TLS_OPTION_TABLE = {
  'transport.socket.ssl-enabled': { type: 'bool', default: 'off', description: 'TLS on this connection (both ends must agree).' },
  'transport.socket.ssl-own-cert': { type: 'path', default: '/etc/ssl/glusterfs.pem', aliases: ['ssl-own-cert'], description: 'Our certificate chain (PEM).' },
  'transport.socket.ssl-private-key': { type: 'path', default: '/etc/ssl/glusterfs.key', aliases: ['ssl-private-key'], description: 'Our private key (PEM).' },
  'transport.socket.ssl-ca-list': { type: 'path', default: '/etc/ssl/glusterfs.ca', aliases: ['ssl-ca-list'], description: 'Certificates the peer\'s must chain to (PEM).' },
  'transport.socket.ssl-cert-depth': { type: 'int', min: 0, default: '1', description: 'Most CA certificates above the peer\'s (OpenSSL verify depth).' },
  'transport.socket.ssl-cipher-list': { type: 'str', default: 'AES128:EECDH:EDH:HIGH:!3DES:!RC4:!DES:!MD5:!aNULL:!eNULL', description: 'OpenSSL cipher list (TLS 1.2; TLS 1.3 suites are OpenSSL\'s defaults).' },
  'transport.socket.ssl-ec-curve': { type: 'str', default: 'prime256v1', description: 'ECDH curve.' },
  'transport.socket.ssl-dh-param': { type: 'path', description: 'DH parameters file (PEM), enabling DHE ciphers.' },
  'transport.socket.ssl-crl-path': {
    type: 'path',
    description: 'Certificate revocation lists (a directory of PEM files, as GlusterFS takes it, or one file) a server checks its clients\' chains against; clients check none, as in GlusterFS.',
  },
} as const;

export interface TlsSettings {
  ownCert: string;
  privateKey: string;
  caList: string;
  certDepth: number;
  cipherList: string;
  ecCurve: string;
  dhParam?: string;
  crlPath?: string;
}

/** The settings from a translator's option values (keys as in TLS_OPTION_TABLE). */
export function tlsSettings(o: Record<string, unknown>): TlsSettings {
  const str = (k: keyof typeof TLS_OPTION_TABLE) => o[k] as string | undefined;
  return {
    ownCert: str('transport.socket.ssl-own-cert')!,
    privateKey: str('transport.socket.ssl-private-key')!,
    caList: str('transport.socket.ssl-ca-list')!,
    certDepth: o['transport.socket.ssl-cert-depth'] as number,
    cipherList: str('transport.socket.ssl-cipher-list')!,
    ecCurve: str('transport.socket.ssl-ec-curve')!,
    dhParam: str('transport.socket.ssl-dh-param'),
    crlPath: str('transport.socket.ssl-crl-path'),
  };
}

/** Read a PEM file named by an option, saying which option when it cannot be. */
function pem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`cannot read the ${what} at ${path} (transport.socket.ssl-*): ${(err as Error).message}`, { cause: err });
  }
}

/** The revocation lists at `path`: every file of a directory (GlusterFS's CApath), or the file. */
function crls(path: string): Buffer[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory() ? readdirSync(path).map((n) => join(path, n)).filter((f) => statSync(f).isFile()) : [path];
  } catch (err) {
    throw new Error(`cannot read the certificate revocation lists at ${path} (transport.socket.ssl-crl-path): ${(err as Error).message}`, { cause: err });
  }
  return files.map((f) => pem(f, 'certificate revocation list'));
}

/**
 * What every connection of a translator shares: files are read once (at init, so a missing
 * certificate fails the translator, not each connection), and a context made from them at once
 * (so a bad one fails there too). TLS 1.2 or later, as OpenSSL 3 with GlusterFS's options (no
 * SSLv2/3, no tickets, no compression) allows.
 */
export interface TlsConfig {
  /** For tls.createServer, which makes its own context from these. */
  options: tls.SecureContextOptions;
  context: tls.SecureContext;
}

export function secureContext(s: TlsSettings, role: 'client' | 'server'): TlsConfig {
  const options: tls.SecureContextOptions = {
    cert: pem(s.ownCert, 'certificate'),
    key: pem(s.privateKey, 'private key'),
    ca: pem(s.caList, 'CA list'),
    ciphers: s.cipherList,
    ecdhCurve: s.ecCurve,
    dhparam: s.dhParam ? pem(s.dhParam, 'DH parameters') : undefined,
    // ssl_set_crl_verify_flags on servers only; ssl_clear_crl_verify_flags on clients.
    crl: s.crlPath && role === 'server' ? crls(s.crlPath) : undefined,
    minVersion: 'TLSv1.2',
    honorCipherOrder: true,
  };
  return { options, context: tls.createSecureContext(options) };
}

/**
 * SSL_CTX_set_verify_depth as OpenSSL 1.1 and later count it: the peer's certificate, at most
 * `depth` intermediate CA certificates, then the trust anchor. Node verifies the chain (any
 * depth); this counts it afterwards and refuses a longer one.
 */
export function checkDepth(socket: TLSSocket, depth: number): void {
  let cert: PeerCertificate | undefined = socket.getPeerCertificate(true);
  let above = -1;
  const seen = new Set<string>();
  while (cert && cert.fingerprint256 && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    above++;
    cert = (cert as { issuerCertificate?: PeerCertificate }).issuerCertificate;
  }
  // Above the peer: intermediates, then the anchor (none above a self-signed peer).
  const intermediates = Math.max(0, above - 1);
  if (intermediates > depth) throw new Error(`the peer's certificate chain has ${intermediates} intermediate CA certificate(s); transport.socket.ssl-cert-depth allows ${depth}`);
}

/** The peer certificate's first common name, as X509_NAME_get_text_by_NID gives it (ssl-name). */
export function peerCommonName(socket: TLSSocket): string | undefined {
  const cn = socket.getPeerCertificate().subject?.CN as string | string[] | undefined;
  return Array.isArray(cn) ? cn[0] : cn;
}

/**
 * A TLS client on a connected TCP socket: resolves once the handshake is done and the server's
 * certificate checked; rejects (and destroys the socket) when it is not. GlusterFS checks no
 * host name: the server must only hold a certificate our CA list vouches for.
 */
export function tlsClient(socket: Socket, ctx: tls.SecureContext, depth: number, timeoutMs = 10_000): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const t = tls.connect({ socket, secureContext: ctx, rejectUnauthorized: true, checkServerIdentity: () => undefined });
    const timer = setTimeout(() => t.destroy(new Error('TLS handshake timed out')), timeoutMs);
    t.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(Object.assign(new Error(`TLS handshake failed: ${err.message}`, { cause: err }), { code: 'TLS_HANDSHAKE' }));
    });
    t.once('secureConnect', () => {
      clearTimeout(timer);
      try {
        checkDepth(t, depth);
      } catch (err) {
        t.destroy();
        return reject(Object.assign(err as Error, { code: 'TLS_HANDSHAKE' }));
      }
      resolve(t);
    });
  });
}

/**
 * The server side: accepted TCP sockets handed to a tls.Server (its 'connection' event), which
 * runs the handshake, demands a client certificate the CA list vouches for (as
 * ssl_complete_connection drops a peer without one) and reports each outcome. `secure` gets the
 * TLS socket and the certificate's common name; `refused` a failed handshake (that socket is
 * gone, nothing else is touched).
 */
export function tlsAcceptor(
  cfg: TlsConfig,
  depth: number,
  secure: (socket: TLSSocket, name: string | undefined) => void,
  refused: (err: Error, peer: string) => void,
  timeoutMs = 10_000,
): { accept(socket: Socket): void; close(): void } {
  const server = tls.createServer({ ...cfg.options, requestCert: true, rejectUnauthorized: true, handshakeTimeout: timeoutMs });
  // Accepted sockets, with their peer as it was on arrival: a refused handshake may report after
  // the socket has lost its address, and close() ends the handshakes still running.
  const open = new Set<Socket>();
  const peers = new WeakMap<Socket, string>();
  const peerOf = (t: TLSSocket) => {
    const raw = (t as unknown as { _parent?: Socket })._parent;
    return (raw && peers.get(raw)) ?? (t.remoteAddress ? `${t.remoteAddress}:${t.remotePort ?? ''}` : 'a client that hung up');
  };
  server.on('secureConnection', (t: TLSSocket) => {
    try {
      checkDepth(t, depth);
    } catch (err) {
      const peer = peerOf(t);
      t.destroy();
      return refused(err as Error, peer);
    }
    secure(t, peerCommonName(t));
  });
  server.on('tlsClientError', (err, t) => {
    // A certificate the CA list does not vouch for ends the socket with a bare "socket hang up";
    // the verification error says why.
    const why = t.authorizationError ? `${String(t.authorizationError)} (${err.message})` : err.message;
    refused(new Error(`TLS handshake failed: ${why}`, { cause: err }), peerOf(t));
  });
  return {
    accept: (socket) => {
      peers.set(socket, socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort ?? ''}` : 'unix');
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      server.emit('connection', socket);
      socket.resume();
    },
    close: () => {
      for (const socket of open) socket.destroy();
      open.clear();
    },
  };
}
