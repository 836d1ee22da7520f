// Picks the control client at start: inside Electron the preload provides `window.presenceBridge` (IPC);
// in a browser served by the headless host, the HTTP client with the token from the page link's fragment.
import type { ControlClient } from '../api/types';
import { ControlCallError, createHttpClient, type ConnectionState, type HttpControlClient } from './http-client';
import { createIpcClient, type IpcControlClient, type PresenceBridgeBridge } from './ipc-client';
import { NO_TOKEN_MESSAGE } from './messages';

export type { ControlClient } from '../api/types';
export { ControlCallError, type ConnectionState } from './http-client';

/** A ControlClient plus what the app shell needs: which host, stream state, shutdown. */
export interface HostControlClient extends ControlClient {
  readonly kind: 'ipc' | 'http';
  onConnection(fn: (state: ConnectionState, error?: string) => void): () => void;
  close(): void;
}

const TOKEN_STORAGE_KEY = 'presenceBridge.token';

declare global {
  interface Window {
    presenceBridge?: PresenceBridgeBridge;
  }
}

export function createControlClient(win: Window = window): HostControlClient {
  if (win.presenceBridge) return asHostClient(createIpcClient(win.presenceBridge));
  const token = takeToken(win);
  if (!token) return noTokenClient();
  return asHostClient(createHttpClient({ token }));
}

/**
 * Both clients are typed straight from the contract (ParamsInputOf / ResultOf). api/types.ts restates those
 * through a conditional `WithSettings<…>` that TypeScript cannot relate generically, although the contract
 * already types settings as core Settings; the shapes are the same, so one cast here bridges the two spellings.
 */
function asHostClient(c: HttpControlClient | IpcControlClient): HostControlClient {
  return c as unknown as HostControlClient;
}

/**
 * Reads the token from `#token=…`, then removes it from the address bar (and so from history, bookmarks and
 * screenshots). Kept in sessionStorage, which lives only as long as this tab, so a reload still works.
 */
export function takeToken(win: Window): string | undefined {
  const hash = win.location.hash.startsWith('#') ? win.location.hash.slice(1) : win.location.hash;
  const fromHash = new URLSearchParams(hash).get('token') ?? undefined;
  if (fromHash) {
    const rest = new URLSearchParams(hash);
    rest.delete('token');
    const remaining = rest.toString();
    win.history.replaceState(win.history.state, '', `${win.location.pathname}${win.location.search}${remaining ? `#${remaining}` : ''}`);
    try {
      win.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromHash);
    } catch {
      // storage disabled: the page works until reload
    }
    return fromHash;
  }
  try {
    return win.sessionStorage.getItem(TOKEN_STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function noTokenClient(): HostControlClient {
  return {
    kind: 'http',
    call: () => Promise.reject(new ControlCallError({ code: 'no-token', message: NO_TOKEN_MESSAGE })),
    subscribe: () => () => undefined,
    onConnection(fn) {
      fn('disconnected', NO_TOKEN_MESSAGE);
      return () => undefined;
    },
    close: () => undefined,
  };
}
