/**
 * Self-signed certificates for TLS tests, made with the openssl command (as GlusterFS's admin
 * guide makes them): one key and certificate per party, common name = the party's name, and a CA
 * list file holding the certificates a party trusts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Party {
  cert: string;
  key: string;
}

/** A self-signed certificate and key for `name` (its common name, unless `subject` says otherwise) in `dir`. */
export function makeParty(dir: string, name: string, subject = `/CN=${name}`): Party {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', subject], { stdio: 'ignore' });
  return { cert, key };
}

/**
 * A certificate for `name` signed by `ca`, itself a CA when `isCa`. The certificate file holds
 * the chain up to (not including) a self-signed root: the certificate, then `ca`'s file unless
 * `ca` is a root.
 */
export function makeSigned(dir: string, name: string, ca: Party & { root?: boolean }, isCa = false): Party {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const own = join(dir, `${name}.own.pem`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, isCa ? 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign,digitalSignature\n' : 'basicConstraints=CA:FALSE\n');
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`], { stdio: 'ignore' });
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', own, '-days', '2', '-extfile', ext], { stdio: 'ignore' });
  writeFileSync(cert, readFileSync(own, 'utf8') + (ca.root === false ? readFileSync(ca.cert, 'utf8') : ''));
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

/** A revocation list from `ca` (a root made by makeParty) revoking `revoked`, written into the folder `out`. */
export function makeCrl(dir: string, ca: Party, revoked: Party[], out: string): void {
  const db = join(dir, `crl-${Date.now()}`);
  mkdirSync(db);
  writeFileSync(join(db, 'index.txt'), '');
  writeFileSync(join(db, 'crlnumber'), '1000\n');
  const cnf = join(db, 'ca.cnf');
  writeFileSync(cnf, `[ca]\ndefault_ca = d\n[d]\ndatabase = ${join(db, 'index.txt')}\ncrlnumber = ${join(db, 'crlnumber')}\ndefault_md = sha256\ndefault_crl_days = 2\n`);
  const ca_ = ['-config', cnf, '-keyfile', ca.key, '-cert', ca.cert];
  for (const r of revoked) execFileSync('openssl', ['ca', ...ca_, '-revoke', r.cert], { stdio: 'ignore' });
  mkdirSync(out, { recursive: true });
  execFileSync('openssl', ['ca', ...ca_, '-gencrl', '-out', join(out, 'root.crl.pem')], { stdio: 'ignore' });
}
