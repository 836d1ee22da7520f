// Issue 14 item 6: login must not depend on methods a PBX may not have. The generation (v30/v22) of each service
// comes from service.getProvidedRequests; getUserState and the chat presence setter probe are non-fatal; a method
// answered with a fault, HTTP 500 or an HTML page falls back; a failed probe never reads as "credentials not
// accepted" and is not repeated at the next login. The PBX here is the simulator behind a small HTTP proxy that
// answers like the real variants the reference describes (no shared code with the client).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UciUnsupportedError } from '../../src/starface/errors.js';
import { UciSessionPool } from '../../src/starface/uci-session-pool.js';
import { startStarfaceSimulator, type StarfaceSimulator } from '../../src/simulators/starface/server.js';
import { listenOnLoopback, RecordingTransport, waitFor } from './starface-helpers.js';

interface Variant {
  /** Method names (without the ucp.vNN.requests. prefix) answered with HTTP 500 and an HTML page, per generation. */
  missing: { v30?: string[]; v22?: string[] };
  /** Rewrites the getProvidedRequests answer; null = that request itself is missing. */
  provided?: ((xml: string) => string) | null;
}

const HTML_500 = '<html><head><title>Apache Tomcat - Error report</title></head><body><h1>HTTP Status 500</h1></body></html>';

async function startVariant(sim: StarfaceSimulator, variant: Variant): Promise<{ url: string; close: () => Promise<void> }> {
  const target = new URL(sim.url);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const name = /<methodName>\s*ucp\.(v\d\d)\.requests\.([\w.]+)\s*<\/methodName>/.exec(body.toString('utf8'));
      const gen = name?.[1] as 'v30' | 'v22' | undefined;
      const method = name?.[2] ?? '';
      const isProvided = method === 'service.getProvidedRequests';
      if ((gen && variant.missing[gen]?.includes(method)) || (isProvided && variant.provided === null)) {
        res.writeHead(500, { 'content-type': 'text/html;charset=utf-8' });
        res.end(HTML_500);
        return;
      }
      const fwd = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        const parts: Buffer[] = [];
        up.on('data', (c: Buffer) => parts.push(c));
        up.on('end', () => {
          let out = Buffer.concat(parts).toString('utf8');
          if (isProvided && variant.provided) out = variant.provided(out);
          const headers = { ...up.headers, 'content-length': String(Buffer.byteLength(out)) };
          res.writeHead(up.statusCode ?? 502, headers);
          res.end(out);
        });
      });
      fwd.on('error', () => res.destroy());
      fwd.end(body);
    });
  });
  return listenOnLoopback(server);
}

const SETTINGS = { keepAliveMs: 60_000, stateRefreshMs: 0, backoffInitialMs: 50, backoffMaxMs: 100 };
const asked = (t: RecordingTransport, name: string): number => t.sent.filter((r) => r.body.includes(`<methodName>${name}</methodName>`)).length;

describe('UCI login with optional methods', () => {
  let sim: StarfaceSimulator;
  beforeAll(async () => {
    sim = await startStarfaceSimulator({ users: 6 });
  });
  afterAll(() => sim.close());

  async function withPool(variant: Variant, run: (pool: UciSessionPool, t: RecordingTransport) => Promise<void>, settings: object = {}): Promise<void> {
    const proxy = await startVariant(sim, variant);
    const transport = new RecordingTransport();
    const passwords = new Map(sim.users.map((u) => [u.login, u.password]));
    const pool = new UciSessionPool({ baseUrl: proxy.url, transport, passwordFor: (l) => passwords.get(l), settings: { ...SETTINGS, ...settings } });
    try {
      await run(pool, transport);
    } finally {
      await pool.close();
      transport.close();
      await proxy.close();
    }
  }

  it('uses v22 userState where the PBX lists only v22 (v30 answers HTML 500), without asking v30', async () => {
    const variant: Variant = {
      missing: { v30: ['userState.getUserState', 'userState.setDoNotDisturbSetting', 'userState.setChatPresenceMessage', 'userState.setChatPresence'] },
      provided: (xml) => xml.replace('ucp.v30.requests.userState', 'ucp.v22.requests.userState'),
    };
    await withPool(variant, async (pool, t) => {
      pool.setUsers(['1001', '1002']);
      expect(await pool.whenStarted()).toEqual({ connected: 2, failed: 0 });
      await pool.setDnd('1001', true);
      expect(sim.pbx.user('1001')!.dnd).toBe(true);
      expect((await pool.getUserState('1001')).telephonyState).toBe('AVAILABLE');
      expect(asked(t, 'ucp.v30.requests.userState.getUserState')).toBe(0);
      expect(asked(t, 'ucp.v30.requests.userState.setDoNotDisturbSetting')).toBe(0);
      expect(asked(t, 'ucp.v22.requests.userState.setDoNotDisturbSetting')).toBe(1);
      expect(asked(t, 'ucp.v30.requests.service.getProvidedRequests')).toBe(1);
    });
  });

  it('reads the list of every generation: v30 lists no userState, v22 lists it — no session asks v30 userState', async () => {
    // The profile's PBX answers getProvidedRequests per generation (each lists its own services).
    sim.setProfiles('v22-userstate-only');
    try {
      await withPool({ missing: {} }, async (pool, t) => {
        pool.setUsers(['1001', '1002', '1003']);
        expect(await pool.whenStarted()).toEqual({ connected: 3, failed: 0 });
        await pool.setDnd('1002', true);
        expect(sim.pbx.user('1002')!.dnd).toBe(true);
        expect(t.sent.filter((r) => /<methodName>ucp\.v30\.requests\.userState\./.test(r.body))).toEqual([]);
        expect(asked(t, 'ucp.v22.requests.userState.getUserState')).toBe(3);
      }, { chatPresenceSetter: 'probe' });
    } finally {
      sim.pbx.user('1002')!.dnd = false;
      sim.setProfiles([]);
    }
  });

  it('falls back to v22 when the PBX lists nothing and v30 answers HTML 500, once per PBX', async () => {
    const variant: Variant = { missing: { v30: ['userState.getUserState', 'userState.setDoNotDisturbSetting', 'userState.setChatPresence'] }, provided: null };
    await withPool(variant, async (pool, t) => {
      pool.setUsers(['1001']);
      expect(await pool.whenStarted()).toEqual({ connected: 1, failed: 0 });
      pool.setUsers(['1001', '1002', '1003']);
      expect(await pool.whenStarted()).toEqual({ connected: 3, failed: 0 });
      expect(asked(t, 'ucp.v30.requests.userState.getUserState')).toBe(1);
      expect(asked(t, 'ucp.v22.requests.userState.getUserState')).toBe(3);
      await pool.setDnd('1003', true);
      expect(sim.pbx.user('1003')!.dnd).toBe(true);
      expect(pool.get('1001')!.lastError).toBeUndefined();
    });
  });

  it('logs in without any getUserState; DND is then "as set by the bridge"; the probe is not repeated at re-login', async () => {
    const all = ['userState.getUserState', 'userState.setChatPresence'];
    await withPool({ missing: { v30: all, v22: all } }, async (pool, t) => {
      pool.setUsers(['1004']);
      expect(await pool.whenStarted()).toEqual({ connected: 1, failed: 0 });
      expect(pool.get('1004')!.status).toBe('connected');
      await expect(pool.getUserState('1004')).rejects.toBeInstanceOf(UciUnsupportedError);
      await pool.setDnd('1004', true);
      expect(sim.pbx.user('1004')!.dnd).toBe(true);
      expect(pool.capabilities()).toMatchObject({ dndReadable: false, canSetDnd: true });
      expect(pool.capabilities().reasons.dndReadable).toMatch(/getUserState/);
      expect(pool.capabilities().reasonCodes?.dndReadable).toEqual({ code: 'cap-dnd-no-get-user-state' });
      const probes = asked(t, 'ucp.v30.requests.userState.getUserState') + asked(t, 'ucp.v22.requests.userState.getUserState');
      // The PBX lists userState (v30), so only that generation is tried.
      expect(probes).toBe(1);
      // A new login of the same user on the same PBX (deselected and selected again) does not probe again.
      await pool.setUsers([]);
      await pool.setUsers(['1004']);
      await waitFor(() => pool.get('1004')?.status === 'connected', 'logged in again', 5_000);
      expect(asked(t, 'ucp.v30.requests.userState.getUserState') + asked(t, 'ucp.v22.requests.userState.getUserState')).toBe(probes);
      expect(asked(t, 'ucp.v30.requests.connection.login')).toBe(2);
    }, { chatPresenceSetter: 'probe' });
  });

  it('a chat presence setter answering HTML 500 is a missing method, not a failed login', async () => {
    await withPool({ missing: { v30: ['userState.setChatPresence'], v22: ['userState.setChatPresence'] } }, async (pool) => {
      pool.setUsers(['1005']);
      expect(await pool.whenStarted()).toEqual({ connected: 1, failed: 0 });
      expect(pool.capabilities().canSetChatPresence).toBe(false);
      expect(pool.get('1005')!.lastError).toBeUndefined();
    }, { chatPresenceSetter: 'probe' });
  });
});
