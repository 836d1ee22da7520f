// `presence-bridge check --config <settings.json>`: tests both connections, the permissions (admin consent
// included), the roster and its conflicts, and prints what to fix. Exit code 0 only when nothing is wrong.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CheckReport, Roster } from '../control/contract.js';
import { renderMessage } from '../core/messages/index.js';
import { checkMark } from '../core/check-report.js';
import { createLogger } from '../platform/logger.js';
import type { EngineService } from '../control/service.js';
import { badLang, cliLang, type Lang } from './cli-lang.js';

const USAGE: Record<Lang, string> = {
  en: `Usage: presence-bridge check --config <settings.json> [--vault <vault.json>] [--allow-conflicts] [--json] [--lang de|en]

  --config F         the settings file (required; create it with "presence-bridge setup --config F")
  --vault F          the secret vault (default: vault.json next to the settings file)
  --allow-conflicts  users that cannot be synced (shared e-mail, no Microsoft account, …) do not fail the check
                     (default: they do)
  --json             print the reports as JSON instead of text (default: text)
  --lang L           language of these texts, de or en (default: the settings' UI language, else LC_ALL/LC_MESSAGES/LANG)
  --help, -h         this text

The check changes nothing on either side and does not disturb a running bridge. The vault's key comes from
the OS keychain, or from PRESENCE_BRIDGE_VAULT_PASSPHRASE on servers without a keychain.

Exit code: 0 = everything works; 1 = something needs fixing (see the "Fix:" lines), or the settings file or
the vault is missing or unreadable; 2 = wrong arguments.`,
  de: `Aufruf: presence-bridge check --config <settings.json> [--vault <vault.json>] [--allow-conflicts] [--json] [--lang de|en]

  --config F         die Einstellungsdatei (Pflicht; anlegen mit "presence-bridge setup --config F")
  --vault F          der Tresor für Geheimnisse (Standard: vault.json neben der Einstellungsdatei)
  --allow-conflicts  Benutzer, die nicht synchronisiert werden können (gemeinsame E-Mail-Adresse, kein
                     Microsoft-Konto, …), lassen die Prüfung nicht scheitern (Standard: sie tun es)
  --json             die Berichte als JSON statt als Text ausgeben (Standard: Text)
  --lang L           Sprache dieser Texte, de oder en (Standard: die Sprache der Einstellungen, sonst LC_ALL/LC_MESSAGES/LANG)
  --help, -h         dieser Text

Die Prüfung ändert auf keiner Seite etwas und stört eine laufende Bridge nicht. Der Schlüssel des Tresors kommt
aus dem Schlüsselbund des Betriebssystems oder auf Servern ohne Schlüsselbund aus PRESENCE_BRIDGE_VAULT_PASSPHRASE.

Exit-Code: 0 = alles funktioniert; 1 = etwas muss behoben werden (siehe die Zeilen "Fix:"/"Abhilfe:") oder
die Einstellungsdatei oder der Tresor fehlt oder ist unlesbar; 2 = falsche Argumente.`,
};

/** Every option `check` takes (the help test checks each one is documented). */
export const OPTIONS = {
  config: { type: 'string' }, vault: { type: 'string' }, 'allow-conflicts': { type: 'boolean' }, json: { type: 'boolean' },
  lang: { type: 'string' },
} as const;

export function usage(lang: Lang): string {
  return USAGE[lang];
}

/** The settings file does not exist: say so and point to the assistant that creates it. */
export function missingSettingsText(file: string, lang: Lang): string {
  return lang === 'de'
    ? `✗ Die Einstellungsdatei ${file} gibt es nicht.\n  Richten Sie die Bridge zuerst ein: presence-bridge setup --config ${file}`
    : `✗ The settings file ${file} does not exist.\n  Set the bridge up first: presence-bridge setup --config ${file}`;
}

/** The report's own words around the checks' texts (those come in the same language from the diagnosis). */
const TEXT = {
  en: {
    microsoft: 'Microsoft 365 (Teams presence)', ok: 'OK', problems: 'PROBLEMS', fix: 'Fix', note: 'Note',
    users: (matched: number, conflicts: number) => `Users: ${matched} will be synced, ${conflicts} cannot be synced`,
    usersFailed: (e: string) => `Users: could not be evaluated: ${e}`,
    usersSkipped: 'Users: not evaluated (fix the connection problems above first).',
    nobody: '  ✗ Nobody would be synced.\n      Fix: check the user selection and the e-mail addresses on both sides.',
    ready: 'Everything is ready: start the bridge with "presence-bridge run --config …".',
    notReady: 'Something needs fixing: see the "Fix:" lines above.',
    reasons: {
      'duplicate-email': 'shared e-mail address', 'no-microsoft-account': 'no Microsoft account',
      'no-email': 'no e-mail address', 'no-uci-password': 'no UCI password stored',
    } as Record<string, string>,
    conflict: 'conflict',
  },
  de: {
    microsoft: 'Microsoft 365 (Teams-Status)', ok: 'OK', problems: 'PROBLEME', fix: 'So beheben', note: 'Hinweis',
    users: (matched: number, conflicts: number) => `Benutzer: ${matched} werden synchronisiert, ${conflicts} können nicht synchronisiert werden`,
    usersFailed: (e: string) => `Benutzer: konnten nicht ausgewertet werden: ${e}`,
    usersSkipped: 'Benutzer: nicht ausgewertet (zuerst die Verbindungsprobleme oben beheben).',
    nobody: '  ✗ Niemand würde synchronisiert.\n      So beheben: Benutzerauswahl und E-Mail-Adressen auf beiden Seiten prüfen.',
    ready: 'Alles bereit: Starten Sie die Bridge mit „presence-bridge run --config …“.',
    notReady: 'Etwas muss behoben werden: siehe die Zeilen „So beheben:“ oben.',
    reasons: {
      'duplicate-email': 'E-Mail-Adresse mehrfach vergeben', 'no-microsoft-account': 'kein Microsoft-Konto',
      'no-email': 'keine E-Mail-Adresse', 'no-uci-password': 'kein UCI-Passwort gespeichert',
    } as Record<string, string>,
    conflict: 'Konflikt',
  },
} satisfies Record<Lang, unknown>;

export function formatReport(report: CheckReport, lang: Lang = 'en'): string {
  const x = TEXT[lang];
  const title = report.target === 'microsoft' ? x.microsoft : 'STARFACE';
  const lines = [`${title}: ${report.ok ? x.ok : x.problems}`];
  for (const c of report.checks) {
    lines.push(`  ${checkMark(c)} ${c.label}: ${c.message}`);
    if ((!c.ok || c.warning) && c.fix) lines.push(`      ${x.fix}: ${c.fix}`);
  }
  return lines.join('\n');
}

export function formatRoster(roster: Roster, problems: string[], lang: Lang = 'en'): string {
  const x = TEXT[lang];
  const lines = [x.users(roster.counts.matched, roster.counts.conflicts)];
  for (const p of problems) lines.push(`  ✗ ${p}`);
  for (const u of roster.users.filter((y) => y.status === 'conflict')) {
    const who = `${u.login}${u.displayName ? ` (${u.displayName})` : ''}${u.email ? ` <${u.email}>` : ''}`;
    lines.push(`  ✗ ${who}: ${x.reasons[u.reason ?? ''] ?? u.reason ?? x.conflict}`);
    if (u.detail) lines.push(`      ${x.fix}: ${u.detail}`);
  }
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  let values: { config?: string; vault?: string; 'allow-conflicts'?: boolean; json?: boolean; lang?: string };
  const lang = cliLang(argv);
  try {
    ({ values } = parseArgs({
      args: argv,
      options: OPTIONS,
    }));
    const bad = badLang(values.lang, lang);
    if (bad) throw new Error(bad);
    if (!values.config) throw new Error(lang === 'de' ? '--config <settings.json> fehlt.' : '--config <settings.json> is required.');
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE[lang]}`);
    return 2;
  }
  // Without this, the store would start from defaults and report "no client ID" instead of the real cause.
  if (!existsSync(path.resolve(values.config))) {
    console.error(missingSettingsText(values.config, lang));
    return 1;
  }

  // The check must not disturb a running bridge: its own log stays in memory, nothing is started.
  const logger = createLogger({ level: 'warn' });
  let service: EngineService;
  try {
    // Loaded here, not at the top: `check --help` stays instant.
    const { createEngineService } = await import('../control/service.js');
    service = await createEngineService({
      settingsFile: path.resolve(values.config),
      ...(values.vault ? { vaultFile: path.resolve(values.vault) } : {}),
      logger,
      tuning: { withoutCallbacks: true },
    });
  } catch (err) {
    console.error(`✗ ${(err as Error).message}`);
    return 1;
  }
  try {
    const host = service.host;
    const { problems: settingsProblems, problemCodes } = host.getSettings();
    // Coded notes in the CLI's language; the rest (the settings store's own notes) as they are.
    const settingsNotes = settingsProblems.map((p, i) => { const c = problemCodes[i]; return c ? renderMessage(lang, c) : p; });
    // The checks' texts in the CLI's language (--lang, the settings' UI language, or LANG).
    const microsoft = await host.testConnection('microsoft', lang);
    const starface = await host.testConnection('starface', lang);
    let roster: Roster | undefined;
    let rosterError: string | undefined;
    // The roster needs only both directories; it is worth showing even while e.g. a permission is missing.
    const passed = (r: CheckReport, id: string): boolean => r.checks.some((c) => c.id === id && c.ok);
    if (passed(microsoft, 'directory') && passed(starface, 'users')) {
      try {
        roster = await host.roster();
      } catch (err) {
        rosterError = (err as Error).message;
      }
    }
    const rosterProblems = host.syncEngine?.rosterIssues() ?? [];
    const rosterNotes = (host.syncEngine?.rosterIssueCodes() ?? []).map((m) => renderMessage(lang, m));
    const conflicts = roster?.counts.conflicts ?? 0;
    const ok = microsoft.ok && starface.ok && !rosterError && rosterProblems.length === 0
      && (conflicts === 0 || values['allow-conflicts'] === true) && (roster?.counts.matched ?? 0) > 0;

    if (values.json) {
      console.log(JSON.stringify({ ok, settingsProblems, microsoft, starface, roster, rosterProblems, rosterError }, null, 2));
    } else {
      const x = TEXT[lang];
      for (const p of settingsNotes) console.log(`${x.note}: ${p}`);
      console.log(formatReport(microsoft, lang));
      console.log('');
      console.log(formatReport(starface, lang));
      console.log('');
      if (roster) console.log(formatRoster(roster, rosterNotes, lang));
      else if (rosterError) console.log(x.usersFailed(rosterError));
      else console.log(x.usersSkipped);
      if (roster && roster.counts.matched === 0) console.log(x.nobody);
      console.log('');
      console.log(ok ? x.ready : x.notReady);
    }
    return ok ? 0 : 1;
  } finally {
    await service.close({ restore: false }).catch(() => undefined);
    await logger.close();
  }
}
