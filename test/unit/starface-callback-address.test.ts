// Where the PBX sends call events: the callback host (settings or the local address facing the PBX) and port.
import { describe, expect, it } from 'vitest';
import { CallbackServer } from '../../src/starface/callback-server.js';
import { localAddressFacing } from '../../src/starface/local-address.js';

describe('callback address', () => {
  it('finds the local address that reaches a PBX on this machine, and explains a failure', async () => {
    expect(await localAddressFacing('http://127.0.0.1:8470')).toBe('127.0.0.1');
    await expect(localAddressFacing('http://no-such-host.invalid')).rejects.toThrow();
  });

  it('puts the public host and the bound port into the subscription target', async () => {
    const server = new CallbackServer({ publicHost: 'bridge.example' });
    const { url, port } = await server.start();
    try {
      expect(url).toBe(`http://bridge.example:${port}`);
      expect(server.register('1001')).toMatchObject({ type: 'http', host: 'bridge.example', port });
    } finally {
      await server.close();
    }
  });

  it('uses a NAT URL as given, including its port and path', async () => {
    const server = new CallbackServer({ publicUrl: 'https://gw.example:9443/bridge' });
    await server.start();
    try {
      expect(server.register('1001')).toMatchObject({ type: 'https', host: 'gw.example', port: 9443, path: expect.stringMatching(/^\/bridge\/starface\/events\/[\w-]{32}$/) });
    } finally {
      await server.close();
    }
  });
});
