// The IPC host of the control contract: real dispatch, the control helper's engine test double, the real
// settings-window sender check, and Electron replaced by a stand-in (test/unit/electron-stand-in.ts).
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../src/control/dispatch.js';
import { CONTROL_EVENT_CHANNEL, CONTROL_REQUEST_CHANNEL } from '../../electron/ipc-channels.js';
import { FORBIDDEN_REPLY, startIpcHost } from '../../electron/ipc-host.js';
import { createSettingsWindow } from '../../electron/settings-window.js';
import { fakeEngineApi, FIXED_TIME } from '../integration/control-fake-engine.js';
import { electronStandIn } from './electron-stand-in.js';

function recordingLog() {
  const lines: string[] = [];
  const rec = (level: string) => (msg: string, fields?: Record<string, unknown>) => { lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`); };
  return { lines, info: rec('info'), warn: rec('warn'), error: rec('error'), debug: rec('debug') };
}

function setup() {
  const electron = electronStandIn();
  const api = fakeEngineApi();
  const log = recordingLog();
  const win = createSettingsWindow(electron, {
    preload: '/p.cjs', title: 'Presence Bridge', hideOnClose: () => true, isQuitting: () => false, openExternal: () => {}, log,
  });
  const host = startIpcHost({
    ipcMain: electron.ipcMain,
    dispatch: (request) => dispatch(api, request, { logger: log }),
    subscribe: (l) => api.subscribe(l),
    isTrustedSender: (e) => win.isTrustedSender(e),
    eventTargets: () => win.eventTargets(),
    log,
  });
  win.show();
  const wc = electron.windows[0]!.webContents;
  const invoke = (request: unknown, event = wc.invokeEvent()) => electron.ipcMain.invoke(CONTROL_REQUEST_CHANNEL, event, request);
  return { electron, api, log, win, host, wc, invoke };
}

describe('IPC host with Electron replaced by a stand-in', () => {
  it('answers a request from the settings window through dispatch', async () => {
    const { api, invoke } = setup();
    const reply = await invoke({ method: 'sync.start', params: {} });
    expect(reply).toEqual({ ok: true, result: expect.objectContaining({ state: 'running', since: FIXED_TIME }) });
    expect(api.calls.map((c) => c.method)).toEqual(['sync.start']);
  });

  it('validates params at run time and answers errors as readable replies', async () => {
    const { api, invoke } = setup();
    expect(await invoke({ method: 'sync.stop', params: { restore: 'yes' } })).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    expect(await invoke({ method: 'shell.exec', params: {} })).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await invoke('settings.get')).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(api.calls).toEqual([]);
  });

  it('rejects requests from any other sender and never reaches the engine', async () => {
    const { electron, api, invoke, wc } = setup();
    const stranger = new electron.BrowserWindow({});
    await stranger.loadURL('app://presence-bridge/index.html');
    const cases = [
      stranger.webContents.invokeEvent(),
      wc.invokeEvent({ url: 'app://presence-bridge/index.html', parent: wc.mainFrame }),
      wc.invokeEvent({ url: 'https://login.microsoftonline.com/', parent: null }),
      wc.invokeEvent({ url: 'file:///etc/passwd', parent: null }),
      wc.invokeEvent(null),
    ];
    for (const event of cases) {
      expect(await invoke({ method: 'secrets.status', params: {} }, event)).toEqual(FORBIDDEN_REPLY);
    }
    expect(api.calls).toEqual([]);
  });

  it('logs a rejected sender by origin only', async () => {
    const { invoke, wc, log } = setup();
    await invoke({ method: 'log.export', params: {} }, wc.invokeEvent({ url: 'https://evil.example/steal?token=abc', parent: null }));
    expect(log.lines.join('\n')).toContain('https://evil.example');
    expect(log.lines.join('\n')).not.toContain('token=abc');
  });

  it('never logs a secret carried by a request, even when it fails', async () => {
    const { api, invoke, log } = setup();
    const secret = 'S3cr3t-Client-Value-1234567890';
    expect(await invoke({ method: 'secrets.set', params: { name: 'microsoft.clientSecret', value: secret } })).toEqual({ ok: true, result: {} });
    api.failNext('secrets.set', new Error(`vault refused ${secret}`));
    const failed = await invoke({ method: 'secrets.set', params: { name: 'microsoft.clientSecret', value: secret } });
    expect(JSON.stringify(failed)).not.toContain(secret);
    await invoke({ method: 'secrets.set', params: { name: 'nope', value: secret } });
    expect(log.lines.length).toBeGreaterThan(0);
    expect(log.lines.join('\n')).not.toContain(secret);
  });

  it('pushes engine events to the settings window only', async () => {
    const { electron, api, wc } = setup();
    const stranger = new electron.BrowserWindow({});
    const event = { type: 'state.sync' as const, data: { state: 'running' as const, since: FIXED_TIME, counters: { cycles: 1, presenceRequests: 1, pbxWrites: 0, teamsWrites: 0, errors: 0 } } };
    api.emit(event);
    expect(wc.sent).toEqual([{ channel: CONTROL_EVENT_CHANNEL, args: [event] }]);
    expect(stranger.webContents.sent).toEqual([]);
  });

  it('drops events while the window does not exist', () => {
    const { api, win, wc } = setup();
    win.destroy();
    expect(() => api.emit({ type: 'log.entry', data: { seq: 1, time: FIXED_TIME, level: 'info', msg: 'hello' } })).not.toThrow();
    expect(wc.sent).toEqual([]);
  });

  it('survives a window that went away mid-send and keeps delivering to the others', () => {
    const electron = electronStandIn();
    const api = fakeEngineApi();
    const log = recordingLog();
    const delivered: unknown[] = [];
    startIpcHost({
      ipcMain: electron.ipcMain, dispatch: (r) => dispatch(api, r), subscribe: (l) => api.subscribe(l),
      isTrustedSender: () => true, log,
      eventTargets: () => [
        { send: () => { throw new Error('Object has been destroyed'); } },
        { send: (_channel: string, e: unknown) => { delivered.push(e); } },
      ],
    });
    expect(() => api.emit({ type: 'log.entry', data: { seq: 1, time: FIXED_TIME, level: 'info', msg: 'hello' } })).not.toThrow();
    expect(delivered).toHaveLength(1);
    expect(log.lines.join('\n')).toContain('could not deliver an event');
  });

  it('removes its handler and its engine subscription on dispose', async () => {
    const { api, host, invoke, electron } = setup();
    const before = api.listenerCount();
    host.dispose();
    expect(api.listenerCount()).toBe(before - 1);
    expect(electron.ipcMain.handlers.has(CONTROL_REQUEST_CHANNEL)).toBe(false);
    await expect(invoke({ method: 'settings.get', params: {} })).rejects.toThrow(/No handler/);
  });
});
