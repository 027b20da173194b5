// Throwaway PKI for TLS tests: a CA and server certificates made with openssl in a unique temp
// dir at test time (nothing checked in, nothing shared between runs).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface IssuedCert {
  certFile: string;
  keyFile: string;
}

export interface TestPki {
  dir: string;
  /** The CA certificate (PEM): what sip.tlsCaFile points at. */
  caFile: string;
  /** A server certificate signed by the CA for `ip` (IP SAN) and/or `dns` (DNS SAN); `days: -1` gives an expired one. */
  issue(name: string, opts: { ip?: string; dns?: string; days?: number }): IssuedCert;
  /** A self-signed server certificate (no CA) for `ip`. */
  selfSigned(name: string, ip: string): IssuedCert;
  dispose(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 15_000 });
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

export function makeTestPki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'softphone-pki-'));
  openssl(['req', '-x509', ...KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Softphone Test CA'], dir);
  const sanOf = (opts: { ip?: string; dns?: string }): string =>
    [opts.ip ? `IP:${opts.ip}` : '', opts.dns ? `DNS:${opts.dns}` : ''].filter(Boolean).join(',');
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    issue(name, opts) {
      fs.writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${sanOf(opts)}\nextendedKeyUsage=serverAuth\n`);
      openssl(['req', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${opts.dns ?? opts.ip ?? name}`], dir);
      openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', String(opts.days ?? 2), '-extfile', `${name}.ext`], dir);
      return { certFile: path.join(dir, `${name}.pem`), keyFile: path.join(dir, `${name}.key`) };
    },
    selfSigned(name, ip) {
      openssl(['req', '-x509', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${ip}`, '-addext', `subjectAltName=IP:${ip}`], dir);
      return { certFile: path.join(dir, `${name}.pem`), keyFile: path.join(dir, `${name}.key`) };
    },
    dispose() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
