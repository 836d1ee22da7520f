// The callback server rejects everything that is not a call event for a registered session — wrong path
// token, wrong or missing user parameter, malformed XML, unknown methods, oversized bodies, other verbs —
// with proper answers and a log entry, never crashes, and keeps serving good requests.
import http from 'node:http';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/platform/http-transport.js';
import { createLogger, type RootLogger } from '../../src/platform/logger.js';
import { CallbackServer } from '../../src/starface/callback-server.js';
import type { TelephonyChange } from '../../src/starface/telephony.js';
import { UciSession, type CallbackTarget } from '../../src/starface/uci-session.js';
import { decodeMethodResponse, encodeMethodCall } from '../../src/starface/xmlrpc/index.js';
import { startStarfaceSimulator } from '../../src/simulators/starface/server.js';
import { waitFor } from './starface-helpers.js';

const event = (state: string, id = 'call-1'): string => encodeMethodCall('ucp.v30.events.call.receiveCallState', [{
  id, state, timestamp: '2025-01-01T10:00:00Z', callerNumber: '+4972112345', callerName: '', calledNumber: '1001', calledName: 'Max Muster', groupID: '',
}]);

async function post(base: string, path: string, body: string | Buffer, init: { method?: string; contentType?: string } = {}) {
  const res = await fetch(`${base}${path}`, { method: init.method ?? 'POST', body: init.method === 'GET' ? undefined : body, headers: { 'content-type': init.contentType ?? 'text/xml' } });
  return { status: res.status, text: await res.text() };
}

/** Streams a body without Content-Length; resolves with the status, or 'reset' if the server cut the upload. */
function postChunked(url: string, size: number): Promise<number | 'reset'> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'text/xml', 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve('reset'));
    const chunk = Buffer.alloc(1024, 'a');
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

describe('CallbackServer input handling', () => {
  let log: RootLogger;
  let server: CallbackServer;
  let base: string;
  let target: CallbackTarget;
  let good: string;
  const changes: TelephonyChange[] = [];

  beforeAll(async () => {
    log = createLogger({ level: 'debug' });
    server = new CallbackServer({ maxBodyBytes: 4096, logger: log });
    ({ url: base } = await server.start());
    target = server.register('1001');
    server.register('1002');
    good = `${target.path}?de.vertico.starface.user=1001`;
    server.on('telephony', (c) => changes.push(c));
  });
  afterAll(async () => {
    await server.close();
    await log.close();
  });

  it('registers an unguessable path per user and accepts a proper event with a boolean true', async () => {
    expect(target).toMatchObject({ type: 'http', host: '127.0.0.1' });
    expect(target.path).toMatch(/^\/starface\/events\/[A-Za-z0-9_-]{32}$/);
    expect(server.register('1003').path).not.toBe(target.path);
    const r = await post(base, good, event('RINGING'));
    expect(r.status).toBe(200);
    expect(await decodeMethodResponse(r.text)).toEqual({ kind: 'value', value: true });
    await waitFor(() => server.telephonyState('1001') === 'ringing', 'ringing');
  });

  it('rejects a wrong path token (404), another user\'s path (403) and a missing user parameter (403)', async () => {
    const before = server.stats();
    expect((await post(base, `/starface/events/${'x'.repeat(32)}?de.vertico.starface.user=1001`, event('CONNECTED'))).status).toBe(404);
    expect((await post(base, `/other?de.vertico.starface.user=1001`, event('CONNECTED'))).status).toBe(404);
    expect((await post(base, `${target.path}?de.vertico.starface.user=1002`, event('CONNECTED'))).status).toBe(403);
    expect((await post(base, target.path, event('CONNECTED'))).status).toBe(403);
    const after = server.stats();
    expect(after.rejected.path - before.rejected.path).toBe(2);
    expect(after.rejected.user - before.rejected.user).toBe(2);
    expect(server.telephonyState('1001')).toBe('ringing');
  });

  it('rejects malformed XML and non-XML-RPC bodies with 400', async () => {
    expect((await post(base, good, '<methodCall><methodName>x</methodName><params><param>')).status).toBe(400);
    expect((await post(base, good, '<!DOCTYPE html><html><body>hi</body></html>', { contentType: 'text/html' })).status).toBe(400);
    expect((await post(base, good, '')).status).toBe(400);
    const resp = '<?xml version="1.0"?><methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>';
    expect((await post(base, good, resp)).status).toBe(400);
    expect(server.stats().rejected.malformed).toBe(4);
  });

  it('answers an unknown method and bad parameters with XML-RPC faults', async () => {
    const unknown = await post(base, good, encodeMethodCall('system.listMethods', []));
    expect(unknown.status).toBe(200);
    expect(await decodeMethodResponse(unknown.text)).toEqual({ kind: 'fault', fault: { faultCode: -32601, faultString: 'No such method: system.listMethods' } });
    const bad = await post(base, good, encodeMethodCall('ucp.v30.events.call.receiveCallState', ['not a struct']));
    expect(await decodeMethodResponse(bad.text)).toMatchObject({ kind: 'fault', fault: { faultCode: -32602 } });
    expect(server.stats().rejected['unknown-method']).toBe(1);
    expect(server.stats().rejected['bad-params']).toBe(1);
  });

  it('refuses oversized bodies (declared or streamed) and other verbs', async () => {
    const big = event('CONNECTED').replace('Max Muster', 'M'.repeat(5000));
    expect((await post(base, good, big)).status).toBe(413);
    const streamed = await postChunked(`${base}${good}`, 64 * 1024);
    expect(streamed === 413 || streamed === 'reset').toBe(true);
    expect((await post(base, good, '', { method: 'GET' })).status).toBe(405);
    expect(server.stats().rejected['too-large']).toBe(2);
    expect(server.stats().rejected.method).toBe(1);
  });

  it('logs every rejection without the path token, and still serves proper events afterwards', async () => {
    const rejected = log.ring.entries({ level: 'warn' }).filter((e) => e.msg === 'STARFACE callback rejected');
    expect(rejected).toHaveLength(13);
    const reasons = new Set(rejected.map((e) => e.params?.reason));
    expect([...reasons].sort()).toEqual(['bad-params', 'malformed', 'method', 'path', 'too-large', 'unknown-method', 'user']);
    const token = target.path.split('/').pop()!;
    expect(JSON.stringify(log.ring.entries())).not.toContain(token);
    expect((await post(base, good, event('CONNECTED'))).status).toBe(200);
    expect((await post(base, good, event('HANGUP'))).status).toBe(200);
    await waitFor(() => server.telephonyState('1001') === 'idle', 'idle');
    expect(changes.filter((c) => c.login === '1001').map((c) => c.state)).toEqual(['ringing', 'in-call', 'idle']);
  });

  it('stops accepting a path once the session is unregistered', async () => {
    server.unregister('1001');
    expect((await post(base, good, event('RINGING', 'call-2'))).status).toBe(404);
  });

  it('can accept events without the user parameter when configured, but never a mismatching one', async () => {
    const lenient = new CallbackServer({ requireUserParam: false });
    const { url } = await lenient.start();
    try {
      const t = lenient.register('2001');
      expect((await post(url, t.path, event('RINGING'))).status).toBe(200);
      expect((await post(url, `${t.path}?de.vertico.starface.user=2002`, event('RINGING'))).status).toBe(403);
      await waitFor(() => lenient.telephonyState('2001') === 'ringing', 'ringing');
    } finally {
      await lenient.close();
    }
  });
});

describe('CallbackServer over HTTPS', () => {
  it('receives call events from the simulator on an https callback', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', algorithm: 'sha256' });
    const server = new CallbackServer({ tls: { key: pems.private, cert: pems.cert } });
    const { url } = await server.start();
    const sim = await startStarfaceSimulator({ users: 2 });
    const transport = new HttpTransport();
    const target = server.register('1001');
    const session = new UciSession({ baseUrl: sim.url, login: '1001', password: 'Pass1001', transport, callback: target, settings: { discoverServices: false } });
    try {
      expect(url).toMatch(/^https:/);
      expect(target.type).toBe('https');
      expect(await session.start()).toBe(true);
      sim.pbx.placeCall({ from: '+4972100', to: '1001' });
      await waitFor(() => server.telephonyState('1001') === 'ringing', 'ringing over https');
    } finally {
      await session.stop();
      transport.close();
      await sim.close();
      await server.close();
    }
  });
});
