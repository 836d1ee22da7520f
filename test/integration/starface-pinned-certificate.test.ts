// A PBX behind a self-signed certificate issued for another name (issue 14 item 10), over real sockets: the
// STARFACE simulator behind a TLS front with such a certificate. The setup assistant offers to pin it (never to
// switch verification off); once pinned, the REST directory and UCI logins work through the shared transport —
// in the assistant and in the engine's connections — and a changed certificate is refused with its fingerprint.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SetupAssistant, openFileEnvironment, transportFor } from '../../src/setup/index.js';
import { tryUciLogin } from '../../src/setup/users.js';
import { startStarfaceSimulator, type StarfaceSimulator } from '../../src/simulators/starface/index.js';
import { openConnections } from '../../src/sync/connections.js';

async function selfSignedFor(name: string): Promise<{ cert: string; key: string; fingerprint: string }> {
  const p = await generate([{ name: 'commonName', value: name }], {
    keySize: 2048, algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: false }, { name: 'subjectAltName', altNames: [{ type: 2, value: name }] }],
  });
  return { cert: p.cert, key: p.private, fingerprint: new X509Certificate(p.cert).fingerprint256 };
}

let sim: StarfaceSimulator;
let front: https.Server;
let frontUrl: string;
let original: { cert: string; key: string; fingerprint: string };
const dirs: string[] = [];

beforeAll(async () => {
  sim = await startStarfaceSimulator({
    users: [
      { login: '0001', password: 'Admin-Pass', email: 'admin@example.com', firstName: 'Ad', familyName: 'Min', admin: true },
      { login: '1001', password: 'Pass1001', email: 'anna@example.com', firstName: 'Anna', familyName: 'Schmidt' },
    ],
  });
  original = await selfSignedFor('starface.local');
  // TLS in front of the simulator, as a PBX appliance with its factory certificate for "starface.local".
  front = https.createServer({ cert: original.cert, key: original.key }, (req, res) => {
    const target = new URL(sim.url);
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  frontUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
});

afterAll(async () => {
  front.closeAllConnections();
  await new Promise((resolve) => front.close(resolve));
  await sim.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function environment() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-pin-'));
  dirs.push(dir);
  const env = await openFileEnvironment({ settingsFile: path.join(dir, 'settings.json'), passphrase: 'pinning test passphrase' });
  const s = await env.loadSettings();
  await env.saveSettings({ ...s, starface: { ...s.starface, baseUrl: frontUrl, adminLogin: '0001', requestTimeoutMs: 5_000 } });
  await env.secrets.set('starface.adminPassword', 'Admin-Pass');
  await env.secrets.set('starface.user.1001.password', 'Pass1001');
  return env;
}

describe('pinning a PBX certificate issued for another name', () => {
  it('is offered by the setup assistant, then REST and UCI work through the pin, in setup and in the engine', async () => {
    const env = await environment();
    const a = new SetupAssistant(env);
    const r = await a.check('starface-connection', 'en');
    expect(r.status).toBe('fail');
    expect(r.trustOffer).toMatchObject({ kind: 'pin', certificate: { fingerprint256: original.fingerprint } });
    expect(r.message).toMatch(/cannot be verified the usual way \(the certificate is issued for another host name/);
    expect(r.fix).toContain(original.fingerprint);

    expect(await a.trustCertificate(r.trustOffer!.pem, { pin: true })).toEqual({ added: true });
    const settings = await env.loadSettings();
    expect(settings.starface.certificateFingerprint).toBe(original.fingerprint);
    expect(settings.network.extraCaPem).toEqual([]);

    expect((await a.check('starface-connection', 'en')).status).toBe('ok');
    const admin = await a.check('starface-admin', 'en');
    expect(admin.status, admin.message).toBe('ok');
    const transport = transportFor(settings);
    try {
      expect(await tryUciLogin(settings, transport, env, '1001')).toBeUndefined();
    } finally {
      transport.close();
    }

    const conns = await openConnections(settings, env.secrets, undefined, { withoutCallbacks: true });
    try {
      expect((await conns.directory!.listUsers()).map((u) => u.login).sort()).toEqual(['0001', '1001']);
    } finally {
      await conns.close();
    }
  });

  it('refuses a changed certificate with a message that shows the new fingerprint', async () => {
    const env = await environment();
    const s = await env.loadSettings();
    await env.saveSettings({ ...s, starface: { ...s.starface, certificateFingerprint: original.fingerprint } });
    const replaced = await selfSignedFor('starface.local');
    front.setSecureContext({ cert: replaced.cert, key: replaced.key });
    try {
      const a = new SetupAssistant(env);
      const r = await a.check('starface-admin', 'en');
      expect(r.status).toBe('fail');
      expect([r.message, ...r.details].join('\n')).toContain(replaced.fingerprint);
      const transport = transportFor(await env.loadSettings());
      try {
        expect(await tryUciLogin(await env.loadSettings(), transport, env, '1001')).toContain(replaced.fingerprint);
      } finally {
        transport.close();
      }
    } finally {
      front.setSecureContext({ cert: original.cert, key: original.key });
    }
  });
});
