// `presence-bridge setup --config <settings.json>`: the first-run assistant in a terminal. It walks the same
// steps as the settings window (src/setup/), stores settings through the settings store and secrets in the
// vault (secret input is not echoed), and checks each step until it passes or the admin skips it.
// `--non-interactive` takes the values from options and environment variables and only reports, for scripts.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { createLogger, silentLogger, type RootLogger } from '../platform/logger.js';
import { VaultError } from '../platform/vault.js';
import {
  SETUP_STEPS, SetupAssistant, SetupInputError, fieldApplies, getPath, isSetupStepId, loginsWithPassword, openFileEnvironment, tr,
  type CheckResult, type FileSetupEnvironment, type Lang, type SetupField, type SetupStepDefinition, type SetupStepId,
} from '../setup/index.js';
import { InputClosedError, Prompter } from './setup-prompter.js';
import { badLang, cliLang } from './cli-lang.js';

const USAGE: Record<Lang, string> = {
  en: `Usage: presence-bridge setup --config <settings.json> [options]

Walks through the setup step by step, checks each step and says what to fix:
  ${SETUP_STEPS.map((s) => s.id).join(', ')}

  --config F             settings file (required; created if missing); the vault is vault.json next to it, as for run
  --vault F              another vault file (default: vault.json next to the settings file)
  --lang de|en           language of the assistant (default: the settings' UI language, else LC_ALL/LC_MESSAGES/LANG)
  --only S1,S2           run only these steps (default: all)    --skip S1,S2   leave these steps out (default: none)
  --advanced             also ask rarely needed values (authority host, Graph address, UCI version; default: off)
  --non-interactive      no questions: apply the values below, run every check, print the results (default: ask)
  --help, -h             this text

Values (also defaults for the interactive questions; without them the settings' current values are kept):
  --tenant-id ID --client-id ID --credential secret|certificate --presence-read application|delegated
  --secret-expires YYYY-MM-DD --thumbprint HEX --certificate-file F (PEM: private key, ideally with the certificate)
  --authority-host URL --graph-base-url URL
  --starface-url URL --callback-host H --callback-port P --uci-api v30|v22 --starface-admin LOGIN
  --selection all|group --group NAME --extra-logins L1,L2
  --uci-csv F            import UCI passwords (lines login;password)
  --ca-file F            trust the CA certificate(s) in this PEM file (repeatable)
  --trust-certificate    accept the certificate the PBX presents when it is not trusted (non-interactive)
  --trust-fingerprint FP ...but only if its SHA-256 fingerprint is FP
  --test-user LOGIN      user for the final test (default: the first matched user)

Secrets never go on the command line (process lists are readable); they come from the environment:
  PRESENCE_BRIDGE_CLIENT_SECRET            the app's client secret (value, not ID)
  PRESENCE_BRIDGE_STARFACE_ADMIN_PASSWORD  the STARFACE administrator's password
  PRESENCE_BRIDGE_VAULT_PASSPHRASE         vault passphrase where no OS keychain exists

Exit code: 0 every check passed, 1 a check failed or was skipped (or the settings/vault could not be opened), 2 wrong usage.`,
  de: `Aufruf: presence-bridge setup --config <settings.json> [Optionen]

Führt Schritt für Schritt durch die Einrichtung, prüft jeden Schritt und sagt, was zu beheben ist:
  ${SETUP_STEPS.map((s) => s.id).join(', ')}

  --config F             Einstellungsdatei (Pflicht; wird angelegt, wenn sie fehlt); der Tresor ist vault.json daneben, wie bei run
  --vault F              ein anderer Tresor (Standard: vault.json neben der Einstellungsdatei)
  --lang de|en           Sprache des Assistenten (Standard: die Sprache der Einstellungen, sonst LC_ALL/LC_MESSAGES/LANG)
  --only S1,S2           nur diese Schritte (Standard: alle)    --skip S1,S2   diese Schritte auslassen (Standard: keine)
  --advanced             auch selten nötige Werte abfragen (Authority-Host, Graph-Adresse, UCI-Version; Standard: aus)
  --non-interactive      keine Fragen: die Werte unten übernehmen, alle Prüfungen ausführen, Ergebnisse ausgeben (Standard: fragen)
  --help, -h             dieser Text

Werte (auch Vorgaben für die Fragen; ohne sie bleiben die Werte der Einstellungen):
  --tenant-id ID --client-id ID --credential secret|certificate --presence-read application|delegated
  --secret-expires JJJJ-MM-TT --thumbprint HEX --certificate-file F (PEM: privater Schlüssel, am besten mit Zertifikat)
  --authority-host URL --graph-base-url URL
  --starface-url URL --callback-host H --callback-port P --uci-api v30|v22 --starface-admin LOGIN
  --selection all|group --group NAME --extra-logins L1,L2
  --uci-csv F            UCI-Passwörter importieren (Zeilen login;passwort)
  --ca-file F            den CA-Zertifikaten in dieser PEM-Datei vertrauen (mehrfach möglich)
  --trust-certificate    das Zertifikat der Telefonanlage annehmen, wenn ihm nicht vertraut wird (ohne Fragen)
  --trust-fingerprint FP ...aber nur, wenn sein SHA-256-Fingerabdruck FP ist
  --test-user LOGIN      Benutzer für den Abschlusstest (Standard: der erste zugeordnete Benutzer)

Geheimnisse stehen nie auf der Kommandozeile (Prozesslisten sind lesbar); sie kommen aus der Umgebung:
  PRESENCE_BRIDGE_CLIENT_SECRET            der geheime Clientschlüssel der App (der Wert, nicht die ID)
  PRESENCE_BRIDGE_STARFACE_ADMIN_PASSWORD  das Passwort des STARFACE-Administrators
  PRESENCE_BRIDGE_VAULT_PASSPHRASE         Passwort des Tresors, wo es keinen Schlüsselbund gibt

Exit-Code: 0 alle Prüfungen bestanden, 1 eine Prüfung gescheitert oder übersprungen (oder Einstellungen/Tresor
nicht zu öffnen), 2 falscher Aufruf.`,
};

export function usage(lang: Lang): string {
  return USAGE[lang];
}

/** Every option `setup` takes (the help test checks each one is documented). */
export const OPTIONS = {
  config: { type: 'string' },
  vault: { type: 'string' },
  lang: { type: 'string' },
  only: { type: 'string' },
  skip: { type: 'string' },
  advanced: { type: 'boolean' },
  'non-interactive': { type: 'boolean' },
  'tenant-id': { type: 'string' },
  'client-id': { type: 'string' },
  credential: { type: 'string' },
  'presence-read': { type: 'string' },
  'secret-expires': { type: 'string' },
  thumbprint: { type: 'string' },
  'certificate-file': { type: 'string' },
  'authority-host': { type: 'string' },
  'graph-base-url': { type: 'string' },
  'starface-url': { type: 'string' },
  'callback-host': { type: 'string' },
  'callback-port': { type: 'string' },
  'uci-api': { type: 'string' },
  'starface-admin': { type: 'string' },
  selection: { type: 'string' },
  group: { type: 'string' },
  'extra-logins': { type: 'string' },
  'uci-csv': { type: 'string' },
  'ca-file': { type: 'string', multiple: true },
  'trust-certificate': { type: 'boolean' },
  'trust-fingerprint': { type: 'string' },
  'test-user': { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];

/** Option → the step field it sets, in the order they are applied (a new secret resets its expiry date). */
const VALUE_OPTIONS: { option: keyof Values; step: SetupStepId; field: string }[] = [
  { option: 'tenant-id', step: 'microsoft-app', field: 'tenantId' },
  { option: 'client-id', step: 'microsoft-app', field: 'clientId' },
  { option: 'credential', step: 'microsoft-app', field: 'credential' },
  { option: 'presence-read', step: 'microsoft-app', field: 'presenceRead' },
  { option: 'thumbprint', step: 'microsoft-app', field: 'certificateThumbprint' },
  { option: 'authority-host', step: 'microsoft-app', field: 'authorityHost' },
  { option: 'graph-base-url', step: 'microsoft-app', field: 'graphBaseUrl' },
  { option: 'starface-url', step: 'starface-connection', field: 'baseUrl' },
  { option: 'callback-host', step: 'starface-connection', field: 'callbackHost' },
  { option: 'callback-port', step: 'starface-connection', field: 'callbackPort' },
  { option: 'uci-api', step: 'starface-connection', field: 'uciApi' },
  { option: 'starface-admin', step: 'starface-admin', field: 'adminLogin' },
  { option: 'selection', step: 'users', field: 'selection' },
  { option: 'group', step: 'users', field: 'group' },
  { option: 'extra-logins', step: 'users', field: 'extraLoginIds' },
];

export const SECRET_ENV = {
  clientSecret: 'PRESENCE_BRIDGE_CLIENT_SECRET',
  adminPassword: 'PRESENCE_BRIDGE_STARFACE_ADMIN_PASSWORD',
} as const;

export interface SetupIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

function stepList(text: string | undefined, option: string): SetupStepId[] {
  if (!text) return [];
  const ids = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) if (!isSetupStepId(id)) throw new UsageError(`--${option}: unknown step "${id}" (steps: ${SETUP_STEPS.map((s) => s.id).join(', ')}).`);
  return ids as SetupStepId[];
}

function fieldOf(step: SetupStepId, field: string): SetupField {
  return SETUP_STEPS.find((s) => s.id === step)!.fields.find((f) => f.id === field)!;
}

const ICON: Record<CheckResult['status'], string> = { ok: '✔', warn: '⚠', fail: '✘' };

function resultLines(r: CheckResult, lang: Lang): string[] {
  const out = [`${ICON[r.status]} ${r.message}`];
  for (const d of r.details) out.push(`    ${d}`);
  if (r.fix) out.push(`  ${tr(lang, 'Abhilfe', 'Fix')}: ${r.fix}`);
  if (r.link) out.push(`  ${r.link.label}: ${r.link.url}`);
  return out;
}

function certificateBlocks(pemText: string): string[] {
  return pemText.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

const normFp = (fp: string): string => fp.replace(/[^0-9a-f]/gi, '').toUpperCase();

export async function main(argv: string[], io: SetupIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const say = (text = ''): void => {
    io.stdout.write(`${text}\n`);
  };
  let values: Values;
  const usageLang = cliLang(argv, io.env);
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
    if (!values.config) throw new UsageError(usageLang === 'de' ? '--config <settings.json> fehlt.' : '--config <settings.json> is required.');
    const bad = badLang(values.lang, usageLang);
    if (bad) throw new UsageError(bad);
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${USAGE[usageLang]}\n`);
    return 2;
  }
  let only: SetupStepId[];
  let skip: SetupStepId[];
  try {
    only = stepList(values.only, 'only');
    skip = stepList(values.skip, 'skip');
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }

  let env: FileSetupEnvironment;
  let auditLog: RootLogger | undefined;
  try {
    env = await openFileEnvironment({
      settingsFile: values.config!,
      ...(values.vault ? { vaultFile: values.vault } : {}),
      logger: silentLogger,
      // A save from here is an audit entry in the engine's log file (the file openEngineHost writes).
      // Opened on the first save only.
      audit: { info: (msg, fields) => (auditLog ??= createLogger({ file: auditFile(values.config!) })).info(msg, fields) },
    });
  } catch (err) {
    io.stderr.write(`${err instanceof VaultError || err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const assistant = new SetupAssistant(env);
  const lang: Lang = (values.lang as Lang | undefined) ?? (await env.loadSettings()).ui.language;
  if (env.problem) io.stderr.write(`${env.problem.message}\n`);
  if (env.vaultProblem) io.stderr.write(`${env.vaultProblem}\n`);

  // Values from options, files and the environment, applied in both modes.
  try {
    await applyGivenValues(assistant, values, io.env, lang, say);
  } catch (err) {
    if (err instanceof SetupInputError || err instanceof UsageError) {
      io.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const steps = SETUP_STEPS.filter((s) => (only.length === 0 || only.includes(s.id)) && !skip.includes(s.id));
  if (values['non-interactive']) return runNonInteractive(assistant, steps, values, lang, say);

  const prompter = new Prompter(io.stdin, io.stdout);
  try {
    return await runInteractive(assistant, env, steps, values, lang, prompter);
  } catch (err) {
    if (err instanceof InputClosedError) {
      say(tr(lang, 'Abgebrochen.', 'Cancelled.'));
      return err.interrupted ? 130 : 1;
    }
    throw err;
  } finally {
    prompter.close();
  }
}

async function applyGivenValues(a: SetupAssistant, v: Values, env: NodeJS.ProcessEnv, lang: Lang, say: (t?: string) => void): Promise<void> {
  for (const o of VALUE_OPTIONS) {
    const raw = v[o.option];
    if (typeof raw === 'string') await a.applyFieldValue(fieldOf(o.step, o.field), raw);
  }
  const secret = env[SECRET_ENV.clientSecret];
  if (secret) await a.applyFieldValue(fieldOf('microsoft-app', 'clientSecret'), secret);
  if (v['certificate-file']) await a.applyFieldValue(fieldOf('microsoft-app', 'certificateKey'), await readText(v['certificate-file'], '--certificate-file'));
  if (v['secret-expires']) await a.applyFieldValue(fieldOf('microsoft-app', 'credentialExpiry'), v['secret-expires']);
  const adminPassword = env[SECRET_ENV.adminPassword];
  if (adminPassword) await a.applyFieldValue(fieldOf('starface-admin', 'adminPassword'), adminPassword);
  for (const file of v['ca-file'] ?? []) await trustFile(a, file, lang, say);
  if (v['uci-csv']) await importCsv(a, v['uci-csv'], lang, say);
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new SetupInputError(`${what}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
}

async function trustFile(a: SetupAssistant, file: string, lang: Lang, say: (t?: string) => void): Promise<void> {
  const blocks = certificateBlocks(await readText(file, '--ca-file'));
  if (blocks.length === 0) throw new SetupInputError(`${file} contains no PEM certificate (-----BEGIN CERTIFICATE----- …).`);
  let added = 0;
  for (const b of blocks) if ((await a.trustCertificate(b)).added) added++;
  say(tr(lang, `${file}: ${added} Zertifikat(e) als vertrauenswürdig hinzugefügt.`, `${file}: ${added} certificate(s) added as trusted.`));
}

async function importCsv(a: SetupAssistant, file: string, lang: Lang, say: (t?: string) => void): Promise<void> {
  const r = await a.importUciCsv(await readText(file, '--uci-csv'));
  say(tr(lang, `${file}: ${r.imported} UCI-Passwörter gespeichert.`, `${file}: ${r.imported} UCI passwords stored.`));
  for (const e of r.errors) say(tr(lang, `  Zeile ${e.line}: ${e.message}`, `  line ${e.line}: ${e.message}`));
}

// ---------------------------------------------------------------------------------------------------------------
// Non-interactive

async function runNonInteractive(a: SetupAssistant, steps: SetupStepDefinition[], v: Values, lang: Lang, say: (t?: string) => void): Promise<number> {
  let failed = 0;
  for (const [i, s] of steps.entries()) {
    say(`[${i + 1}/${steps.length}] ${s.title[lang]}`);
    let r = await a.check(s.id, lang, v['test-user'] ? { testUser: v['test-user'] } : {});
    if (r.trustOffer && v['trust-certificate']) {
      const want = v['trust-fingerprint'];
      if (want && normFp(want) !== normFp(r.trustOffer.certificate.fingerprint256)) {
        say(tr(lang, `  Der Fingerabdruck ${r.trustOffer.certificate.fingerprint256} ist nicht der erwartete (${want}): Zertifikat NICHT übernommen.`,
          `  The fingerprint ${r.trustOffer.certificate.fingerprint256} is not the expected one (${want}): certificate NOT trusted.`));
      } else {
        await a.trustCertificate(r.trustOffer.pem, { pin: r.trustOffer.kind === 'pin' });
        say(tr(lang, `  Zertifikat ${r.trustOffer.certificate.fingerprint256} als vertrauenswürdig gespeichert.`, `  Certificate ${r.trustOffer.certificate.fingerprint256} stored as trusted.`));
        r = await a.check(s.id, lang);
      }
    }
    for (const line of resultLines(r, lang)) say(line);
    if (!r.ok) failed++;
  }
  await printExpiry(a, lang, say);
  say(failed === 0
    ? tr(lang, 'Alle Prüfungen bestanden.', 'All checks passed.')
    : tr(lang, `${failed} von ${steps.length} Prüfungen fehlgeschlagen.`, `${failed} of ${steps.length} checks failed.`));
  return failed === 0 ? 0 : 1;
}

async function printExpiry(a: SetupAssistant, lang: Lang, say: (t?: string) => void): Promise<void> {
  const pressing = (await a.expiryWarnings(lang)).filter((w) => w.severity !== 'info');
  for (const w of pressing) say(`${w.severity === 'error' ? ICON.fail : ICON.warn} ${w.message}${w.fix ? ` ${w.fix}` : ''}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Interactive

type Outcome = { status: CheckResult['status'] | 'skipped'; message: string };

async function runInteractive(a: SetupAssistant, env: FileSetupEnvironment, steps: SetupStepDefinition[], v: Values, lang: Lang, p: Prompter): Promise<number> {
  p.print(tr(lang, 'Presence Bridge – Einrichtungsassistent', 'Presence Bridge – setup assistant'));
  p.print(tr(lang, `Einstellungen: ${env.paths.settingsFile}`, `Settings: ${env.paths.settingsFile}`));
  p.print(tr(lang, `Tresor: ${env.paths.vaultFile}`, `Vault: ${env.paths.vaultFile}`));
  p.print(tr(lang, 'Enter übernimmt den Wert in [Klammern]. Geheimnisse werden beim Tippen nicht angezeigt.', 'Enter keeps the value in [brackets]. Secrets are not shown while you type.'));
  const outcomes = new Map<SetupStepId, Outcome>();
  let testUser = v['test-user'];
  let quit = false;
  for (const [i, step] of steps.entries()) {
    if (quit) break;
    p.print();
    p.print(`== ${tr(lang, 'Schritt', 'Step')} ${i + 1}/${steps.length}: ${step.title[lang]} ==`);
    p.print(step.summary[lang]);
    step.instructions.forEach((t, n) => p.print(`  ${n + 1}. ${t[lang]}`));
    let ask = true;
    for (;;) {
      if (ask) {
        const chosen = await askFields(a, step, lang, p, v.advanced === true, testUser);
        if (chosen !== undefined) testUser = chosen;
      }
      p.print(tr(lang, '… prüfe', '… checking'));
      const r = await a.check(step.id, lang, testUser ? { testUser } : {});
      for (const line of resultLines(r, lang)) p.print(line);
      outcomes.set(step.id, { status: r.status, message: r.message });
      if (r.status === 'ok') break;

      const options: [string, string][] = [];
      if (r.status === 'warn') options.push(['', tr(lang, 'weiter', 'continue')]);
      else options.push(['', tr(lang, 'Angaben ändern und erneut prüfen', 'change values and check again')]);
      if (r.status === 'warn') options.push(['e', tr(lang, 'Angaben ändern', 'change values')]);
      options.push(['p', tr(lang, 'nur erneut prüfen', 'check again only')]);
      if (r.trustOffer) {
        options.push(['t', r.trustOffer.kind === 'pin' ? tr(lang, 'diesem Zertifikat vertrauen (Pinning)', 'trust this certificate (pin)') : tr(lang, 'diesem Zertifikat vertrauen', 'trust this certificate')]);
      }
      if (step.id === 'starface-connection' && !r.ok) options.push(['c', tr(lang, 'CA-Zertifikat aus Datei vertrauen', 'trust a CA certificate from a file')]);
      if (r.needsSignIn) options.push(['a', tr(lang, 'bei Microsoft anmelden (Gerätecode)', 'sign in to Microsoft (device code)')]);
      options.push(['s', tr(lang, 'Schritt überspringen', 'skip this step')], ['q', tr(lang, 'beenden', 'quit')]);
      const menu = options.map(([k, label]) => `[${k || 'Enter'}] ${label}`).join('  ');
      const choice = (await p.ask(`${menu}\n> `)).toLowerCase();
      if (choice === '' && r.status === 'warn') break;
      if (choice === '' || choice === 'e') {
        ask = true;
        continue;
      }
      ask = false;
      if (choice === 'p') continue;
      if (choice === 't' && r.trustOffer) {
        await a.trustCertificate(r.trustOffer.pem, { pin: r.trustOffer.kind === 'pin' });
        p.print(tr(lang, `Zertifikat ${r.trustOffer.certificate.fingerprint256} wird jetzt vertraut.`, `Certificate ${r.trustOffer.certificate.fingerprint256} is trusted now.`));
        continue;
      }
      if (choice === 'c') {
        const file = await p.ask(tr(lang, 'Pfad zur PEM-Datei des CA-Zertifikats: ', 'Path to the CA certificate PEM file: '));
        try {
          if (file) await trustFile(a, file, lang, (t) => p.print(t));
        } catch (err) {
          p.print(`${ICON.fail} ${(err as Error).message}`);
        }
        continue;
      }
      if (choice === 'a' && r.needsSignIn) {
        try {
          const who = await a.signInWithDeviceCode((info) => p.print(info.message), { timeoutMs: 15 * 60_000 });
          p.print(tr(lang, `Angemeldet als ${who.username}.`, `Signed in as ${who.username}.`));
        } catch (err) {
          p.print(`${ICON.fail} ${(err as Error).message}`);
        }
        continue;
      }
      if (choice === 's') {
        outcomes.set(step.id, { status: 'skipped', message: r.message });
        break;
      }
      if (choice === 'q') {
        quit = true;
        break;
      }
      p.print(tr(lang, 'Bitte eine der Optionen wählen.', 'Please choose one of the options.'));
    }
  }

  p.print();
  p.print(tr(lang, '== Zusammenfassung ==', '== Summary =='));
  for (const s of steps) {
    const o = outcomes.get(s.id);
    const mark = !o ? '·' : o.status === 'skipped' ? '↷' : ICON[o.status];
    const state = !o ? tr(lang, 'nicht ausgeführt', 'not run') : o.status === 'skipped' ? tr(lang, 'übersprungen', 'skipped') : o.message;
    p.print(`${mark} ${s.title[lang]}: ${state}`);
  }
  await printExpiry(a, lang, (t) => p.print(t));
  const passed = steps.every((s) => {
    const o = outcomes.get(s.id);
    return o && (o.status === 'ok' || o.status === 'warn');
  });
  p.print(passed
    ? tr(lang, 'Einrichtung abgeschlossen. Starten Sie die Synchronisierung mit „presence-bridge run --config …" bzw. in der App.', 'Setup complete. Start syncing with "presence-bridge run --config …" or in the app.')
    : tr(lang, 'Noch nicht alle Schritte bestanden – starten Sie den Assistenten später erneut.', 'Not every step passed yet – run the assistant again later.'));
  return passed ? 0 : 1;
}

/** Asks a step's fields; returns the chosen test user for the final step. */
async function askFields(a: SetupAssistant, step: SetupStepDefinition, lang: Lang, p: Prompter, advanced: boolean, testUser: string | undefined): Promise<string | undefined> {
  let chosenUser: string | undefined;
  for (const field of step.fields) {
    if (field.advanced && !advanced) continue;
    if (!fieldApplies(field, await a.env.loadSettings())) continue;
    const t = field.target;
    if (t.kind === 'uci-passwords') {
      await askUciPasswords(a, lang, p);
      continue;
    }
    if (t.kind === 'check-option') {
      chosenUser = await askTestUser(a, lang, p, testUser);
      continue;
    }
    for (;;) {
      const settings = await a.env.loadSettings();
      let current: string | undefined;
      let secretStored = false;
      if (t.kind === 'setting') {
        const v = getPath(settings, t.path);
        current = Array.isArray(v) ? v.join(', ') : v === undefined || v === null ? '' : String(v);
      } else if (t.kind === 'secret') {
        secretStored = Boolean(await a.env.secrets.get(t.name));
      } else if (t.kind === 'credential-expiry') {
        current = (await a.credentialExpiry())?.slice(0, 10) ?? '';
      }
      if (field.choices) field.choices.forEach((c, n) => p.print(`    ${n + 1}) ${c.value} – ${c.label[lang]}`));
      const hint = field.help ? ` (${field.help[lang]})` : '';
      let question: string;
      if (t.kind === 'secret') {
        const keep = secretStored ? tr(lang, 'gespeichert – Enter behält es', 'stored – Enter keeps it') : tr(lang, 'nicht gespeichert', 'not stored');
        question = field.input === 'pem'
          ? `${field.label[lang]} – ${tr(lang, 'Pfad zur PEM-Datei', 'path to the PEM file')} [${keep}]: `
          : `${field.label[lang]}${hint} [${keep}]: `;
      } else {
        question = `${field.label[lang]}${hint}${current ? ` [${current}]` : ''}: `;
      }
      let answer = await p.ask(question, { secret: t.kind === 'secret' && field.input !== 'pem' });
      if (answer === '' || (t.kind === 'secret' && answer.trim() === '')) {
        const have = t.kind === 'secret' ? secretStored : current !== undefined && current !== '';
        if (have || !field.required) break;
        p.print(tr(lang, '  Dieser Wert wird benötigt.', '  This value is required.'));
        continue;
      }
      if (field.choices) {
        const n = Number(answer);
        if (Number.isInteger(n) && n >= 1 && n <= field.choices.length) answer = field.choices[n - 1]!.value;
      }
      try {
        if (t.kind === 'secret' && field.input === 'pem') answer = await readText(answer.trim(), field.label.en);
        await a.applyFieldValue(field, answer);
        break;
      } catch (err) {
        if (!(err instanceof SetupInputError)) throw err;
        p.print(`  ${ICON.fail} ${err.message}`);
      }
    }
  }
  return chosenUser;
}

async function askUciPasswords(a: SetupAssistant, lang: Lang, p: Prompter): Promise<void> {
  const file = await p.ask(tr(lang, 'CSV-Datei mit Zeilen login;password importieren – Pfad (Enter = nein): ', 'Import a CSV file with lines login;password – path (Enter = no): '));
  if (file) {
    try {
      await importCsv(a, file, lang, (t) => p.print(t));
    } catch (err) {
      p.print(`  ${ICON.fail} ${(err as Error).message}`);
    }
  }
  let users;
  try {
    users = await a.selectedUsers(lang);
  } catch (err) {
    p.print(`  ${ICON.fail} ${(err as Error).message}`);
    return;
  }
  const have = loginsWithPassword(await a.env.secrets.names());
  const missing = users.filter((u) => u.microsoftId && !have.has(u.login));
  if (missing.length === 0) return;
  const yes = (await p.ask(tr(lang, `${missing.length} Benutzer ohne UCI-Passwort. Jetzt einzeln eingeben? (j/N) `, `${missing.length} users without a UCI password. Enter them one by one now? (y/N) `))).toLowerCase();
  if (yes !== 'j' && yes !== 'y' && yes !== 'ja' && yes !== 'yes') return;
  for (const u of missing) {
    const pw = await p.ask(`  ${u.login}${u.displayName ? ` ${u.displayName}` : ''} (${tr(lang, 'Enter = überspringen', 'Enter = skip')}): `, { secret: true });
    if (pw) await a.setUciPassword(u.login, pw);
  }
}

async function askTestUser(a: SetupAssistant, lang: Lang, p: Prompter, preset: string | undefined): Promise<string | undefined> {
  let matched: { login: string; displayName?: string; email: string }[] = [];
  try {
    matched = (await a.selectedUsers(lang)).filter((u) => u.status === 'matched');
  } catch {
    // The check below explains what is wrong with the directory.
  }
  if (matched.length) {
    p.print(tr(lang, '  Synchronisierbare Benutzer:', '  Syncable users:'));
    for (const u of matched.slice(0, 10)) p.print(`    ${u.login}${u.displayName ? ` ${u.displayName}` : ''} <${u.email}>`);
    if (matched.length > 10) p.print(tr(lang, `    … und ${matched.length - 10} weitere`, `    … and ${matched.length - 10} more`));
  }
  const def = preset ?? matched[0]?.login;
  const answer = await p.ask(`${tr(lang, 'Testbenutzer (Login-ID)', 'Test user (login ID)')}${def ? ` [${def}]` : ''}: `);
  return answer || def;
}

/** The engine's log file for these settings (src/app/service.ts openEngineHost: <settings folder>/logs). */
function auditFile(settingsFile: string): string {
  return path.join(path.dirname(path.resolve(settingsFile)), 'logs', 'presence-bridge.log');
}
