// Issue 13 item 1 (STARFACE part): a chat text with U+0001 once made the bridge log in to the PBX ~1,000 times a
// second (the encoder's error was taken for a lost session, and every lost session logged in again at once).
// An encoding error is that one write's programming error; and whatever the cause, re-logins are paced per user
// and per PBX: nothing makes the bridge log in more than a few times a minute per user.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.js';
import { UciNotConnectedError } from '../../src/starface/errors.js';
import { UciSession } from '../../src/starface/uci-session.js';
import { UciSessionPool } from '../../src/starface/uci-session-pool.js';
import { EncodingError } from '../../src/starface/xmlrpc/index.js';
import { startStarfaceSimulator, type StarfaceSimulator } from '../../src/simulators/starface/server.js';
import { listenOnLoopback, RecordingTransport } from './starface-helpers.js';

const loginsSent = (t: RecordingTransport): number => t.sent.filter((r) => r.body.includes('.connection.login<')).length;

describe('a chat text with a control character', () => {
  let sim: StarfaceSimulator;
  beforeAll(async () => {
    sim = await startStarfaceSimulator({ users: 2 });
  });
  afterAll(() => sim.close());

  it('fails only that write (EncodingError, logged once, counted) and never logs in again', async () => {
    const transport = new RecordingTransport();
    const log = createLogger({ level: 'debug' });
    const session = new UciSession({ baseUrl: sim.url, login: '1001', password: 'Pass1001', transport, settings: { discoverServices: false, stateRefreshMs: 0 }, logger: log });
    try {
      expect(await session.start()).toBe(true);
      const errors: unknown[] = [];
      for (let i = 0; i < 300; i++) await session.setChatPresenceMessage('Besprechung\u0001').catch((err: unknown) => errors.push(err));
      expect(loginsSent(transport)).toBe(1);
      expect(errors).toHaveLength(300);
      expect(errors.every((e) => e instanceof EncodingError)).toBe(true);
      expect(session.stats.encodingErrors).toBe(300);
      expect(session.status).toBe('connected');
      const logged = log.ring.entries().filter((e) => e.msg.startsWith('A UCI request could not be written'));
      expect(logged).toHaveLength(1);
      expect(JSON.stringify(logged)).not.toContain('Besprechung');
      await session.setChatPresenceMessage('Besprechung');
      expect((await session.getUserState()).chatPresenceMessage).toBe('Besprechung');
    } finally {
      await session.stop();
      transport.close();
      await log.close();
    }
  });
});

/**
 * A PBX that accepts every login and answers getUserState, but has forgotten the session by the next write:
 * the write gets an HTML error page and keepAlive answers false.
 */
async function startForgetfulPbx(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = (value: string): void => {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(`<?xml version="1.0"?><methodResponse><params><param><value>${value}</value></param></params></methodResponse>`);
      };
      if (body.includes('.connection.login<')) return answer('<boolean>1</boolean>');
      if (body.includes('.connection.keepAlive<')) return answer('<boolean>0</boolean>');
      if (body.includes('.userState.getUserState<')) return answer('<struct><member><name>telephonyState</name><value>AVAILABLE</value></member></struct>');
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html><body>Session expired</body></html>');
    });
  });
  return listenOnLoopback(server);
}

describe('re-login pacing, whatever the cause', () => {
  it('a session lost after every login logs in at most twice in a second of hammering writes', async () => {
    const pbx = await startForgetfulPbx();
    const transport = new RecordingTransport();
    const session = new UciSession({ baseUrl: pbx.url, login: '1001', password: 'x', transport, settings: { discoverServices: false, chatPresenceSetter: 'never', stateRefreshMs: 0 } });
    try {
      await session.start();
      const until = Date.now() + 1_000;
      let notConnected = 0;
      while (Date.now() < until) {
        await session.setDnd(true).catch((err: unknown) => {
          if (err instanceof UciNotConnectedError) notConnected++;
        });
      }
      expect(loginsSent(transport)).toBeLessThanOrEqual(2);
      expect(notConnected).toBeGreaterThan(10);
    } finally {
      await session.stop();
      transport.close();
      await pbx.close();
    }
  });

  it('all users of a PBX share one re-login budget', async () => {
    const pbx = await startForgetfulPbx();
    const transport = new RecordingTransport();
    const pool = new UciSessionPool({
      baseUrl: pbx.url, transport, passwordFor: () => 'x', reloginBudget: { perSecond: 5, burst: 5 },
      // Per-user pacing nearly off, so only the shared budget limits.
      settings: { discoverServices: false, chatPresenceSetter: 'never', stateRefreshMs: 0, backoffInitialMs: 1, backoffMaxMs: 1, keepAliveMs: 60_000 },
    });
    try {
      const users = Array.from({ length: 20 }, (_, i) => String(2000 + i));
      await pool.setUsers(users);
      await pool.whenStarted();
      const firstLogins = loginsSent(transport);
      const t0 = Date.now();
      while (Date.now() - t0 < 1_000) await Promise.all(users.map((u) => pool.setDnd(u, true).catch(() => undefined)));
      const elapsed = (Date.now() - t0) / 1000;
      expect(firstLogins).toBe(20);
      expect(loginsSent(transport) - firstLogins).toBeLessThanOrEqual(5 + Math.ceil(5 * elapsed) + 1);
    } finally {
      await pool.close();
      transport.close();
      await pbx.close();
    }
  });
});
