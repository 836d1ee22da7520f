// IPC channel names of the control contract. The preload repeats them (a sandboxed preload cannot import
// project files); test/unit/electron-preload.test.ts checks the two stay equal.
import type { ControlEvent, ControlReply } from '../src/control/contract.js';

/** renderer → main, ipcRenderer.invoke / ipcMain.handle: `{ method, params }` → ControlReply. */
export const CONTROL_REQUEST_CHANNEL = 'control:request';
/** main → renderer, webContents.send: one ControlEvent per message. */
export const CONTROL_EVENT_CHANNEL = 'control:event';

/**
 * What the preload exposes as `window.presenceBridge` in the settings window. `request` resolves to the reply
 * envelope (`{ ok: true, result }` or `{ ok: false, error }`) rather than throwing, because Error objects lose
 * their fields when they cross the context bridge.
 */
export interface PresenceBridgeApi {
  request(method: string, params?: unknown): Promise<ControlReply>;
  subscribe(listener: (event: ControlEvent) => void): () => void;
}
