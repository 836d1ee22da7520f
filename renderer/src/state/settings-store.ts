import type { Message } from '../../../src/core/errors.js';
import type { ControlClient, Issue, Settings } from '../api/types.js';
import type { SaveEffect } from '../../../src/core/save-preview.js';
import { toCallError } from '../api/types.js';
import type { LocalIssue } from '../i18n/engine-text.js';
import { mergeEdits, sameValue } from '../settings/diff.js';
import { Store } from './store.js';

/** Asks the admin to confirm what a save will do (the confirmation dialog); resolves true to save. */
export type ConfirmSave = (effects: readonly SaveEffect[]) => Promise<boolean>;

export type SaveStatus =
  | { kind: 'saved' }
  | { kind: 'cancelled' }
  | { kind: 'invalid'; count: number }
  | { kind: 'failed'; message: string };

export interface SettingsState {
  loaded: boolean;
  loadError: string | null;
  /**
   * Problems the host reported while reading the file (e.g. a corrupt file moved aside), minus those the admin
   * dismissed or that a successful save made obsolete.
   */
  problems: readonly string[];
  /** The code of each problem the host coded (by its text), rendered in the page's language. */
  problemCodes: Readonly<Record<string, Message>>;
  /** What the host has stored. */
  saved: Settings | null;
  /** What the admin is editing; equal to `saved` when nothing is pending. */
  draft: Settings | null;
  dirty: boolean;
  saving: boolean;
  /** Issues from the host (`settings.validate` while editing, `settings.save` on save), by dotted path. */
  serverIssues: readonly Issue[];
  /** Issues found in the browser (localized); a save is refused while there are any. */
  localIssues: readonly LocalIssue[];
  status: SaveStatus | null;
  /** The stored settings changed elsewhere while the admin had pending edits. */
  changedElsewhere: boolean;
}

const initial: SettingsState = {
  loaded: false, loadError: null, problems: [], problemCodes: {}, saved: null, draft: null, dirty: false, saving: false,
  serverIssues: [], localIssues: [], status: null, changedElsewhere: false,
};

const same = sameValue;

/** Each coded problem's code, by its text (the store keeps and dismisses problems by text). */
function codesByText(problems: readonly string[], codes: readonly (Message | null)[] | undefined): Record<string, Message> {
  const out: Record<string, Message> = {};
  problems.forEach((p, i) => {
    const c = codes?.[i];
    if (c) out[p] = c;
  });
  return out;
}

/**
 * One settings draft for the whole window: pages edit parts of it, one Save stores it all. A failed save keeps
 * the draft (nothing typed is ever lost); a successful one reloads what the host stored (it may normalise).
 */
export class SettingsStore {
  readonly store = new Store<SettingsState>(initial);
  private validateTimer: ReturnType<typeof setTimeout> | undefined;
  private validateSeq = 0;
  private unsubscribe: (() => void) | undefined;
  /**
   * Notes the admin has dealt with (dismissed, or saved the settings after seeing them). The host keeps
   * reporting a note from reading the file until it restarts; this window does not show it again.
   */
  private readonly doneProblems = new Set<string>();

  constructor(
    private readonly client: ControlClient,
    /** Localized checks of the draft (computed in the browser, before anything is sent). */
    private localCheck: (s: Settings) => LocalIssue[] = () => [],
    private readonly validateDelayMs = 400,
  ) {}

  private confirmSave: ConfirmSave | undefined;

  /** Issue 15 item 2: a save that stops the sync or changes the user count is confirmed first. */
  setConfirm(confirm: ConfirmSave | undefined): void {
    this.confirmSave = confirm;
  }

  setLocalCheck(check: (s: Settings) => LocalIssue[]): void {
    this.localCheck = check;
    const { draft } = this.store.get();
    if (draft) this.store.set((s) => ({ ...s, localIssues: check(draft) }));
  }

  start(): void {
    this.unsubscribe = this.client.subscribe((e) => {
      if (e.type === 'settings.changed') this.onExternalChange(e.data.settings);
    });
    void this.load();
  }

  stop(): void {
    this.unsubscribe?.();
    clearTimeout(this.validateTimer);
  }

  async load(): Promise<void> {
    this.store.set((s) => ({ ...s, loadError: null }));
    try {
      const { settings, problems, problemCodes } = await this.client.call('settings.get', {});
      this.store.set((s) => ({
        ...s, loaded: true, loadError: null, problems: this.openProblems(problems), problemCodes: codesByText(problems, problemCodes), saved: settings, draft: settings, dirty: false,
        serverIssues: [], localIssues: this.localCheck(settings), changedElsewhere: false,
      }));
    } catch (err) {
      this.store.set((s) => ({ ...s, loaded: s.saved !== null, loadError: toCallError(err).message }));
    }
  }

  /** Applies an edit to the draft. */
  update(edit: (draft: Settings) => Settings): void {
    const { draft, saved } = this.store.get();
    if (!draft) return;
    const next = edit(draft);
    const dirty = !same(next, saved);
    this.store.set((s) => ({
      ...s, draft: next, dirty, localIssues: this.localCheck(next), status: null,
      changedElsewhere: dirty ? s.changedElsewhere : false,
    }));
    this.scheduleValidate(next);
  }

  discard(): void {
    clearTimeout(this.validateTimer);
    this.validateSeq++;
    this.store.set((s) => ({
      ...s, draft: s.saved, dirty: false, serverIssues: [], localIssues: s.saved ? this.localCheck(s.saved) : [],
      status: null, changedElsewhere: false,
    }));
  }

  /** Saves the whole draft. Returns true when stored. */
  async save(): Promise<boolean> {
    const { draft } = this.store.get();
    if (!draft) return false;
    clearTimeout(this.validateTimer);
    this.validateSeq++;
    const local = this.localCheck(draft);
    if (local.length > 0) {
      this.store.set((s) => ({ ...s, localIssues: local, status: { kind: 'invalid', count: local.length } }));
      return false;
    }
    this.store.set((s) => ({ ...s, saving: true, status: null }));
    try {
      if (!(await this.confirmEffects(draft))) {
        this.store.set((s) => ({ ...s, saving: false, status: { kind: 'cancelled' } }));
        return false;
      }
      const res = await this.client.call('settings.save', { settings: draft });
      if (!res.ok) {
        this.store.set((s) => ({
          ...s, saving: false, serverIssues: res.issues, status: { kind: 'invalid', count: res.issues.length },
        }));
        return false;
      }
      // The notes the admin saw came from reading the old file, which was just replaced: they are done with.
      // Only notes the host reports anew after the save are shown.
      this.dismissProblems();
      // Reload what was stored: the host normalises (trims, drops trailing slashes, fills defaults).
      let stored = draft;
      let problems: string[] = [];
      let problemCodes: Record<string, Message> = {};
      try {
        const reloaded = await this.client.call('settings.get', {});
        stored = reloaded.settings;
        problems = this.openProblems(reloaded.problems);
        problemCodes = codesByText(reloaded.problems, reloaded.problemCodes);
      } catch {
        // The save succeeded; showing the draft as saved is the best we know.
      }
      this.store.set((s) => {
        const editedMeanwhile = !same(s.draft, draft);
        const nextDraft = editedMeanwhile ? s.draft : stored;
        return {
          ...s, saving: false, saved: stored, draft: nextDraft, dirty: editedMeanwhile && !same(nextDraft, stored),
          serverIssues: [], localIssues: nextDraft ? this.localCheck(nextDraft) : [], status: { kind: 'saved' },
          changedElsewhere: false, problems, problemCodes,
        };
      });
      return true;
    } catch (err) {
      const e = toCallError(err);
      this.store.set((s) => ({
        ...s, saving: false, serverIssues: e.issues ?? s.serverIssues, status: { kind: 'failed', message: e.message },
      }));
      return false;
    }
  }

  /** What the save will do (settings.preview), confirmed by the admin where it stops the sync or changes the users. */
  private async confirmEffects(draft: Settings): Promise<boolean> {
    if (!this.confirmSave) return true;
    let effects: readonly SaveEffect[];
    try {
      effects = (await this.client.call('settings.preview', { settings: draft })).effects;
    } catch {
      // An engine without settings.preview (older) or a failed preview: the save itself still validates.
      return true;
    }
    return effects.length === 0 || this.confirmSave(effects);
  }

  /** Stores one preference at once (e.g. the language) without saving the admin's other pending edits. */
  async savePreference(edit: (s: Settings) => Settings): Promise<void> {
    const { saved, draft } = this.store.get();
    if (!saved || !draft) return;
    const nextSaved = edit(saved);
    const nextDraft = edit(draft);
    this.store.set((s) => ({ ...s, saved: nextSaved, draft: nextDraft, dirty: !same(nextDraft, nextSaved) }));
    try {
      await this.client.call('settings.save', { settings: nextSaved });
    } catch {
      // A preference that cannot be stored still applies to this window; nothing else depends on it.
    }
  }

  /** Hides the current notes from loading the settings (the same notes stay hidden on later loads). */
  dismissProblems(): void {
    for (const p of this.store.get().problems) this.doneProblems.add(p);
    this.store.set((s) => ({ ...s, problems: [] }));
  }

  private openProblems(problems: readonly string[]): string[] {
    return problems.filter((p) => !this.doneProblems.has(p));
  }

  clearStatus(): void {
    this.store.set((s) => ({ ...s, status: null }));
  }

  private onExternalChange(settings: Settings): void {
    const { saved, dirty, saving } = this.store.get();
    // Our own save echoes back as settings.changed; save() reloads the stored settings itself.
    if (saving || same(settings, saved)) return;
    if (!dirty) {
      this.store.set((s) => ({ ...s, saved: settings, draft: settings, localIssues: this.localCheck(settings), serverIssues: [] }));
    } else {
      // Keep what the admin changed here and take everything else as now stored, so Save neither reverts the
      // other change nor marks pages the admin never touched as edited.
      this.store.set((s) => {
        const draft = s.draft && s.saved ? mergeEdits(s.saved, s.draft, settings) : settings;
        const stillDirty = !same(draft, settings);
        return {
          ...s, saved: settings, draft, changedElsewhere: stillDirty, dirty: stillDirty, localIssues: this.localCheck(draft),
        };
      });
    }
  }

  private scheduleValidate(draft: Settings): void {
    clearTimeout(this.validateTimer);
    const seq = ++this.validateSeq;
    this.validateTimer = setTimeout(() => {
      void this.client.call('settings.validate', { settings: draft }).then(
        (res) => {
          if (seq === this.validateSeq) this.store.set((s) => ({ ...s, serverIssues: res.issues }));
        },
        () => undefined,
      );
    }, this.validateDelayMs);
  }
}
