import { describe, expect, it } from 'vitest';
import { dispatch, type DispatchLogger } from '../../src/control/dispatch.js';
import { ControlError } from '../../src/control/contract.js';
import { fakeEngineApi } from '../integration/control-fake-engine.js';

function recordingLogger(): DispatchLogger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
  };
  return { lines, debug: rec('debug'), warn: rec('warn'), error: rec('error') };
}

describe('dispatch', () => {
  it('calls the engine with validated params and returns its result', async () => {
    const api = fakeEngineApi();
    const reply = await dispatch(api, { method: 'connections.test', params: { target: 'microsoft' } });
    expect(reply).toEqual({ ok: true, result: expect.objectContaining({ target: 'microsoft', ok: true }) });
    expect(api.calls).toEqual([{ method: 'connections.test', params: { target: 'microsoft' } }]);
  });

  it('treats missing params of a parameterless method as {}', async () => {
    const reply = await dispatch(fakeEngineApi(), { method: 'roster.get' });
    expect(reply.ok).toBe(true);
  });

  it('rejects a malformed request envelope readably', async () => {
    for (const bad of [null, 42, 'settings.get', { params: {} }, { method: 7 }]) {
      const reply = await dispatch(fakeEngineApi(), bad);
      expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
  });

  it('rejects unknown methods, including prototype names', async () => {
    for (const method of ['nope', 'toString', '__proto__', 'subscribe', 'constructor']) {
      const reply = await dispatch(fakeEngineApi(), { method, params: {} });
      expect(reply).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
      if (!reply.ok) expect(reply.error.message).toContain(method);
    }
  });

  it('returns readable issues with paths for invalid params and does not call the engine', async () => {
    const api = fakeEngineApi();
    const reply = await dispatch(api, { method: 'sync.stop', params: { restore: 'yes', extra: 1 } });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('invalid-params');
    expect(reply.error.message).toMatch(/^Invalid parameters for sync\.stop: /);
    expect(reply.error.issues).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'restore' }),
      expect.objectContaining({ message: expect.stringContaining('extra') }),
    ]));
    expect(api.calls).toHaveLength(0);
  });

  it('answers "not-implemented" for an optional method the engine lacks, without calling it a bug', async () => {
    const api = fakeEngineApi() as unknown as Record<string, unknown>;
    delete api['setup.steps'];
    const reply = await dispatch(api as unknown as Parameters<typeof dispatch>[0], { method: 'setup.steps', params: {} });
    expect(reply).toMatchObject({ ok: false, error: { code: 'not-implemented' } });
    expect(reply.ok ? '' : reply.error.message).toMatch(/does not offer setup\.steps/);
  });

  it('maps ControlError to its code and message', async () => {
    const reply = await dispatch(fakeEngineApi(), { method: 'connections.test', params: { target: 'starface' } });
    expect(reply).toEqual({ ok: false, error: { code: 'not-configured', message: 'STARFACE URL is missing: enter it on the Connections page.' } });
  });

  it('maps other errors to a lower-case code when they carry one, else "internal"', async () => {
    const api = fakeEngineApi();
    api.failNext('roster.get', Object.assign(new Error('PBX did not answer within 10 s'), { code: 'timeout' }));
    expect(await dispatch(api, { method: 'roster.get' })).toEqual({ ok: false, error: { code: 'timeout', message: 'PBX did not answer within 10 s' } });
    api.failNext('roster.get', Object.assign(new Error('boom'), { code: 'ECONNREFUSED' }));
    expect(await dispatch(api, { method: 'roster.get' })).toMatchObject({ ok: false, error: { code: 'internal', message: 'boom' } });
    api.failNext('roster.get', { weird: true });
    const reply = await dispatch(api, { method: 'roster.get' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('roster.get failed') } });
  });

  it('rejects results that break the contract', async () => {
    const api = fakeEngineApi();
    const log = recordingLogger();
    api.returnNext('sync.start', { state: 'flying' });
    const reply = await dispatch(api, { method: 'sync.start' }, { logger: log });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-result', message: expect.stringContaining('sync.start') } });
    expect(log.lines.some((l) => l.startsWith('error '))).toBe(true);
  });

  it('strips unknown fields from results', async () => {
    const api = fakeEngineApi();
    api.returnNext('auth.consentUrl', { url: 'https://x.example', internal: 'do-not-leak' });
    expect(await dispatch(api, { method: 'auth.consentUrl' })).toEqual({ ok: true, result: { url: 'https://x.example' } });
  });

  it('never lets a secret value reach an error message or the log', async () => {
    const api = fakeEngineApi();
    const log = recordingLogger();
    const secret = 'Tr0ub4dor&3-very-secret';
    api.failNext('secrets.set', new Error(`keychain refused value ${secret}`));
    const reply = await dispatch(api, { method: 'secrets.set', params: { name: 'starface.adminPassword', value: secret } }, { logger: log });
    expect(reply.ok).toBe(false);
    expect(JSON.stringify(reply)).not.toContain(secret);
    expect(JSON.stringify(reply)).toContain('[REDACTED]');
    expect(log.lines.join('\n')).not.toContain(secret);
  });

  it('does not log the params of sensitive methods even when they are invalid', async () => {
    const log = recordingLogger();
    const reply = await dispatch(fakeEngineApi(), { method: 'secrets.set', params: { name: 'bogus', value: 'hunter2-secret' } }, { logger: log });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    expect(JSON.stringify(reply)).not.toContain('hunter2-secret');
    expect(log.lines.join('\n')).not.toContain('hunter2-secret');
    // Non-sensitive methods do log their params for diagnosis.
    await dispatch(fakeEngineApi(), { method: 'sync.stop', params: { restore: 'maybe' } }, { logger: log });
    expect(log.lines.join('\n')).toContain('maybe');
  });

  it('scrubs passwords of a CSV import out of error messages', async () => {
    const api = fakeEngineApi();
    api.failNext('secrets.importStarfaceCsv', new ControlError('invalid-input', 'Line 2 "0002;s3cr3t-pw" has an unknown login'));
    const reply = await dispatch(api, { method: 'secrets.importStarfaceCsv', params: { csv: 'login;password\n0002;s3cr3t-pw\n' } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(JSON.stringify(reply)).not.toContain('s3cr3t-pw');
    expect(JSON.stringify(reply)).toContain('0002');
  });

  it('masks secret-looking text in errors of any method', async () => {
    const api = fakeEngineApi();
    api.failNext('auth.status', new Error('token endpoint said no: Authorization: Bearer abc.def.ghi client_secret=xyz123 https://u:pw123@proxy:3128'));
    const reply = await dispatch(api, { method: 'auth.status' });
    const text = JSON.stringify(reply);
    for (const s of ['abc.def.ghi', 'xyz123', 'pw123']) expect(text).not.toContain(s);
  });

  it('accepts per-user secret names and rejects others with a readable message', async () => {
    const api = fakeEngineApi();
    expect((await dispatch(api, { method: 'secrets.set', params: { name: 'starface.user.0001.password', value: 'pw-0001' } })).ok).toBe(true);
    expect(api.secretNames).toEqual(['starface.user.0001.password']);
    const reply = await dispatch(api, { method: 'secrets.delete', params: { name: 'starface.user..password' } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-params', message: expect.stringContaining('starface.user.<login>.password') } });
  });

  it('rejects results with timestamps that are not ISO-8601', async () => {
    const api = fakeEngineApi();
    api.returnNext('auth.deviceCode', { userCode: 'A', verificationUri: 'https://x', expiresAt: 'tomorrow' });
    expect(await dispatch(api, { method: 'auth.deviceCode' })).toMatchObject({ ok: false, error: { code: 'invalid-result' } });
  });

  it('lets the engine answer invalid settings with field issues instead of rejecting the request', async () => {
    const api = fakeEngineApi();
    const reply = await dispatch(api, { method: 'settings.save', params: { settings: { starface: { baseUrl: 42 } } } });
    expect(reply).toMatchObject({ ok: true, result: { ok: false, issues: [expect.objectContaining({ path: 'starface.baseUrl' })] } });
    // Contract Issues carry path, code (with params where its text has any) and message, never the log text.
    if (reply.ok) expect((reply.result as { issues: object[] }).issues[0]).toEqual({ path: 'starface.baseUrl', code: 'settings-text', message: 'must be text' });
    const notObject = await dispatch(api, { method: 'settings.save', params: { settings: [1, 2] } });
    expect(notObject).toMatchObject({ ok: false, error: { code: 'invalid-params', message: expect.stringContaining('settings must be an object') } });
  });

  it('validates settings in results against the settings schema', async () => {
    const api = fakeEngineApi();
    const ok = await dispatch(api, { method: 'settings.get' });
    expect(ok).toMatchObject({ ok: true, result: { settings: { version: expect.any(Number) }, problems: [] } });
    api.returnNext('settings.get', { settings: { ui: { language: 'fr' } }, problems: [] });
    expect(await dispatch(api, { method: 'settings.get' })).toMatchObject({ ok: false, error: { code: 'invalid-result' } });
  });
});
