// Desktop notifications only for problems the admin has to act on (sign-in expired, sync stopped by an error,
// app credential invalid or expiring). Routine changes (started, stopped, a sync cycle) stay silent, and each
// problem is announced once when it appears, not on every state update.
import type { AuthStatus, SyncStatus } from '../src/control/contract.js';
import { shellText, type ShellLanguage } from './shell-text.js';
import { syncReason } from './tray-state.js';
import type { NotificationConstructor } from './ports.js';

export type ProblemKey = 'sign-in' | 'sync-error' | 'credential-invalid' | 'credential-expiring' | 'credential-missing';

export interface Problem {
  key: ProblemKey;
  title: string;
  body: string;
}

export interface ProblemModel {
  sync?: SyncStatus;
  auth?: AuthStatus;
  language: ShellLanguage;
}

/** The problems present in a state, each with its readable text. */
export function problemsOf(model: ProblemModel): Problem[] {
  const t = shellText(model.language).notify;
  const out: Problem[] = [];
  // A sign-in that expired; a fresh install (never signed in, 'not-configured') is not news to the admin.
  if (model.auth?.state === 'needs-sign-in' || model.sync?.state === 'signed-out') {
    out.push({ key: 'sign-in', title: t.signInTitle, body: t.signInBody });
  }
  if (model.sync?.state === 'error') {
    out.push({ key: 'sync-error', title: t.errorTitle, body: t.errorBody(syncReason(model.sync, model.language)) });
  }
  const cred = model.auth?.appCredential;
  // A missing credential is part of first-time setup unless sync is on and needs it.
  if (cred === 'invalid' || cred === 'expiring' || (cred === 'missing' && model.sync?.state !== undefined && model.sync.state !== 'stopped')) {
    out.push({ key: `credential-${cred}`, title: t.credentialTitle, body: t.credentialBody(cred) });
  }
  return out;
}

export interface ProblemNotifier {
  observe(model: ProblemModel): void;
  /** Problems currently active (already announced). */
  readonly active: readonly ProblemKey[];
}

export function createProblemNotifier(
  deps: { Notification: NotificationConstructor },
  opts: { onClick: () => void; icon?: string },
): ProblemNotifier {
  let active = new Set<ProblemKey>();
  // Electron drops the click handler of a notification that was garbage-collected: keep the recent ones.
  const recent: unknown[] = [];
  return {
    observe(model) {
      const problems = problemsOf(model);
      const next = new Set(problems.map((p) => p.key));
      for (const p of problems) {
        if (active.has(p.key)) continue;
        if (!deps.Notification.isSupported()) continue;
        const n = new deps.Notification(opts.icon ? { title: p.title, body: p.body, icon: opts.icon } : { title: p.title, body: p.body });
        n.on('click', () => opts.onClick());
        n.show();
        recent.push(n);
        if (recent.length > 5) recent.shift();
      }
      active = next;
    },
    get active() { return [...active]; },
  };
}
