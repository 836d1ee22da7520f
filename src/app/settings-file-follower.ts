// Follows the settings file while the app runs: a change made outside it (`presence-bridge setup` on the same
// files, an editor) is applied like a save from the window — audited, reconnecting where needed, shown live on the
// page — instead of waiting for a restart and being overwritten by the next save from the window.
import { auditSettingsSave } from '../core/audit.js';
import { coded } from '../core/messages/log-line.js';
import type { Settings } from '../core/settings.js';
import { watchFile } from '../platform/file-watch.js';
import type { Logger } from '../platform/logger.js';
import type { SettingsStore } from '../platform/settings-store.js';
import type { Note } from './load-notes.js';

export interface SettingsFileFollowerOptions {
  store: SettingsStore<Settings>;
  log: Logger;
  /** The settings the app runs with. */
  current(): Settings;
  /** Applies settings that changed in the file (audited here first, as a save 'in the settings file'). */
  apply(next: Settings): Promise<void>;
  /**
   * The file changed but cannot be used: the running settings stay; `note` says what to fix (and is logged with
   * its code). `isOurs` tells an earlier such note (by its code), which the new one replaces.
   */
  unusable(note: Note, isOurs: (note: Note) => boolean): void;
  debounceMs?: number;
}

const MARK = 'was changed outside the app';
const UNUSABLE_EN = {
  'unreadable': (d: string) => `cannot be read: ${d}`,
  'not-json': (d: string) => `is not valid JSON (${d})`,
  'invalid': (d: string) => `has invalid values (${d})`,
} as const;

export function followSettingsFile(o: SettingsFileFollowerOptions): () => void {
  let chain: Promise<void> = Promise.resolve();
  let lastNote = '';
  const check = async (): Promise<void> => {
    const r = await o.store.reread();
    if (r.kind === 'changed') {
      lastNote = '';
      auditSettingsSave(o.log, o.current(), r.settings, 'file');
      await o.apply(r.settings);
    } else if (r.kind === 'unusable') {
      const note = `The settings file ${o.store.file} ${MARK} and ${UNUSABLE_EN[r.problem](r.detail)}. The app keeps the settings it runs with; correct the file, or save from the settings window to overwrite it.`;
      // An editor saving twice must not fill the log with the same note.
      if (note !== lastNote) {
        const p = { file: o.store.file, detail: r.detail };
        o.log.warn(note, r.problem === 'invalid' ? coded('log-settings-file-invalid', p)
          : r.problem === 'not-json' ? coded('log-settings-file-not-json', p) : coded('log-settings-file-unreadable', p));
        o.unusable({ text: note, code: { code: `log-settings-file-${r.problem}`, params: p } }, (n) => n.code.code.startsWith('log-settings-file-'));
      }
      lastNote = note;
    }
  };
  const watch = watchFile(o.store.file, () => {
    chain = chain.then(check).catch((err: unknown) => o.log.warn('Reading the changed settings file failed', coded('log-settings-file-read-failed', { error: String(err) })));
  }, o.debounceMs);
  return () => watch.close();
}
