// The Electron host of the control contract: one invoke channel in, one event channel out. Every request is
// checked for its sender (only the settings window's own renderer frame may talk to the engine) and then goes
// through the same dispatch as the HTTP host, which validates params and results with the contract's schemas.
// Params are never logged: some methods carry secrets.
import { CONTROL_EVENT_CHANNEL, CONTROL_REQUEST_CHANNEL } from './ipc-channels.js';
import type { ControlEvent, ControlReply } from '../src/control/contract.js';
import type { IpcInvokeEventPort, IpcMainPort, ShellLogger } from './ports.js';

export const FORBIDDEN_REPLY: ControlReply = {
  ok: false,
  error: { code: 'forbidden', message: 'This window may not control Presence Bridge. Use the settings window from the tray menu.' },
};

export interface IpcHostOptions {
  ipcMain: IpcMainPort;
  /** dispatch(api, request) bound to the engine's ControlApi. */
  dispatch: (request: unknown) => Promise<ControlReply>;
  /** Engine events; returns the unsubscribe function. */
  subscribe: (listener: (event: ControlEvent) => void) => () => void;
  isTrustedSender: (event: IpcInvokeEventPort) => boolean;
  eventTargets: () => { send(channel: string, ...args: unknown[]): void }[];
  log: ShellLogger;
}

export interface IpcHost {
  dispose(): void;
}

export function startIpcHost(opts: IpcHostOptions): IpcHost {
  opts.ipcMain.handle(CONTROL_REQUEST_CHANNEL, async (event, request) => {
    if (!opts.isTrustedSender(event)) {
      opts.log.warn('rejected a control request from an untrusted sender', {
        senderId: event.sender.id,
        frame: describeFrame(event.senderFrame?.url),
      });
      return FORBIDDEN_REPLY;
    }
    try {
      return await opts.dispatch(request);
    } catch (err) {
      // dispatch turns engine errors into replies itself; this is a bug in the host, so say so without details.
      opts.log.error('control dispatch threw', { error: err instanceof Error ? err.name : typeof err });
      return { ok: false, error: { code: 'internal', message: 'Presence Bridge could not handle the request: see the log and restart the app.' } };
    }
  });

  const unsubscribe = opts.subscribe((event) => {
    for (const target of opts.eventTargets()) {
      try {
        target.send(CONTROL_EVENT_CHANNEL, event);
      } catch (err) {
        opts.log.warn('could not deliver an event to the settings window', { type: event.type, error: err instanceof Error ? err.message : String(err) });
      }
    }
  });

  return {
    dispose() {
      unsubscribe();
      opts.ipcMain.removeHandler(CONTROL_REQUEST_CHANNEL);
    },
  };
}

/** Scheme and host of a frame URL, for the log (no path or query: those may carry data). */
function describeFrame(url: string | undefined): string {
  if (!url) return 'none';
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'unparsable';
  }
}
