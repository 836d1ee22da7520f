// Issue 14 item 8 (wiring): settings.starface.callbackTls serves call events over HTTPS with a certificate kept in
// the vault (the same one after a restart), callbackAuth reaches the callback server, and the STARFACE check shows
// the certificate's fingerprint for the PBX admin.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/core/settings.js';
import { STARFACE_ADMIN_PASSWORD_SECRET } from '../../src/core/uci-credentials.js';
import { MemorySecretStore } from '../../src/platform/vault.js';
import { CALLBACK_TLS_SECRET } from '../../src/starface/callback-certificate.js';
import { checkStarface } from '../../src/sync/checks.js';
import { openConnections } from '../../src/sync/connections.js';
import { startStarfaceSimulator } from '../../src/simulators/starface/server.js';

describe('callback over HTTPS from the settings', () => {
  it('keeps one certificate in the vault, serves https and shows the fingerprint in the check', async () => {
    const sim = await startStarfaceSimulator({ users: 2 });
    const admin = sim.users.find((u) => u.admin)!;
    const s = defaultSettings();
    const settings = { ...s, starface: { ...s.starface, baseUrl: sim.url, adminLogin: admin.login, callbackHost: '127.0.0.1', callbackTls: true } };
    const secrets = new MemorySecretStore();
    await secrets.set(STARFACE_ADMIN_PASSWORD_SECRET, admin.password);
    const first = await openConnections(settings, secrets);
    let fingerprint: string | undefined;
    try {
      expect(first.callbacks!.publicUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(first.callbacks!.register('1001').type).toBe('https');
      fingerprint = first.callbacks!.certificateFingerprint;
      const kept = JSON.parse((await secrets.get(CALLBACK_TLS_SECRET))!) as { cert: string };
      expect(new X509Certificate(kept.cert).fingerprint256).toBe(fingerprint);
      const report = await checkStarface({ settings, secrets, conns: first, timeoutMs: 2_000 });
      expect(report.checks.find((c) => c.id === 'callback')?.message).toContain(fingerprint!);
    } finally {
      await first.close();
    }
    const again = await openConnections(settings, secrets);
    try {
      expect(again.callbacks!.certificateFingerprint).toBe(fingerprint);
    } finally {
      await again.close();
      await sim.close();
    }
  });
});
