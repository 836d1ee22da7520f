// Logging many UCI sessions out (deselect, stop, close) against the simulator over real sockets: every session
// ends on the PBX, and no more logouts run at once than maxConcurrentLogins — whether they come from
// setUsers, close, or both at the same time (one gate), so 2,000 logouts never race their short deadline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport, type HttpRequest, type HttpResponse } from '../../src/platform/http-transport.js';
import { UciSessionPool } from '../../src/starface/uci-session-pool.js';
import { NO_FAULTS } from '../../src/simulators/starface/options.js';
import { startStarfaceSimulator, type StarfaceSimulator } from '../../src/simulators/starface/server.js';

/** The real transport, counting how many logout requests are on the wire at once. */
class LogoutCountingTransport extends HttpTransport {
  inFlight = 0;
  peak = 0;
  total = 0;
  override async request(req: HttpRequest): Promise<HttpResponse> {
    const isLogout = typeof req.body === 'string' && req.body.includes('connection.logout');
    if (!isLogout) return super.request(req);
    this.inFlight++;
    this.total++;
    this.peak = Math.max(this.peak, this.inFlight);
    try {
      return await super.request(req);
    } finally {
      this.inFlight--;
    }
  }
}

const USERS = 300;
const LIMIT = 8;

describe('UciSessionPool logouts', () => {
  let sim: StarfaceSimulator;
  let transport: LogoutCountingTransport;
  let pool: UciSessionPool;
  beforeAll(async () => {
    sim = await startStarfaceSimulator({ users: USERS });
    transport = new LogoutCountingTransport();
    const passwords = new Map(sim.users.map((u) => [u.login, u.password]));
    pool = new UciSessionPool({
      baseUrl: sim.url, transport, maxConcurrentLogins: LIMIT, passwordFor: (login) => passwords.get(login),
      settings: { keepAliveMs: 60_000, stateRefreshMs: 0, requestTimeoutMs: 5_000, discoverServices: false },
    });
    await pool.setUsers(sim.users.filter((u) => !u.admin).map((u) => u.login));
    expect(await pool.whenStarted()).toEqual({ connected: USERS, failed: 0 });
    expect(sim.pbx.sessionCount()).toBe(USERS);
    // Every request takes a while, as over a real network: unbounded logouts would all be on the wire at once.
    sim.pbx.faults = { ...NO_FAULTS, delayMs: 20 };
  }, 60_000);
  afterAll(async () => {
    await pool?.close();
    transport?.close();
    await sim?.close();
  });

  it('setUsers logs the deselected users out with at most maxConcurrentLogins logouts at a time', async () => {
    const keep = pool.logins().slice(0, 100);
    await pool.setUsers(keep);
    expect(pool.size).toBe(100);
    expect(sim.pbx.sessionCount()).toBe(100);
    expect(transport.total).toBe(USERS - 100);
    expect(transport.peak).toBeGreaterThan(1);
    expect(transport.peak).toBeLessThanOrEqual(LIMIT);
  });

  it('setUsers([]) and close() at the same time share one bound, and every session ends on the PBX', async () => {
    transport.peak = 0;
    const t0 = Date.now();
    await Promise.all([pool.setUsers(pool.logins().slice(0, 50)), pool.close()]);
    const elapsed = Date.now() - t0;
    expect(pool.size).toBe(0);
    expect(sim.pbx.sessionCount()).toBe(0);
    expect(transport.total).toBe(USERS);
    expect(transport.peak).toBeLessThanOrEqual(LIMIT);
    // 100 logouts, 8 at a time, 20 ms each: well under a second on a quiet machine; far below one 3 s logout deadline per wave.
    expect(elapsed).toBeLessThan(10_000);
  });
});
