// The renderer's HTTP client against the real headless host over real sockets (Node's fetch stands in for
// the browser's; both stream the body the same way).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHttpHost, type HttpHost, type HttpHostOptions } from '../../src/control/http-host.js';
import type { ControlEvent } from '../../src/control/contract.js';
import { ControlCallError, createHttpClient, type ConnectionState, type HttpClientOptions, type HttpControlClient } from '../../renderer/src/control/http-client.js';
import { FIXED_TIME, fakeEngineApi, type FakeEngine } from './control-fake-engine.js';

const hosts: HttpHost[] = [];
const clients: HttpControlClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

async function setup(hostOpts: Partial<HttpHostOptions> = {}, clientOpts: Partial<HttpClientOptions> = {}): Promise<{ host: HttpHost; api: FakeEngine; client: HttpControlClient }> {
  const api = fakeEngineApi();
  const host = await startHttpHost({ api, ...hostOpts });
  hosts.push(host);
  const client = createHttpClient({ token: host.token, baseUrl: host.url, retryMs: 20, maxRetryMs: 100, ...clientOpts });
  clients.push(client);
  return { host, api, client };
}

/** vi.waitUntil options: how long a condition may take, polled every few ms. */
const WAIT = { timeout: 3000, interval: 10 };

const syncEvent = (cycles: number): ControlEvent => ({
  type: 'state.sync',
  data: { state: 'running', since: FIXED_TIME, counters: { cycles, presenceRequests: 0, pbxWrites: 0, teamsWrites: 0, errors: 0 } },
});

describe('HTTP control client', () => {
  it('calls methods and returns typed, validated results', async () => {
    const { client } = await setup();
    const roster = await client.call('roster.get', {});
    expect(roster.counts).toEqual({ matched: 1, conflicts: 1 });
    const status = await client.call('sync.stop', { restore: true });
    expect(status.state).toBe('stopped');
  });

  it('rejects with the host\'s code, message and issues', async () => {
    const { client } = await setup();
    const err = await client.call('sync.stop', { restore: 'yes' } as unknown as { restore: boolean }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControlCallError);
    expect(err).toMatchObject({ code: 'invalid-params', issues: [expect.objectContaining({ path: 'restore' })] });
    await expect(client.call('connections.test', { target: 'starface' })).rejects.toMatchObject({ code: 'not-configured', message: expect.stringContaining('Connections page') });
  });

  it('says what to do when the token is wrong or the host is gone', async () => {
    const { host } = await setup();
    const wrong = createHttpClient({ token: 'not-the-token', baseUrl: host.url });
    clients.push(wrong);
    await expect(wrong.call('roster.get', {})).rejects.toMatchObject({ code: 'unauthorized', message: expect.stringContaining('link printed at start') });
    const { client, host: gone } = await setup();
    await gone.close();
    await expect(client.call('roster.get', {})).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining('not reachable') });
  });

  it('receives events through the streamed fetch body and reports the connection', async () => {
    const { client, api } = await setup();
    const states: ConnectionState[] = [];
    client.onConnection((s) => states.push(s));
    const got: ControlEvent[] = [];
    const off = client.subscribe((e) => got.push(e));
    await vi.waitUntil(() => api.listenerCount() === 1, WAIT);
    api.emit(syncEvent(1));
    api.emit({ type: 'log.entry', data: { seq: 1, time: FIXED_TIME, level: 'warn', msg: 'Umlaute äöü' } });
    await vi.waitUntil(() => got.length === 2, WAIT);
    expect(got[0]).toEqual(syncEvent(1));
    expect(got[1]).toMatchObject({ type: 'log.entry', data: { msg: 'Umlaute äöü' } });
    expect(states).toEqual(['connecting', 'connected']);
    off();
    await vi.waitUntil(() => api.listenerCount() === 0, WAIT);
  });

  it('reconnects after the stream drops and keeps delivering', async () => {
    // A fetch whose event streams the test can cut, like a network drop.
    const cuts: AbortController[] = [];
    const cuttableFetch: typeof fetch = (input, init) => {
      const ctrl = new AbortController();
      init?.signal?.addEventListener('abort', () => ctrl.abort());
      if (String(input).endsWith('/api/events')) cuts.push(ctrl);
      return fetch(input, { ...init, signal: ctrl.signal });
    };
    const { client, api, host } = await setup({}, { fetch: cuttableFetch });
    const states: ConnectionState[] = [];
    client.onConnection((s) => states.push(s));
    const got: ControlEvent[] = [];
    client.subscribe((e) => got.push(e));
    await vi.waitUntil(() => host.eventStreams() === 1, WAIT);
    cuts[0]!.abort();
    await vi.waitUntil(() => states.includes('disconnected'), WAIT);
    await vi.waitUntil(() => cuts.length === 2 && host.eventStreams() === 1 && states.at(-1) === 'connected', WAIT);
    api.emit(syncEvent(2));
    await vi.waitUntil(() => got.length === 1, WAIT);
    expect(got[0]).toEqual(syncEvent(2));
  });

  it('treats a silent stream as dead and reconnects', async () => {
    const { client, host } = await setup({ heartbeatMs: 60_000 }, { idleTimeoutMs: 150 });
    let connects = 0;
    client.onConnection((s) => { if (s === 'connected') connects++; });
    client.subscribe(() => undefined);
    await vi.waitUntil(() => connects >= 2, WAIT);
    expect(host.eventStreams()).toBeLessThanOrEqual(1);
  });

  it('stops retrying the stream on 401 and says why', async () => {
    const { host } = await setup();
    const wrong = createHttpClient({ token: 'stale-token', baseUrl: host.url, retryMs: 10 });
    clients.push(wrong);
    let last: { state: ConnectionState; error?: string } | undefined;
    wrong.onConnection((state, error) => { last = { state, ...(error ? { error } : {}) }; });
    wrong.subscribe(() => undefined);
    await vi.waitUntil(() => last?.state === 'disconnected', WAIT);
    expect(last?.error).toContain('link printed at start');
    await new Promise((r) => setTimeout(r, 100));
    expect(host.eventStreams()).toBe(0);
  });

  it('validates on the receiving side: drops unknown or broken events, rejects results of another version', async () => {
    // A host of another version, simulated by a fetch that answers with crafted bodies.
    const valid = JSON.stringify(syncEvent(7).data);
    const stream = `retry: 10000\n\nevent: made.up\ndata: {}\n\nevent: state.sync\ndata: {"state":"bogus"}\n\nevent: state.sync\ndata: not json\n\nevent: state.sync\ndata: ${valid}\n\n`;
    const crafted: typeof fetch = async (input) => {
      if (String(input).endsWith('/api/events')) {
        return new Response(stream, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
      }
      return new Response(JSON.stringify({ ok: true, result: { counts: 'many' } }), { status: 200, headers: { 'Content-Type': 'application/json' } });
    };
    const client = createHttpClient({ token: 't', baseUrl: 'http://127.0.0.1:1', fetch: crafted, retryMs: 10_000 });
    clients.push(client);
    const got: ControlEvent[] = [];
    client.subscribe((e) => got.push(e));
    await vi.waitUntil(() => got.length === 1, WAIT);
    await new Promise((r) => setTimeout(r, 30));
    expect(got).toEqual([syncEvent(7)]);
    await expect(client.call('roster.get', {})).rejects.toMatchObject({ code: 'invalid-result', message: expect.stringContaining('Reload the page') });
  });
});
