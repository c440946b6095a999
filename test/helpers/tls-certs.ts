/**
 * Self-signed certificates for TLS tests, made with the openssl command (as GlusterFS's admin
 * guide makes them): one key and certificate per party, common name = the party's name, and a CA
 * list file holding the certificates a party trusts.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Party {
  cert: string;
  key: string;
}

/** A certificate and key for `name` (its common name) in `dir`. */
export function makeParty(dir: string, name: string): Party {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`], { stdio: 'ignore' });
  return { cert, key };
}

/** A certificate for `name` signed by `ca` (one level below it). */
export function makeSigned(dir: string, name: string, ca: Party): Party {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`], { stdio: 'ignore' });
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '2'], { stdio: 'ignore' });
  return { cert, key };
}

/** A CA list file trusting the given parties' certificates. */
export function caList(dir: string, name: string, parties: Party[]): string {
  const file = join(dir, `${name}.ca`);
  writeFileSync(file, parties.map((p) => readFileSync(p.cert, 'utf8')).join(''));
  return file;
}

/** The transport.socket.ssl-* options for a party trusting `ca`. */
export function tlsOptions(p: Party, ca: string): Record<string, string> {
  return { 'transport.socket.ssl-enabled': 'on', 'transport.socket.ssl-own-cert': p.cert, 'transport.socket.ssl-private-key': p.key, 'transport.socket.ssl-ca-list': ca };
}
