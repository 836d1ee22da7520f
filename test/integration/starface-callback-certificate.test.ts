// Issue 14 item 8 (client side): HTTPS for the callback server with a certificate the bridge generates once and
// keeps in the vault (private key included); its SHA-256 fingerprint is what the PBX admin is shown, and a PBX
// that pins it reaches the server.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openVault, type Vault } from '../../src/platform/vault.js';
import { CALLBACK_TLS_SECRET, callbackCertificate } from '../../src/starface/callback-certificate.js';
import { CallbackServer } from '../../src/starface/callback-server.js';
import { encodeMethodCall } from '../../src/starface/xmlrpc/index.js';
import { waitFor } from './starface-helpers.js';

/** A real vault file (passphrase-protected, so no keychain entry is left behind). */
function vault(): Promise<Vault> {
  return openVault({ file: join(mkdtempSync(join(tmpdir(), 'pb-cbcert-')), 'vault.json'), passphrase: 'callback-cert-test' });
}

describe('callback certificate', () => {
  let server: CallbackServer | undefined;
  afterEach(() => server?.close());

  it('is generated once, kept in the vault and reused; renewed for another host or near expiry', async () => {
    const store = await vault();
    const first = await callbackCertificate(store, ['192.0.2.10', 'bridge.example']);
    expect(first.created).toBe(true);
    expect(first.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(JSON.parse((await store.get(CALLBACK_TLS_SECRET))!)).toEqual({ key: first.key, cert: first.cert });
    const x = new X509Certificate(first.cert);
    expect(x.checkIP('192.0.2.10')).toBe('192.0.2.10');
    expect(x.checkHost('bridge.example')).toBe('bridge.example');
    const again = await callbackCertificate(store, ['bridge.example']);
    expect(again).toMatchObject({ created: false, fingerprint256: first.fingerprint256 });
    expect((await callbackCertificate(store, ['198.51.100.7'])).created).toBe(true);
    const later = new Date(Date.now() + (5 * 365 - 10) * 86_400_000);
    expect((await callbackCertificate(store, ['198.51.100.7'], later)).created).toBe(true);
    await store.set(CALLBACK_TLS_SECRET, '{"key":"damaged"');
    expect((await callbackCertificate(store, ['198.51.100.7'])).created).toBe(true);
    await expect(callbackCertificate(store, [])).rejects.toThrow(/callback host/);
  });

  it('serves HTTPS with it: a PBX that checks the shown fingerprint delivers call events', async () => {
    const cert = await callbackCertificate(await vault(), ['127.0.0.1']);
    server = new CallbackServer({ tls: { key: cert.key, cert: cert.cert } });
    const { url } = await server.start();
    const target = server.register('1001');
    expect(target.type).toBe('https');
    expect(server.certificateFingerprint).toBe(cert.fingerprint256);
    const body = encodeMethodCall('ucp.v30.events.call.receiveCallState', [{ id: 'c1', state: 'RINGING' }]);
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request(`${url}${target.path}?de.vertico.starface.user=1001`, {
        method: 'POST', headers: { 'content-type': 'text/xml' }, rejectUnauthorized: false,
        checkServerIdentity: (_host, peer) => {
          const seen = createHash('sha256').update(peer.raw).digest('hex').toUpperCase().match(/../g)!.join(':');
          return seen === cert.fingerprint256 ? undefined : new Error('fingerprint mismatch');
        },
      }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(200);
    await waitFor(() => server!.telephonyState('1001') === 'ringing', 'ringing over https');
  });
});
