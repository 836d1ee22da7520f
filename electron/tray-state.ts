// What the tray shows for a given engine state: one of four icons and a one-line tooltip. Pure, so every
// combination of sync and auth state can be checked without a tray.
import type { AuthStatus, SyncStatus } from '../src/control/contract.js';
import { renderMessage } from '../src/core/messages/index.js';
import { shellText, type ShellLanguage, type ShellText } from './shell-text.js';

export type TrayIconState = 'syncing' | 'paused' | 'attention' | 'error';

export const TRAY_ICON_STATES: readonly TrayIconState[] = ['syncing', 'paused', 'attention', 'error'];

export interface TrayModel {
  sync?: SyncStatus;
  auth?: AuthStatus;
  language: ShellLanguage;
}

export interface TrayView {
  icon: TrayIconState;
  /** One line; Windows cuts tray tooltips at 127 characters. */
  tooltip: string;
  /** Short status for the first (disabled) menu line. */
  status: string;
}

export const MAX_TOOLTIP = 127;

/** Sync states in which the engine is on (it may be waiting for a sign-in, but the admin switched it on). */
export function isSyncOn(sync: SyncStatus | undefined): boolean {
  return sync !== undefined && ['starting', 'running', 'degraded', 'signed-out'].includes(sync.state);
}

export function trayView(model: TrayModel, now: Date = new Date()): TrayView {
  const t = shellText(model.language);
  const { sync } = model;
  const { icon, status, reason } = trayState(model, t);
  const parts = [`${t.appName}: ${status}`];
  if (reason) parts.push(reason);
  else if (icon === 'syncing' && sync?.lastSuccessfulSync) parts.push(formatSyncTime(sync.lastSuccessfulSync, model.language, now));
  return { icon, status, tooltip: oneLine(parts.join(' – '), MAX_TOOLTIP) };
}

/** Precedence: an error stops everything; then what needs the admin; then on/off. */
function trayState({ sync: raw, auth: rawAuth, language }: TrayModel, t: ShellText): { icon: TrayIconState; status: string; reason: string | undefined } {
  const sync = raw ? { ...raw, reason: syncReason(raw, language) } : undefined;
  const auth = rawAuth ? { ...rawAuth, message: authMessage(rawAuth, language) } : undefined;
  if (sync?.state === 'error') return { icon: 'error', status: t.state.error, reason: sync.reason };
  // A restore that left users with values the bridge set (e.g. stop while the PBX was unreachable).
  const restore = sync?.restore;
  if (restore && restore.notRestored > 0) {
    return { icon: 'attention', status: t.notRestored(restore.notRestored, restore.total), reason: restore.reason ? t.restoreReason[restore.reason] : undefined };
  }
  if (auth?.state === 'not-configured') return { icon: 'attention', status: t.state.notConfigured, reason: auth.message };
  if (sync?.state === 'signed-out' || auth?.state === 'needs-sign-in') return { icon: 'attention', status: t.state.signIn, reason: auth?.message ?? sync?.reason };
  if (auth && auth.appCredential !== 'ok') return { icon: 'attention', status: t.state.credential, reason: auth.message };
  if (sync?.state === 'degraded') return { icon: 'attention', status: t.state.degraded, reason: sync.reason };
  if (sync?.state === 'running' || sync?.state === 'starting') {
    return { icon: 'syncing', status: sync.state === 'starting' ? t.state.starting : t.state.syncing, reason: undefined };
  }
  return { icon: 'paused', status: t.state.paused, reason: undefined };
}

/** The sync reason in the tray's language, from its code (an engine without codes: its words). */
export function syncReason(sync: SyncStatus, language: ShellLanguage): string | undefined {
  if (!sync.reasonCode) return sync.reason;
  return renderMessage(language, { code: sync.reasonCode, ...(sync.reasonParams ? { params: sync.reasonParams } : {}) });
}

/** The sign-in's notes in the tray's language, from their codes (an engine without codes: its words). */
export function authMessage(auth: AuthStatus, language: ShellLanguage): string | undefined {
  if (!auth.messageCodes?.length) return auth.message;
  return auth.messageCodes.map((m) => renderMessage(language, m)).join(' ');
}

export function lastSyncLine(model: TrayModel, now: Date = new Date()): string {
  const t = shellText(model.language);
  const at = model.sync?.lastSuccessfulSync;
  return at ? t.lastSync(formatSyncTime(at, model.language, now)) : t.lastSyncNever;
}

/** "14:03" today, "2 Jan, 14:03" on other days, in the UI language and the machine's time zone. */
export function formatSyncTime(iso: string, language: ShellLanguage, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const locale = language === 'de' ? 'de-DE' : 'en-GB';
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(at);
  if (at.toDateString() === now.toDateString()) return time;
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }).format(at);
  return `${day}, ${time}`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
