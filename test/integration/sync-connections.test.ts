// The connections built from the settings: the callback server tells the PBX the configured callback host
// together with the port it really bound, also when the settings leave the port to the system (callbackPort 0).
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/core/settings.js';
import { MemorySecretStore } from '../../src/platform/vault.js';
import { openConnections } from '../../src/sync/connections.js';

function statusOf(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('callback address from the settings', () => {
  it('a configured callback host with callbackPort 0 gets the port the server bound', async () => {
    const s = defaultSettings();
    const settings = { ...s, starface: { ...s.starface, baseUrl: 'http://127.0.0.1:9', callbackHost: 'bridge.example', callbackPort: 0 } };
    const conns = await openConnections(settings, new MemorySecretStore(), undefined, { callbackBind: '127.0.0.1' });
    try {
      const target = conns.callbacks!.register('1001');
      expect(target).toMatchObject({ type: 'http', host: 'bridge.example' });
      expect(target.port).toBeGreaterThan(0);
      // The advertised port is the one listening: the callback server answers there (405: only POST).
      expect(await statusOf(`http://127.0.0.1:${target.port}${target.path}`)).toBe(405);
    } finally {
      await conns.close();
    }
  });
});
