// The preload, compiled as tsc compiles it (CommonJS) and run the way a sandboxed preload runs: a script whose
// `require` knows only 'electron' — here a stand-in for Electron's contextBridge and ipcRenderer.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import ts from 'typescript';
import { CONTROL_EVENT_CHANNEL, CONTROL_REQUEST_CHANNEL } from '../../electron/ipc-channels.js';

const source = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'electron', 'preload.cts'), 'utf8');
const compiled = ts.transpileModule(source, {
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  fileName: 'preload.cts',
}).outputText;

type Handler = (event: unknown, payload: unknown) => void;

function loadPreload() {
  const exposed = new Map<string, unknown>();
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Handler[]>();
  const required: string[] = [];
  const ipcRenderer = {
    invoke: async (channel: string, ...args: unknown[]) => { invoked.push({ channel, args }); return { ok: true, result: { echoed: args[0] } }; },
    on: (channel: string, fn: Handler) => { listeners.set(channel, [...(listeners.get(channel) ?? []), fn]); },
    removeListener: (channel: string, fn: Handler) => { listeners.set(channel, (listeners.get(channel) ?? []).filter((l) => l !== fn)); },
    send: () => { throw new Error('the preload must not use send'); },
  };
  const contextBridge = { exposeInMainWorld: (key: string, api: unknown) => { exposed.set(key, api); } };
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return { contextBridge, ipcRenderer };
    throw new Error(`module not found: ${name} (sandboxed preloads can only require electron)`);
  };
  const module = { exports: {} };
  vm.runInNewContext(compiled, { require: sandboxRequire, module, exports: module.exports, Promise, TypeError });
  const emit = (channel: string, payload: unknown) => {
    const fakeIpcEvent = { sender: { send: () => {} }, ports: [], secret: 'ipc-internals' };
    for (const l of listeners.get(channel) ?? []) l(fakeIpcEvent, payload);
  };
  return { exposed, invoked, listeners, required, emit };
}

describe('preload (sandboxed, Electron replaced by a stand-in)', () => {
  it('compiles to a CommonJS script that requires nothing but electron', () => {
    const { required } = loadPreload();
    expect(required).toEqual(['electron']);
    expect(compiled).not.toMatch(/^\s*import\s/m);
    expect(compiled).not.toMatch(/^\s*export\s/m);
  });

  it('exposes exactly window.presenceBridge with request and subscribe', () => {
    const { exposed } = loadPreload();
    expect([...exposed.keys()]).toEqual(['presenceBridge']);
    const api = exposed.get('presenceBridge') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['request', 'subscribe']);
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
  });

  it('uses the same channel names as the main process', () => {
    expect(CONTROL_REQUEST_CHANNEL).toBe('control:request');
    expect(CONTROL_EVENT_CHANNEL).toBe('control:event');
    expect(source).toContain(`'${CONTROL_REQUEST_CHANNEL}'`);
    expect(source).toContain(`'${CONTROL_EVENT_CHANNEL}'`);
  });

  it('sends a request as one { method, params } invoke and returns the reply envelope', async () => {
    const { exposed, invoked } = loadPreload();
    const api = exposed.get('presenceBridge') as { request(m: unknown, p?: unknown): Promise<unknown> };
    expect(await api.request('sync.stop', { restore: true })).toEqual({ ok: true, result: { echoed: { method: 'sync.stop', params: { restore: true } } } });
    await api.request('settings.get');
    expect(invoked).toEqual([
      { channel: CONTROL_REQUEST_CHANNEL, args: [{ method: 'sync.stop', params: { restore: true } }] },
      { channel: CONTROL_REQUEST_CHANNEL, args: [{ method: 'settings.get', params: {} }] },
    ]);
    await expect(api.request(42)).rejects.toThrow(/method must be a string/);
    expect(invoked).toHaveLength(2);
  });

  it('hands subscribers only the event, never the IPC event object, and unsubscribes', () => {
    const { exposed, emit, listeners } = loadPreload();
    const api = exposed.get('presenceBridge') as { subscribe(fn: unknown): () => void };
    const got: unknown[][] = [];
    const off = api.subscribe((...args: unknown[]) => { got.push(args); });
    emit(CONTROL_EVENT_CHANNEL, { type: 'state.sync', data: { state: 'running' } });
    expect(got).toEqual([[{ type: 'state.sync', data: { state: 'running' } }]]);
    off();
    emit(CONTROL_EVENT_CHANNEL, { type: 'state.sync', data: { state: 'stopped' } });
    expect(got).toHaveLength(1);
    expect(listeners.get(CONTROL_EVENT_CHANNEL)).toEqual([]);
    expect(() => api.subscribe('not a function')).toThrow(/listener must be a function/);
  });
});
