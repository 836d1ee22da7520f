// Control client inside the Electron settings window: wraps `window.presenceBridge` from the preload, which
// answers with the reply envelope (Errors lose their fields crossing the context bridge). Results and events
// are validated here too, the receiving side of the contract.
import {
  ControlEventSchema, ControlReplySchema, METHODS,
  type ControlEvent, type ControlReply, type MethodName, type ParamsInputOf, type ResultOf,
} from '../../../src/control/contract.js';
import { ControlCallError, type ConnectionState } from './http-client.js';

/** What the preload exposes (see electron/ipc-channels.ts, PresenceBridgeApi). */
export interface PresenceBridgeBridge {
  request(method: string, params?: unknown): Promise<ControlReply>;
  subscribe(listener: (event: ControlEvent) => void): () => void;
}

export interface IpcControlClient {
  readonly kind: 'ipc';
  call<M extends MethodName>(method: M, params: ParamsInputOf<M>): Promise<ResultOf<M>>;
  subscribe(fn: (e: ControlEvent) => void): () => void;
  /** IPC has no connection to lose while the window exists: always 'connected'. */
  onConnection(fn: (state: ConnectionState, error?: string) => void): () => void;
  close(): void;
}

export function createIpcClient(bridge: PresenceBridgeBridge): IpcControlClient {
  const unsubscribers = new Set<() => void>();
  return {
    kind: 'ipc',
    async call(method, params) {
      let raw: unknown;
      try {
        raw = await bridge.request(method, params ?? {});
      } catch {
        throw new ControlCallError({ code: 'unreachable', message: 'The Presence Bridge engine did not answer. Restart Presence Bridge.' });
      }
      const reply = ControlReplySchema.safeParse(raw);
      if (!reply.success) throw new ControlCallError({ code: 'bad-response', message: `Unexpected reply to ${method}. Restart Presence Bridge.` });
      if (!reply.data.ok) throw new ControlCallError(reply.data.error);
      const checked = METHODS[method].result.safeParse(reply.data.result);
      if (!checked.success) throw new ControlCallError({ code: 'invalid-result', message: `The reply to ${method} does not match this window's version. Restart Presence Bridge.` });
      return checked.data as ResultOf<typeof method>;
    },
    subscribe(fn) {
      const off = bridge.subscribe((raw) => {
        const event = ControlEventSchema.safeParse(raw);
        if (!event.success) return;
        try {
          fn(event.data as ControlEvent);
        } catch {
          // a broken listener must not break the bridge's dispatch
        }
      });
      unsubscribers.add(off);
      return () => {
        if (unsubscribers.delete(off)) off();
      };
    },
    onConnection(fn) {
      fn('connected');
      return () => undefined;
    },
    close() {
      for (const off of [...unsubscribers]) off();
      unsubscribers.clear();
    },
  };
}
