// Certificate trust offers against real TLS servers: a self-signed PBX certificate can be trusted as it is; a
// leaf whose CA is not sent cannot (the CA file is needed); a host-name mismatch is never "fixed" by trusting.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/platform/http-transport.js';
import { analyzeTrust, chainLines, trustFailureText, verifiesWith } from '../../src/setup/certificate.js';

type Pems = Awaited<ReturnType<typeof generate>>;
const servers: https.Server[] = [];

async function serve(key: string, cert: string): Promise<string> {
  const server = https.createServer({ key, cert }, (_req, res) => res.end('{"nonce":"x"}'));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let selfSigned: Pems;
let selfSignedUrl: string;
let wrongNameUrl: string;
let ca: Pems;
let leafUrl: string;

beforeAll(async () => {
  selfSigned = await generate([{ name: 'commonName', value: 'pbx.example.test' }], {
    keyType: 'ec', algorithm: 'sha256', extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  selfSignedUrl = await serve(selfSigned.private, selfSigned.cert);
  const other = await generate([{ name: 'commonName', value: 'elsewhere' }], {
    keyType: 'ec', algorithm: 'sha256', extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'elsewhere.example.test' }] }],
  });
  wrongNameUrl = await serve(other.private, other.cert);
  ca = await generate([{ name: 'commonName', value: 'Test PBX CA' }], {
    keyType: 'ec', algorithm: 'sha256', extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, critical: true }],
  });
  const leaf = await generate([{ name: 'commonName', value: 'pbx' }], {
    keyType: 'ec', algorithm: 'sha256', ca: { key: ca.private, cert: ca.cert },
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  leafUrl = await serve(leaf.private, leaf.cert);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => { s.close(r); s.closeAllConnections(); })));
});

describe('certificate trust offer', () => {
  it('offers a self-signed certificate, and trusting it makes the real transport work', async () => {
    const t = await analyzeTrust(selfSignedUrl, []);
    expect(t.chain).toHaveLength(1);
    expect(t.chain[0]).toMatchObject({ subject: 'CN=pbx.example.test', selfSigned: true });
    expect(t.offer?.certificate.fingerprint256).toBe(t.chain[0]!.fingerprint256);
    expect(chainLines(t.chain, 'en')[0]).toMatch(/^Certificate 1 \(server, self-signed\): subject CN=pbx\.example\.test; issuer CN=pbx\.example\.test; valid \d{4}-\d\d-\d\d to/);

    const before = new HttpTransport({ connectTimeoutMs: 2000 });
    await expect(before.request({ url: selfSignedUrl })).rejects.toMatchObject({ code: 'tls' });
    before.close();
    const after = new HttpTransport({ extraCaPem: [t.offer!.pem], connectTimeoutMs: 2000 });
    expect((await after.request({ url: selfSignedUrl })).status).toBe(200);
    after.close();
  });

  it('offers nothing for a leaf whose CA is not sent; the CA itself fixes it', async () => {
    const t = await analyzeTrust(leafUrl, []);
    expect(t.chain[0]).toMatchObject({ subject: 'CN=pbx', issuer: 'CN=Test PBX CA', selfSigned: false });
    expect(t.offer).toBeUndefined();
    expect(trustFailureText(t.reason, 'en')).toBe('the issuing CA\'s certificate is not sent along');
    expect(await verifiesWith(leafUrl, [ca.cert])).toEqual({ ok: true });
  });

  it('never offers a certificate for the wrong host name as a CA; it offers to pin the server\'s own certificate instead', async () => {
    const t = await analyzeTrust(wrongNameUrl, []);
    expect(t.offer?.kind).toBe('pin');
    expect(t.offer?.certificate.fingerprint256).toBe(t.chain[0]?.fingerprint256);
    expect(trustFailureText(t.reason, 'en')).toBe('the certificate is issued for another host name');
  });
});
