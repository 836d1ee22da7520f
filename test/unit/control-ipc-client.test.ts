import { describe, expect, it } from 'vitest';
import { createIpcClient, type PresenceBridgeBridge } from '../../renderer/src/control/ipc-client.js';
import { ControlCallError } from '../../renderer/src/control/http-client.js';
import { dispatch } from '../../src/control/dispatch.js';
import type { ControlEvent, ControlReply } from '../../src/control/contract.js';
import { FIXED_TIME, fakeEngineApi } from '../integration/control-fake-engine.js';

/** The preload's surface, backed by the real dispatch (as electron/ipc-host.ts does) over the engine double. */
function bridgeOver(api = fakeEngineApi()): PresenceBridgeBridge & { api: typeof api } {
  return {
    api,
    request: (method, params) => dispatch(api, { method, params }),
    subscribe: (listener) => api.subscribe(listener),
  };
}

describe('IPC control client', () => {
  it('unwraps successful replies and validates results', async () => {
    const client = createIpcClient(bridgeOver());
    expect((await client.call('roster.get', {})).counts).toEqual({ matched: 1, conflicts: 1 });
    expect(client.kind).toBe('ipc');
  });

  it('turns error replies into ControlCallError with code, message and issues', async () => {
    const client = createIpcClient(bridgeOver());
    const err = await client.call('sync.stop', { restore: 'x' } as unknown as { restore: boolean }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControlCallError);
    expect(err).toMatchObject({ code: 'invalid-params', issues: [expect.objectContaining({ path: 'restore' })] });
  });

  it('reports a bridge that throws or answers garbage readably', async () => {
    const throwing = createIpcClient({ request: () => Promise.reject(new Error('ipc gone')), subscribe: () => () => undefined });
    await expect(throwing.call('roster.get', {})).rejects.toMatchObject({ code: 'unreachable' });
    const garbage = createIpcClient({ request: () => Promise.resolve({ nope: 1 } as unknown as ControlReply), subscribe: () => () => undefined });
    await expect(garbage.call('roster.get', {})).rejects.toMatchObject({ code: 'bad-response' });
    const wrongShape = createIpcClient({ request: () => Promise.resolve({ ok: true, result: { users: 'x' } }), subscribe: () => () => undefined });
    await expect(wrongShape.call('roster.get', {})).rejects.toMatchObject({ code: 'invalid-result' });
  });

  it('delivers valid events, drops invalid ones, and unsubscribes', async () => {
    const bridge = bridgeOver();
    const client = createIpcClient(bridge);
    const got: ControlEvent[] = [];
    const off = client.subscribe((e) => got.push(e));
    bridge.api.emitRaw({ type: 'state.sync', data: { state: 'nope' } });
    const ok: ControlEvent = { type: 'log.entry', data: { seq: 1, time: FIXED_TIME, level: 'info', msg: 'hi' } };
    bridge.api.emit(ok);
    expect(got).toEqual([ok]);
    off();
    expect(bridge.api.listenerCount()).toBe(0);
    const states: string[] = [];
    client.onConnection((s) => states.push(s));
    expect(states).toEqual(['connected']);
  });
});
