import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { ControlClient, Settings } from '../api/types.js';
import type { FieldMessage } from '../components/Field.js';
import { issueText } from '../i18n/engine-text.js';
import { useI18n } from '../i18n/index.js';
import { issuesAt } from '../settings/checks.js';
import { changedSections } from '../settings/diff.js';
import { changedPages, type PageId } from './pages.js';
import type { LiveStore } from '../state/live-store.js';
import type { LogStore } from '../state/log-store.js';
import type { SettingsStore } from '../state/settings-store.js';
import { useStore } from '../state/use-store.js';

export interface AppServices {
  client: ControlClient;
  live: LiveStore;
  logs: LogStore;
  settings: SettingsStore;
}

const Ctx = createContext<AppServices | null>(null);

export function ServicesProvider({ services, children }: { services: AppServices; children: ReactNode }) {
  return <Ctx.Provider value={services}>{children}</Ctx.Provider>;
}

export function useServices(): AppServices {
  const s = useContext(Ctx);
  if (!s) throw new Error('useServices outside ServicesProvider');
  return s;
}

export function useLive() {
  return useStore(useServices().live.store);
}

export function useSettingsState() {
  return useStore(useServices().settings.store);
}

/** The pages whose fields differ from the saved settings (one draft holds all pages' edits). */
export function useChangedPages(): ReadonlySet<PageId> {
  const { draft, saved } = useSettingsState();
  return useMemo(() => changedPages(changedSections(draft, saved)), [draft, saved]);
}

/**
 * The draft and an updater for pages that edit settings. `draft` is non-null here: pages that edit settings
 * render only after the settings have loaded.
 */
export function useDraft(): { draft: Settings; update: (edit: (d: Settings) => Settings) => void } {
  const { settings } = useServices();
  const state = useStore(settings.store);
  if (!state.draft) throw new Error('useDraft before settings loaded');
  return { draft: state.draft, update: (edit) => settings.update(edit) };
}

/**
 * The message to show next to a field: the localized browser check first, else the host's (rendered from its
 * code in the page's language).
 */
export function useFieldError(path: string): FieldMessage | undefined {
  const { t } = useI18n();
  const state = useSettingsState();
  const local = issuesAt(state.localIssues, path);
  if (local.length > 0) return local.map((i) => i.message).join(' ');
  const server = issuesAt(state.serverIssues, path).map((i) => issueText(i, t));
  if (server.length === 0) return undefined;
  const detail = server.filter((m) => m.detail !== undefined).map((m) => m.detail).join(' ');
  return { text: server.map((m) => m.text).join(' '), ...(detail ? { detail } : {}) };
}
