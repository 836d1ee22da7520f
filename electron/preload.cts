// Preload of the settings window. It runs sandboxed, where scripts must be CommonJS and may only require
// 'electron' (no project files), hence a .cts file compiled to dist/electron/preload.cjs and channel names
// repeated from ipc-channels.ts. It exposes exactly `window.presenceBridge = { request, subscribe }` and never
// hands the page an ipcRenderer or an IPC event object.
// CommonJS import form: required in a .cts file under verbatimModuleSyntax.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import electron = require('electron');
import type { ControlEvent, ControlReply } from '../src/control/contract.js' with { 'resolution-mode': 'import' };

const CONTROL_REQUEST_CHANNEL = 'control:request';
const CONTROL_EVENT_CHANNEL = 'control:event';

const presenceBridge = {
  request(method: string, params?: unknown): Promise<ControlReply> {
    if (typeof method !== 'string') return Promise.reject(new TypeError('presenceBridge.request: method must be a string'));
    return electron.ipcRenderer.invoke(CONTROL_REQUEST_CHANNEL, { method, params: params ?? {} }) as Promise<ControlReply>;
  },
  subscribe(listener: (event: ControlEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('presenceBridge.subscribe: listener must be a function');
    const forward = (_event: unknown, payload: ControlEvent): void => listener(payload);
    electron.ipcRenderer.on(CONTROL_EVENT_CHANNEL, forward);
    return () => {
      electron.ipcRenderer.removeListener(CONTROL_EVENT_CHANNEL, forward);
    };
  },
};

electron.contextBridge.exposeInMainWorld('presenceBridge', presenceBridge);
