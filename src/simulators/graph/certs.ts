// A throw-away certificate authority and a server certificate signed by it, made at simulator start.
// Clients trust the CA through the transport's extra-CA setting, exactly as they would a corporate CA.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { generate } from 'selfsigned';

export interface ServerCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export async function createServerCertificates(hosts: string[]): Promise<ServerCertificates> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 30 * 24 * 3600_000);
    // A unique name per run: trust stores find issuers by name, so two simulators' CAs must not share one.
  const caName = `Presence Bridge Graph Simulator CA ${randomBytes(4).toString('hex')}`;
  const ca = await generate([{ name: 'commonName', value: caName }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate, notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...hosts])];
  const server = await generate([{ name: 'commonName', value: names[0] === 'localhost' ? 'localhost' : names[0]! }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate, notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })) },
    ],
  });
  return { caPem: ca.cert, certPem: server.cert, keyPem: server.private };
}
