import { afterEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogRing, createLogger, redact, redactString, silentLogger, type LogEntry, type RootLogger } from '../../src/platform/logger.js';

const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const SHA512 = 'a'.repeat(40) + '0123456789abcdef'.repeat(5) + 'b'.repeat(8); // 128 hex chars
const SECRETS = ['hunter2-pass', 'cl13nt-s3cret-value', 'refresh-tok-xyz', JWT, SHA512, 'sfauth-cookie-123', 'verifier-abc-987'];

function assertNoSecret(text: string): void {
  for (const s of SECRETS) expect(text, `leaked ${s.slice(0, 12)}…`).not.toContain(s);
}

describe('redactString', () => {
  it('masks JWTs, Bearer tokens and long hex digests in free text', () => {
    const out = redactString(`got ${JWT} and Authorization: Bearer abcdef123456.xyz and digest ${SHA512}`);
    assertNoSecret(out);
    expect(out).not.toContain('abcdef123456');
    expect(out).toContain('[REDACTED JWT]');
    expect(out).toContain('Bearer [REDACTED]');
    expect(out).toContain('[REDACTED HEX]');
  });

  it('masks secret query parameters in URLs, keeping the rest', () => {
    const url = 'https://pbx.example/rest/users?de.vertico.starface.auth=sfauth-cookie-123&page=2';
    expect(redactString(url)).toBe('https://pbx.example/rest/users?de.vertico.starface.auth=[REDACTED]&page=2');
    const oauth = 'http://127.0.0.1:5000/?code=0.AXoAabc123&state=xyz&session_state=s1';
    expect(redactString(oauth)).toBe('http://127.0.0.1:5000/?code=[REDACTED]&state=xyz&session_state=[REDACTED]');
    const form = 'grant_type=refresh_token&refresh_token=refresh-tok-xyz&client_secret=cl13nt-s3cret-value&code_verifier=verifier-abc-987';
    const out = redactString(form);
    assertNoSecret(out);
    expect(out).toContain('grant_type=refresh_token');
    expect(redactString('https://x.example/a?access_token=abc&x=1')).toBe('https://x.example/a?access_token=[REDACTED]&x=1');
  });

  it('masks credentials in URLs and STARFACE auth cookies', () => {
    expect(redactString('proxy http://bob:hunter2-pass@proxy:3128 failed')).toBe('proxy http://bob:[REDACTED]@proxy:3128 failed');
    const cookie = redactString('Cookie: de.vertico.starface.auth=sfauth-cookie-123; other=1');
    assertNoSecret(cookie);
    expect(cookie).toContain('other=1');
  });

  it('masks key=value and JSON secrets embedded in text, and XML-RPC password members', () => {
    const out = redactString('login failed password=hunter2-pass user=bob {"clientSecret":"cl13nt-s3cret-value","tenant":"t1"}');
    assertNoSecret(out);
    expect(out).toContain('user=bob');
    expect(out).toContain('"tenant":"t1"');
    const xml = '<member><name>password</name><value><string>hunter2-pass</string></value></member><member><name>login</name><value>1001</value></member>';
    const x = redactString(xml);
    assertNoSecret(x);
    expect(x).toContain('<value>1001</value>');
  });

  it('masks PEM private keys', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    const out = redactString(`key: ${pem} done`);
    expect(out).not.toContain('MIIEvQ');
    expect(out).toContain('done');
  });

  it('leaves ordinary text, GUIDs and short hex alone', () => {
    const s = 'user 5b1c0a84-3e29-4b3a-8c1e-0f9d2f3a4b5c is Busy (InACall), etag 0a1b2c3d, exit code=1';
    expect(redactString(s)).toBe(s);
  });

  it('truncates very long strings', () => {
    const out = redactString('x'.repeat(20_000));
    expect(out.length).toBeLessThan(8_100);
    expect(out).toMatch(/more chars\)$/);
  });
});

describe('redact (values)', () => {
  it('masks values of secret keys at any depth, whatever their spelling', () => {
    const out = redact({
      password: 'hunter2-pass',
      microsoft: { clientSecret: 'cl13nt-s3cret-value', tenantId: 't1' },
      tokens: [{ refresh_token: 'refresh-tok-xyz', access_token: JWT }],
      headers: { Authorization: 'Basic Ym9iOmh1bnRlcjI=', Cookie: 'de.vertico.starface.auth=sfauth-cookie-123', accept: 'json' },
      authToken: 'abc', code_verifier: 'verifier-abc-987', passphrase: 'p', uciPassword: 'x',
    }) as Record<string, unknown>;
    const text = JSON.stringify(out);
    assertNoSecret(text);
    expect(text).not.toContain('Ym9iOmh1bnRlcjI');
    expect(out.password).toBe('[REDACTED]');
    expect((out.microsoft as Record<string, unknown>).tenantId).toBe('t1');
    expect((out.headers as Record<string, unknown>).accept).toBe('json');
    expect(out.authToken).toBe('[REDACTED]');
    expect(out.uciPassword).toBe('[REDACTED]');
  });

  it('keeps booleans, numbers and empty strings under secret keys (they say whether, not what)', () => {
    expect(redact({ hasPassword: true, tokenCount: 3, secret: '' })).toEqual({ hasPassword: true, tokenCount: 3, secret: '' });
  });

  it('masks secrets inside string values of ordinary keys', () => {
    const out = redact({ url: 'https://pbx/x?de.vertico.starface.auth=sfauth-cookie-123', note: `Bearer ${JWT}` });
    assertNoSecret(JSON.stringify(out));
  });

  it('serialises Error objects (message, code, stack, cause) with secrets masked', () => {
    const cause = Object.assign(new Error(`upstream said token=refresh-tok-xyz`), { code: 'ECONNRESET' });
    const err = Object.assign(new Error(`login failed for https://pbx/?password=hunter2-pass`, { cause }), { code: 'ERR_TLS_CERT_ALTNAME_INVALID', status: 401, clientSecret: 'cl13nt-s3cret-value' });
    const out = redact({ err }) as { err: Record<string, unknown> };
    const text = JSON.stringify(out);
    assertNoSecret(text);
    expect(out.err.name).toBe('Error');
    expect(out.err.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(out.err.status).toBe(401);
    expect(String(out.err.message)).toContain('login failed');
    expect(typeof out.err.stack).toBe('string');
    expect((out.err.cause as Record<string, unknown>).code).toBe('ECONNRESET');
  });

  it('masks a long OAuth code but keeps short error codes', () => {
    expect(redact({ code: 'ECONNREFUSED' })).toEqual({ code: 'ECONNREFUSED' });
    expect(redact({ code: `0.AXoA${'q'.repeat(200)}` })).toEqual({ code: '[REDACTED]' });
  });

  it('handles URLs, Dates, Buffers, Maps, Headers, circular and deep structures', () => {
    const circ: Record<string, unknown> = { a: 1 };
    circ.self = circ;
    let deep: Record<string, unknown> = { v: 'bottom' };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    const out = redact({
      u: new URL('https://x/?refresh_token=refresh-tok-xyz'),
      when: new Date(0),
      buf: Buffer.from('hunter2-pass'),
      m: new Map([['password', 'hunter2-pass']]),
      h: new Headers({ authorization: 'Bearer refresh-tok-xyz' }),
      circ,
      deep,
      n: 10n,
    }) as Record<string, unknown>;
    const text = JSON.stringify(out);
    assertNoSecret(text);
    expect(out.when).toBe('1970-01-01T00:00:00.000Z');
    expect(out.buf).toBe('[12 bytes]');
    expect((out.circ as Record<string, unknown>).self).toBe('[Circular]');
    expect(text).toContain('[Truncated]');
    expect(out.n).toBe('10');
  });

  it('does not mutate its input', () => {
    const input = { password: 'hunter2-pass', nested: { token: 'refresh-tok-xyz' } };
    redact(input);
    expect(input.password).toBe('hunter2-pass');
    expect(input.nested.token).toBe('refresh-tok-xyz');
  });
});

describe('LogRing', () => {
  const e = (seq: number, level: LogEntry['level'], user?: string): LogEntry => ({ seq, time: '', level, msg: `m${seq}`, ...(user ? { user } : {}) });

  it('keeps the newest N entries in order and filters them', () => {
    const ring = new LogRing(3);
    ring.push(e(1, 'info'));
    ring.push(e(2, 'debug', 'alice'));
    ring.push(e(3, 'error', 'bob'));
    ring.push(e(4, 'warn', 'alice'));
    expect(ring.entries().map((x) => x.seq)).toEqual([2, 3, 4]);
    expect(ring.entries({ level: 'warn' }).map((x) => x.seq)).toEqual([3, 4]);
    expect(ring.entries({ user: 'alice' }).map((x) => x.seq)).toEqual([2, 4]);
    expect(ring.entries({ sinceSeq: 3 }).map((x) => x.seq)).toEqual([4]);
    expect(ring.entries({ limit: 1 }).map((x) => x.seq)).toEqual([4]);
  });

  it('lifts a user or component given as a plain field into the entry, so the user filter finds it', async () => {
    const log = createLogger({ ringSize: 10 });
    log.info('Teams presence set', { user: '1004', sessionMs: 12 });
    log.child({ component: 'sync' }).warn('write failed', { user: '1005' });
    expect(log.ring.entries({ user: '1004' })).toMatchObject([{ msg: 'Teams presence set', user: '1004', fields: { sessionMs: 12 } }]);
    expect(log.ring.entries({ user: '1005' })).toMatchObject([{ component: 'sync', user: '1005' }]);
    expect(log.ring.entries({ user: '1004' })[0]?.fields).not.toHaveProperty('user');
    await log.close();
  });

  it('streams new entries to subscribers until they unsubscribe; a throwing subscriber harms nobody', () => {
    const ring = new LogRing(10);
    const got: number[] = [];
    ring.subscribe(() => { throw new Error('broken'); });
    const off = ring.subscribe((x) => got.push(x.seq));
    ring.push(e(1, 'info'));
    off();
    ring.push(e(2, 'info'));
    expect(got).toEqual([1]);
    expect(ring.entries()).toHaveLength(2);
  });
});

describe('createLogger', () => {
  const roots: RootLogger[] = [];
  const dirs: string[] = [];
  const tmp = (): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-log-'));
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    for (const r of roots.splice(0)) await r.close();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('writes redacted JSON lines with child bindings and sequence numbers', async () => {
    const file = path.join(tmp(), 'logs', 'bridge.log');
    const log = createLogger({ file, level: 'debug' });
    roots.push(log);
    const child = log.child({ component: 'starface', user: '1001', pbx: 'pbx1' });
    child.info('login ok', { sessionToken: 'refresh-tok-xyz', url: 'https://pbx/?de.vertico.starface.auth=sfauth-cookie-123' });
    child.child({ component: 'uci' }).warn(`Bearer ${JWT} rejected`);
    log.error('boom', { err: new Error('password=hunter2-pass') });
    await log.close();
    const text = fs.readFileSync(file, 'utf8');
    assertNoSecret(text);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as LogEntry);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ seq: 1, level: 'info', msg: 'login ok', component: 'starface', user: '1001' });
    expect(lines[0]?.fields).toMatchObject({ pbx: 'pbx1', sessionToken: '[REDACTED]' });
    expect(lines[1]).toMatchObject({ seq: 2, component: 'uci', user: '1001' });
    expect(lines[2]?.level).toBe('error');
    expect(Date.parse(lines[0]?.time ?? '')).not.toBeNaN();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('drops entries below the level and honours setLevel', () => {
    const log = createLogger({ level: 'warn' });
    roots.push(log);
    log.info('hidden');
    log.warn('shown');
    log.setLevel('debug');
    log.child({ component: 'x' }).debug('now shown');
    expect(log.ring.entries().map((x) => x.msg)).toEqual(['shown', 'now shown']);
    expect(() => log.setLevel('loud' as never)).toThrow(/Unknown log level/);
  });

  it('feeds the ring and its subscribers with redacted entries', () => {
    const log = createLogger({ ringSize: 5 });
    roots.push(log);
    const seen: LogEntry[] = [];
    log.ring.subscribe((x) => seen.push(x));
    log.info('secret test', { password: 'hunter2-pass' });
    expect(seen).toHaveLength(1);
    assertNoSecret(JSON.stringify(seen));
    for (let i = 0; i < 10; i++) log.info(`n${i}`);
    expect(log.ring.entries().map((x) => x.msg)).toEqual(['n5', 'n6', 'n7', 'n8', 'n9']);
  });

  it('rotates by size and keeps at most maxFiles files', async () => {
    const dir = tmp();
    const file = path.join(dir, 'bridge.log');
    const log = createLogger({ file, maxFileBytes: 1_000, maxFiles: 3 });
    roots.push(log);
    for (let i = 0; i < 100; i++) log.info(`line ${i} ${'x'.repeat(50)}`);
    await log.close();
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual(['bridge.log', 'bridge.log.1', 'bridge.log.2']);
    for (const f of files) expect(fs.statSync(path.join(dir, f)).size).toBeLessThanOrEqual(1_000);
    const newest = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(newest.at(-1)).toContain('line 99');
    const older = fs.readFileSync(`${file}.1`, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as LogEntry).seq);
    const newer = newest.map((l) => (JSON.parse(l) as LogEntry).seq);
    expect(Math.max(...older)).toBe(Math.min(...newer) - 1);
  });

  it('appends to an existing file and counts its size toward rotation', async () => {
    const dir = tmp();
    const file = path.join(dir, 'bridge.log');
    fs.writeFileSync(file, `${'{"old":true}\n'.repeat(70)}`); // 910 bytes
    const log = createLogger({ file, maxFileBytes: 1_000, maxFiles: 2 });
    roots.push(log);
    log.info('first new line that does not fit');
    await log.close();
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toContain('"old":true');
    expect(fs.readFileSync(file, 'utf8')).toContain('first new line');
  });

  it('keeps running when the log file cannot be written', async () => {
    const dir = tmp();
    const blocker = path.join(dir, 'not-a-dir');
    fs.writeFileSync(blocker, '');
    const writes: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => { writes.push(String(chunk)); return true; }) as typeof process.stderr.write;
    try {
      const log = createLogger({ file: path.join(blocker, 'x.log') });
      roots.push(log);
      log.info('a');
      log.info('b');
      expect(log.ring.entries()).toHaveLength(2);
    } finally {
      process.stderr.write = orig;
    }
    expect(writes.filter((w) => w.includes('cannot write log file'))).toHaveLength(1);
  });

  it('silentLogger accepts everything and returns itself for children', () => {
    silentLogger.info('x', { password: 'p' });
    expect(silentLogger.child({ component: 'c' })).toBe(silentLogger);
  });
});

describe('repeated identical messages (issue 13 item 1: one fault must not overwrite the log rotation)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.useRealTimers();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  function storm(log: RootLogger, lines: number, overMs: number): void {
    const child = log.child({ component: 'uci', user: '1001' });
    for (let i = 0; i < lines; i++) {
      child.warn('UCI session lost; logging in again', { error: 'XML-RPC encoding failed' });
      if (i % Math.ceil(lines / overMs) === 0) vi.advanceTimersByTime(1);
    }
  }

  it('logs the first of 39,625 identical lines in 20 s one by one, then one summary line per minute', async () => {
    vi.useFakeTimers();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-log-'));
    dirs.push(dir);
    const file = path.join(dir, 'bridge.log');
    const log = createLogger({ file });
    log.info('bridge started');
    storm(log, 39_625, 20_000);
    vi.advanceTimersByTime(60_000);
    log.info('after the storm');
    await log.close();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogEntry);
    expect(lines.length).toBeLessThanOrEqual(25);
    expect(lines[0]?.msg).toBe('bridge started');
    const summary = lines.find((l) => /repeated/.test(l.msg));
    expect(summary).toMatchObject({ level: 'warn', component: 'uci', user: '1001' });
    const shown = lines.filter((l) => l.msg === 'UCI session lost; logging in again').length;
    expect(summary?.msg).toBe(`UCI session lost; logging in again — repeated ${(39_625 - shown).toLocaleString('en-US')} more times in the last minute`);
    expect(summary?.fields).toMatchObject({ repeated: 39_625 - shown, error: 'XML-RPC encoding failed' });
    expect(lines.at(-1)?.msg).toBe('after the storm');
    // Sequence numbers stay gap-free: a suppressed line takes none.
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
  });

  it('keeps the lines before a storm in the rotated files', async () => {
    vi.useFakeTimers();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-log-'));
    dirs.push(dir);
    const file = path.join(dir, 'bridge.log');
    const log = createLogger({ file, maxFileBytes: 20_000, maxFiles: 2 });
    log.error('the first fault: PBX certificate changed');
    for (let minute = 0; minute < 3; minute++) {
      storm(log, 20_000, 1_000);
      vi.advanceTimersByTime(60_000);
    }
    await log.close();
    const all = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('');
    expect(all).toContain('the first fault: PBX certificate changed');
  });

  it('counts messages as identical only with the same level, component, user, text and fields', () => {
    vi.useFakeTimers();
    const log = createLogger({ ringSize: 5_000 });
    for (let i = 0; i < 100; i++) log.child({ user: String(1000 + i) }).warn('write failed', { field: 'dnd' });
    for (let i = 0; i < 100; i++) log.warn('write failed', { field: 'dnd', user: String(2000 + i) });
    for (let i = 0; i < 100; i++) log.warn('secret stored', { name: `n${i}` });
    expect(log.ring.entries()).toHaveLength(300);
  });

  it('writes a pending summary when the logger closes', async () => {
    vi.useFakeTimers();
    const log = createLogger();
    for (let i = 0; i < 50; i++) log.info('same');
    await log.close();
    expect(log.ring.entries().at(-1)?.msg).toMatch(/^same — repeated \d+ more times in the last minute$/);
  });
});
