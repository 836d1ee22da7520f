// The user selection preview (who would be synced, who not and why) and the UCI credential check. The preview
// uses the engine's own roster function, so what the assistant shows is what sync will do.
import type { RosterUser } from '../core/roster.js';
import type { Settings } from '../core/settings.js';
import { loginsWithPassword, uciPasswordSecretName } from '../core/uci-credentials.js';
import type { HttpTransport } from '../platform/http-transport.js';
import { setSecrets } from '../platform/vault.js';
import { UciSession } from '../starface/uci-session.js';
import type { StarfaceGroup, StarfaceUser } from '../starface/rest-directory.js';
import { buildRoster, type RosterResult } from '../sync/roster.js';
import { MicrosoftAuth } from '../teams/auth.js';
import { listDirectoryUsers, type DirectoryUser } from '../teams/directory.js';
import { loadAppCredential } from '../teams/index.js';
import { transportFor, type SetupEnvironment } from './environment.js';
import { explainMicrosoftError, explainStarfaceError, type Explanation } from '../sync/explain.js';
import { setupGraph } from './microsoft.js';
import { starfaceDirectory } from './starface.js';
import { checkResult, tr, type CheckResult, type Lang } from './types.js';

export interface Directories {
  pbxUsers: StarfaceUser[];
  pbxGroups: StarfaceGroup[];
  /** Undefined when the Microsoft directory could not be read (msError says why). */
  msUsers?: DirectoryUser[];
  msError?: Explanation;
  logins: Set<string>;
}

/** Reads both directories; a STARFACE failure throws, a Microsoft failure is reported in msError. */
export async function loadDirectories(env: SetupEnvironment, settings: Settings, transport: HttpTransport, lang: Lang): Promise<Directories> {
  const dir = starfaceDirectory(settings, transport, env);
  let pbxUsers: StarfaceUser[];
  let pbxGroups: StarfaceGroup[];
  try {
    pbxUsers = await dir.listUsers();
    pbxGroups = await dir.listGroups(pbxUsers);
  } finally {
    await dir.logout();
  }
  const logins = loginsWithPassword(await env.secrets.names());
  const m = settings.microsoft;
  try {
    if (!m.tenantId || !m.clientId) throw new Error(tr(lang, 'Microsoft ist noch nicht eingerichtet (Mandanten-ID/Client-ID fehlen).', 'Microsoft is not set up yet (tenant ID/client ID missing).'));
    const auth = env.microsoftAuth?.(settings, transport) ?? new MicrosoftAuth({
      tenantId: m.tenantId, clientId: m.clientId, authorityHost: m.authorityHost, graphBaseUrl: m.graphBaseUrl, cloud: m.cloud, transport,
      appCredential: await loadAppCredential(env.secrets, m), logger: env.logger,
    });
    const msUsers = await listDirectoryUsers(setupGraph(settings, transport, auth.appTokens));
    return { pbxUsers, pbxGroups, msUsers, logins };
  } catch (err) {
    return { pbxUsers, pbxGroups, msError: explainMicrosoftError(err, lang), logins };
  }
}

export function rosterFrom(settings: Settings, d: Directories): RosterResult {
  return buildRoster({
    users: settings.users,
    pbxUsers: d.pbxUsers,
    pbxGroups: d.pbxGroups.map((g) => ({ id: String(g.id), name: g.name, memberLogins: g.members })),
    microsoftUsers: d.msUsers ?? [],
    loginsWithPassword: d.logins,
    adminLogin: settings.starface.adminLogin,
  });
}

const REASONS: Record<NonNullable<RosterUser['reason']>, { de: string; en: string }> = {
  'no-email': { de: 'keine E-Mail-Adresse in der STARFACE', en: 'no e-mail address in STARFACE' },
  'duplicate-email': { de: 'E-Mail-Adresse nicht eindeutig', en: 'e-mail address not unique' },
  'no-microsoft-account': { de: 'kein Microsoft-Konto mit dieser Adresse', en: 'no Microsoft account with this address' },
  'no-uci-password': { de: 'kein UCI-Passwort gespeichert', en: 'no UCI password stored' },
};

export function rosterLine(u: RosterUser, lang: Lang): string {
  const who = `${u.login}${u.displayName ? ` ${u.displayName}` : ''} <${u.email || '—'}>`;
  if (u.status === 'matched') return tr(lang, `${who}: wird synchronisiert`, `${who}: will be synced`);
  const reason = u.reason ? REASONS[u.reason][lang] : tr(lang, 'Konflikt', 'conflict');
  return `${who}: ${reason}${u.detail ? ` – ${u.detail}` : ''}`;
}

const MAX_LINES = 60;

function capped(lines: string[], lang: Lang): string[] {
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES), tr(lang, `… und ${lines.length - MAX_LINES} weitere`, `… and ${lines.length - MAX_LINES} more`)];
}

/** What a check needs set up before it can run, as message and fix; undefined when it is there. */
export type Prerequisite = (settings: Settings, lang: Lang) => { message: string; fix: string } | undefined;

const starfaceSetUp: Prerequisite = (settings, lang) => (settings.starface.baseUrl && settings.starface.adminLogin ? undefined : {
  message: tr(lang, 'Die STARFACE ist noch nicht eingerichtet.', 'STARFACE is not set up yet.'),
  fix: tr(lang, 'Schließen Sie zuerst die STARFACE-Schritte ab (Adresse, Administrator).', 'Complete the STARFACE steps first (address, administrator).'),
});

/**
 * Runs a check that needs both directories: the settings, the prerequisite, one transport (closed afterwards),
 * and an unreadable STARFACE directory explained as the check's failure. `now` is when the check started.
 */
export async function withDirectories(env: SetupEnvironment, lang: Lang, step: CheckResult['step'],
  fn: (settings: Settings, d: Directories, transport: HttpTransport, now: Date) => Promise<CheckResult>,
  prerequisite: Prerequisite = starfaceSetUp): Promise<CheckResult> {
  const now = env.now();
  const settings = await env.loadSettings();
  const missing = prerequisite(settings, lang);
  if (missing) return checkResult({ step, status: 'fail', ...missing }, now);
  const transport = transportFor(settings);
  try {
    let d: Directories;
    try {
      d = await loadDirectories(env, settings, transport, lang);
    } catch (err) {
      const e = explainStarfaceError(err, lang);
      return checkResult({ step, status: 'fail', message: e.message, fix: e.fix, details: [e.detail] }, now);
    }
    return await fn(settings, d, transport, now);
  } finally {
    transport.close();
  }
}

export async function checkUsers(env: SetupEnvironment, lang: Lang): Promise<CheckResult> {
  const step = 'users' as const;
  return withDirectories(env, lang, step, async (settings, d) => {
    const now = env.now();
    const groups = d.pbxGroups.map((g) => g.name).sort((a, b) => a.localeCompare(b));
    if (d.msError) {
      return checkResult({
        step, status: 'fail',
        message: tr(lang, `Das Microsoft-Verzeichnis ist nicht lesbar: ${d.msError.message}`, `The Microsoft directory cannot be read: ${d.msError.message}`),
        fix: d.msError.fix, details: [d.msError.detail], groups,
      }, now);
    }
    const { roster, problems } = rosterFrom(settings, d);
    const withAccount = roster.users.filter((u) => u.microsoftId);
    const hardConflicts = roster.users.filter((u) => u.status === 'conflict' && u.reason !== 'no-uci-password');
    // Users only waiting for their UCI password are counted in the summary; the next step lists them.
    const details = capped(hardConflicts.map((u) => rosterLine(u, lang)), lang);
    const summary = tr(lang,
      `${roster.users.length} Benutzer ausgewählt: ${withAccount.length} mit Microsoft-Konto, davon ${roster.counts.matched} bereit; ${hardConflicts.length} Konflikte.`,
      `${roster.users.length} users selected: ${withAccount.length} with a Microsoft account, ${roster.counts.matched} of them ready; ${hardConflicts.length} conflicts.`);
    if (problems.length) {
      return checkResult({ step, status: 'fail', message: problems.join(' '), fix: tr(lang, 'Korrigieren Sie die Benutzerauswahl.', 'Fix the user selection.'), details, roster, groups }, now);
    }
    if (withAccount.length === 0) {
      return checkResult({
        step, status: 'fail',
        message: roster.users.length === 0
          ? tr(lang, 'Die Auswahl enthält keinen STARFACE-Benutzer.', 'The selection contains no STARFACE user.')
          : tr(lang, `${summary} Keinem Benutzer lässt sich ein Microsoft-Konto zuordnen.`, `${summary} No user can be matched to a Microsoft account.`),
        fix: tr(lang, 'Die E-Mail-Adressen der STARFACE-Benutzer müssen den Microsoft-Konten entsprechen (mail, Anmeldename oder Proxyadresse).',
          'The STARFACE users\' e-mail addresses must match the Microsoft accounts (mail, sign-in name or proxy address).'),
        details, roster, groups,
      }, now);
    }
    const pendingPasswords = roster.users.filter((u) => u.reason === 'no-uci-password').length;
    const notes: string[] = [];
    if (pendingPasswords) notes.push(tr(lang, `${pendingPasswords} Benutzer brauchen noch ihr UCI-Passwort (nächster Schritt).`, `${pendingPasswords} users still need their UCI password (next step).`));
    if (roster.adminLeftOut) {
      notes.push(tr(lang, `Das Administrator-Konto ${roster.adminLeftOut} ist nicht ausgewählt (Zusätzliche Login-IDs nehmen es auf).`,
        `The administrator account ${roster.adminLeftOut} is not selected (additional login IDs can add it).`));
    }
    return checkResult({
      step,
      status: hardConflicts.length ? 'warn' : 'ok',
      message: [summary, ...notes].join(' '),
      ...(hardConflicts.length ? { fix: tr(lang, 'Benutzer mit Konflikt werden nicht synchronisiert. Korrigieren Sie die E-Mail-Adressen in STARFACE oder Entra ID, oder nehmen Sie die Benutzer aus der Auswahl.',
        'Users with a conflict are not synced. Fix the e-mail addresses in STARFACE or Entra ID, or leave those users out of the selection.') } : {}),
      details,
      roster,
      groups,
    }, now);
  });
}

/** A short-lived UCI session for a test: no callbacks, no probing writes, no background re-login. */
export function testUciSession(settings: Settings, transport: HttpTransport, env: SetupEnvironment, login: string): UciSession {
  return new UciSession({
    baseUrl: settings.starface.baseUrl,
    login,
    password: () => env.secrets.get(uciPasswordSecretName(login)),
    transport,
    settings: {
      uciApi: settings.starface.uciApi,
      requestTimeoutMs: settings.starface.requestTimeoutMs,
      discoverServices: false,
      chatPresenceSetter: 'never',
      stateRefreshMs: 0,
      keepAliveMs: 600_000,
      backoffInitialMs: 600_000,
      backoffMaxMs: 600_000,
    },
    logger: env.logger,
  });
}

/** Logs the user in and out once; undefined = fine, otherwise what went wrong. */
export async function tryUciLogin(settings: Settings, transport: HttpTransport, env: SetupEnvironment, login: string): Promise<string | undefined> {
  const session = testUciSession(settings, transport, env, login);
  try {
    const ok = await session.start();
    return ok ? undefined : (session.lastError ?? 'login failed');
  } finally {
    await session.stop();
  }
}

/** Most users to try in one check (each is a real UCI login on the PBX). */
export const MAX_UCI_LOGIN_TESTS = 200;

export async function checkUciCredentials(env: SetupEnvironment, lang: Lang): Promise<CheckResult> {
  const step = 'uci-credentials' as const;
  return withDirectories(env, lang, step, async (settings, d, transport) => {
    const now = env.now();
    const { roster, problems } = rosterFrom(settings, d);
    // Users that can never be synced (no e-mail, duplicates, no account) need no password; when the Microsoft
    // directory is unreadable, every selected user counts.
    const relevant = roster.users.filter((u) => !d.msUsers || u.microsoftId);
    if (relevant.length === 0) {
      return checkResult({
        step, status: 'fail',
        message: problems.length ? problems.join(' ') : tr(lang, 'Kein ausgewählter Benutzer kann synchronisiert werden.', 'No selected user can be synced.'),
        fix: tr(lang, 'Prüfen Sie zuerst die Benutzerauswahl.', 'Check the user selection first.'),
      }, now);
    }
    const missing = relevant.filter((u) => !d.logins.has(u.login));
    const toTest = relevant.filter((u) => d.logins.has(u.login)).slice(0, MAX_UCI_LOGIN_TESTS);
    const failures: { login: string; why: string }[] = [];
    let next = 0;
    const concurrency = Math.max(1, Math.min(settings.starface.maxConcurrentLogins, 8));
    await Promise.all(Array.from({ length: Math.min(concurrency, toTest.length) }, async () => {
      while (next < toTest.length) {
        const u = toTest[next++]!;
        const why = await tryUciLogin(settings, transport, env, u.login);
        if (why) failures.push({ login: u.login, why });
      }
    }));
    const okCount = toTest.length - failures.length;
    const details = capped([
      ...failures.sort((a, b) => a.login.localeCompare(b.login)).map((f) => tr(lang, `${f.login}: Anmeldung fehlgeschlagen – ${f.why}`, `${f.login}: login failed – ${f.why}`)),
      ...missing.map((u) => tr(lang, `${u.login}: kein Passwort gespeichert`, `${u.login}: no password stored`)),
    ], lang);
    const untested = relevant.length - missing.length - toTest.length;
    if (untested > 0) details.push(tr(lang, `${untested} weitere Benutzer mit Passwort wurden nicht getestet (höchstens ${MAX_UCI_LOGIN_TESTS} pro Prüfung).`, `${untested} more users with a password were not tested (at most ${MAX_UCI_LOGIN_TESTS} per check).`));
    const message = tr(lang,
      `UCI-Anmeldung: ${okCount} von ${relevant.length} Benutzern erfolgreich${failures.length ? `, ${failures.length} abgelehnt` : ''}${missing.length ? `, ${missing.length} ohne Passwort` : ''}.`,
      `UCI login: ${okCount} of ${relevant.length} users succeeded${failures.length ? `, ${failures.length} refused` : ''}${missing.length ? `, ${missing.length} without a password` : ''}.`);
    const fix = tr(lang,
      'Tragen Sie die fehlenden oder falschen Passwörter ein (einzeln oder als CSV-Datei login;password). Wird ein richtiges Passwort abgelehnt, prüfen Sie die UCI-Rechte des Benutzers in der STARFACE.',
      'Enter the missing or wrong passwords (one by one or as a CSV file login;password). If a correct password is refused, check the user\'s UCI rights on STARFACE.');
    const status: CheckResult['status'] = okCount === 0 ? 'fail' : failures.length || missing.length ? 'warn' : 'ok';
    // The roster comes along so the UI can list who still needs a password.
    return checkResult({ step, status, message, ...(status === 'ok' ? {} : { fix }), details, roster }, now);
  });
}

/** Stores UCI passwords (CSV import or single entries) in one vault write; returns the number stored. */
export async function storeUciPasswords(env: SetupEnvironment, entries: readonly { login: string; password: string }[]): Promise<number> {
  await setSecrets(env.secrets, entries.map((e) => [uciPasswordSecretName(e.login), e.password] as const));
  return entries.length;
}
