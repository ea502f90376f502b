import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM files for a TLS test: a CA, and one certificate for 127.0.0.1 it signed (server and client use). */
export interface TestCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** Writes a throw-away CA and a certificate for IP 127.0.0.1 into `directory`, with openssl. */
export function createTestCertificates(directory: string): TestCertificates {
  const file = (name: string) => join(directory, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: directory, stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=liter-llm test CA',
  );
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'node.key', '-out', 'node.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(file('node.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'node.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'node.pem',
    '-days',
    '1',
    '-extfile',
    'node.ext',
  );
  return { caFile: file('ca.pem'), certFile: file('node.pem'), keyFile: file('node.key') };
}
