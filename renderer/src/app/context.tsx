import { createContext, useContext, type ReactNode } from 'react';
import type { ControlClient, Settings } from '../api/types.js';
import { issuesAt } from '../settings/checks.js';
import type { LiveStore } from '../state/live-store.js';
import type { LogStore } from '../state/log-store.js';
import type { SettingsStore } from '../state/settings-store.js';
import { useStore } from '../state/store.js';

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

/** The message to show next to a field: the localized browser check first, else the host's. */
export function useFieldError(path: string): string | undefined {
  const state = useSettingsState();
  const local = issuesAt(state.localIssues, path);
  if (local.length > 0) return local.map((i) => i.message).join(' ');
  const server = issuesAt(state.serverIssues, path);
  if (server.length > 0) return server.map((i) => i.message).join(' ');
  return undefined;
}
