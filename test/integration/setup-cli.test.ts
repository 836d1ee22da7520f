// `presence-bridge setup` in a terminal: the real CLI is spawned, its prompts are answered through stdin, and it
// talks to both simulators over real sockets. Covers a wrong client secret and a missing admin consent that
// the assistant detects, explains and re-checks until fixed, the STARFACE steps with an untrusted certificate,
// and the non-interactive mode for scripts.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVault } from '../../src/platform/vault.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph/server.js';
import { generateTenant, usersFromStarface } from '../../src/simulators/graph/tenant.js';
import { startStarfaceSimulator, type SimUserInput, type StarfaceSimulator } from '../../src/simulators/starface/index.js';

const PASSPHRASE = 'setup cli test passphrase';
const PBX_USERS: SimUserInput[] = [
  { login: '0001', password: 'Admin-Pass', email: 'admin@example.com', firstName: 'Admin', familyName: 'PBX', admin: true },
  { login: '1001', password: 'Pass1001', email: 'anna.schmidt@example.com', firstName: 'Anna', familyName: 'Schmidt' },
  { login: '1002', password: 'Pass1002', email: 'ben.meyer@example.com', firstName: 'Ben', familyName: 'Meyer' },
  { login: '1003', password: 'Pass1003', email: '', firstName: 'No', familyName: 'Mail' },
];

let sf: StarfaceSimulator;
let graph: GraphSimulator;
let noConsent: GraphSimulator;
let dir: string;
let graphCa: string;
let noConsentCa: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pb-setup-cli-'));
  sf = await startStarfaceSimulator({ users: PBX_USERS, tls: true, certDir: dir });
  const people = usersFromStarface(PBX_USERS);
  graph = await startGraphSimulator({ tenant: generateTenant(people) });
  const t = generateTenant(people);
  t.apps[0]!.application = [];
  noConsent = await startGraphSimulator({ tenant: t });
  graphCa = join(dir, 'graph-ca.pem');
  writeFileSync(graphCa, graph.caPem);
  noConsentCa = join(dir, 'no-consent-ca.pem');
  writeFileSync(noConsentCa, noConsent.caPem);
});

afterAll(async () => {
  await Promise.all([sf.close(), graph.close(), noConsent.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI in a child process, driven like a person at a terminal: wait for a prompt, then answer. */
class Terminal {
  readonly child: ChildProcessWithoutNullStreams;
  out = '';
  private cursor = 0;
  private readonly exited: Promise<number>;

  constructor(args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, ['bin/presence-bridge.mjs', 'setup', ...args], {
      env: { ...process.env, PRESENCE_BRIDGE_VAULT_PASSPHRASE: PASSPHRASE, ...env },
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (d: string) => { this.out += d; });
    this.child.stderr.on('data', (d: string) => { this.out += d; });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code ?? -1)));
  }

  /** Waits until the output after the cursor contains `text`; moves the cursor past it. */
  async expect(text: string | RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.out.slice(this.cursor);
      const m = typeof text === 'string' ? (rest.includes(text) ? { index: rest.indexOf(text), len: text.length } : undefined)
        : (() => { const r = text.exec(rest); return r ? { index: r.index, len: r[0].length } : undefined; })();
      if (m) {
        const seen = rest.slice(0, m.index + m.len);
        this.cursor += m.index + m.len;
        return seen;
      }
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`Timed out waiting for ${String(text)}; output after the cursor:\n${rest}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  async answer(prompt: string | RegExp, line: string): Promise<void> {
    await this.expect(prompt);
    this.send(line);
  }

  exit(): Promise<number> {
    return this.exited;
  }
}

async function vaultOf(config: string) {
  return openVault({ file: join(config, '..', 'vault.json'), passphrase: PASSPHRASE });
}

describe('presence-bridge setup (interactive)', () => {
  it('detects a wrong client secret and a missing admin consent, explains both, and re-checks until fixed', async () => {
    const config = join(mkdtempSync(join(dir, 'ms-')), 'settings.json');
    const t = new Terminal(['--config', config, '--lang', 'en', '--only', 'microsoft-app,microsoft-consent',
      '--authority-host', noConsent.url, '--graph-base-url', noConsent.url, '--ca-file', noConsentCa]);
    await t.expect('1 certificate(s) added as trusted.');
    await t.expect('== Step 1/2: Microsoft tenant and app ==');
    await t.answer('Tenant (directory) ID (GUID or verified domain, e.g. contoso.onmicrosoft.com): ', noConsent.tenant.tenantId);
    await t.answer('Client (application) ID: ', noConsent.app.clientId);
    await t.answer('App credential [secret]: ', '1');
    await t.answer('Client secret (value) (The "Value" column, not the "Secret ID".) [not stored]: ', 'the-secret-ID-by-mistake');
    await t.answer(/Client secret expiry date \(.*\): /, '2027-06-30');
    await t.answer('Read presence with [application]: ', '');
    await t.expect('✘ Entra ID rejected the client secret (AADSTS7000215: invalid client secret).');
    await t.expect('Fix: Usually the "Secret ID" was copied instead of the "Value".');
    await t.answer('[Enter] change values and check again', '');
    await t.answer(`Tenant (directory) ID (GUID or verified domain, e.g. contoso.onmicrosoft.com) [${noConsent.tenant.tenantId}]: `, '');
    await t.answer(`Client (application) ID [${noConsent.app.clientId}]: `, '');
    await t.answer('App credential [secret]: ', '');
    await t.answer('[stored – Enter keeps it]: ', noConsent.app.clientSecret!);
    // The new secret has its own expiry: the old date is not offered again.
    await t.answer('Client secret expiry date (As shown under "Certificates & secrets"; Presence Bridge warns 30 and 7 days ahead.): ', '2027-06-30');
    await t.answer('Read presence with [application]: ', '');
    await t.expect(`✔ The app signs in to Microsoft (tenant ${noConsent.tenant.tenantId}, app ${noConsent.app.clientId}).`);

    await t.expect('== Step 2/2: Admin consent ==');
    await t.expect('✘ Admin consent is missing for: User.Read.All (application: read the directory for e-mail matching); Presence.ReadWrite.All');
    await t.expect('Probe GET /users: denied (HTTP 403 Authorization_RequestDenied)');
    await t.expect(`Admin-consent link: ${noConsent.url}/${noConsent.tenant.tenantId}/v2.0/adminconsent?client_id=${noConsent.app.clientId}`);
    await t.expect('[p] check again only');
    // The admin grants consent in Entra, then asks for the check again.
    noConsent.app.application.push('User.Read.All', 'Presence.ReadWrite.All');
    t.send('p');
    await t.expect('✔ Admin consent is granted: directory and presence are accessible.');
    await t.expect('== Summary ==');
    expect(await t.exit()).toBe(0);
    noConsent.app.application.length = 0;

    expect(t.out).not.toContain('the-secret-ID-by-mistake');
    expect(t.out).not.toContain(noConsent.app.clientSecret!);
    const settings = JSON.parse(readFileSync(config, 'utf8')) as { microsoft: Record<string, unknown> };
    expect(settings.microsoft).toMatchObject({ tenantId: noConsent.tenant.tenantId, clientId: noConsent.app.clientId, authorityHost: noConsent.url });
    expect(JSON.stringify(settings)).not.toContain(noConsent.app.clientSecret!);
    const vault = await vaultOf(config);
    expect(await vault.get('microsoft.clientSecret')).toBe(noConsent.app.clientSecret);
    expect(await vault.get('microsoft.credentialExpiresAt')).toBe('2027-06-30T23:59:59.000Z');
  });

  it('walks the STARFACE steps: untrusted certificate, wrong admin password, CSV import, single passwords, final test', async () => {
    const config = join(mkdtempSync(join(dir, 'sf-')), 'settings.json');
    const csv = join(dir, 'uci.csv');
    writeFileSync(csv, 'login;password\n0001;Admin-Pass\n1001;Pass1001\n');
    const t = new Terminal(['--config', config, '--lang', 'de', '--skip', 'microsoft-app,microsoft-consent',
      '--tenant-id', graph.tenant.tenantId, '--client-id', graph.app.clientId, '--authority-host', graph.url, '--graph-base-url', graph.url,
      '--ca-file', graphCa], { PRESENCE_BRIDGE_CLIENT_SECRET: graph.app.clientSecret! });
    await t.expect('== Schritt 1/5: STARFACE-Adresse und Zertifikat ==');
    await t.answer('Adresse der STARFACE: ', sf.url);
    await t.answer('Rückruf-Host (leer = automatisch) (Adresse dieses Rechners, wie die STARFACE ihn erreicht.): ', '');
    await t.answer('Rückruf-Port (0 = frei wählen) [0]: ', '8765');
    await t.expect('✘ Das Zertifikat von');
    await t.expect('Zertifikat 1 (Server): Inhaber CN=localhost; Aussteller CN=Presence Bridge STARFACE Simulator CA');
    await t.answer('[c] CA-Zertifikat aus Datei vertrauen', 'c');
    await t.answer('Pfad zur PEM-Datei des CA-Zertifikats: ', sf.caPath!);
    await t.expect('1 Zertifikat(e) als vertrauenswürdig hinzugefügt.');
    await t.expect('✔ Die STARFACE ist erreichbar und ihr Zertifikat vertrauenswürdig.');
    await t.expect('Firewall: eingehend TCP 8765 von 127.0.0.1 erlauben.');

    await t.expect('== Schritt 2/5: STARFACE-Administrator ==');
    await t.answer('Login-ID des Administrators: ', '0001');
    await t.answer('Passwort des Administrators [nicht gespeichert]: ', 'falsch');
    await t.expect('✘ Die STARFACE lehnt die REST-Anmeldung des Administrators ab (HTTP 400).');
    await t.answer('[Enter] Angaben ändern und erneut prüfen', '');
    await t.answer('Login-ID des Administrators [0001]: ', '');
    await t.answer('Passwort des Administrators [gespeichert – Enter behält es]: ', 'Admin-Pass');
    await t.expect(`✔ REST-Anmeldung als 0001 erfolgreich; ${PBX_USERS.length} Benutzer sichtbar.`);

    await t.expect('== Schritt 3/5: Benutzerauswahl ==');
    await t.answer('Auswahl [all]: ', '1');
    await t.answer('Zusätzliche Login-IDs (durch Komma getrennt): ', '');
    // The PBX administrator account (0001) the bridge logs in with is not among "all users", and the step says so.
    await t.expect('⚠ 3 Benutzer ausgewählt: 2 mit Microsoft-Konto, davon 0 bereit; 1 Konflikte.');
    await t.expect('Das Administrator-Konto 0001 ist nicht ausgewählt (Zusätzliche Login-IDs nehmen es auf).');
    await t.expect('1003 No Mail <—>: keine E-Mail-Adresse in der STARFACE');
    await t.answer('[Enter] weiter', '');

    await t.expect('== Schritt 4/5: UCI-Passwörter der Benutzer ==');
    await t.answer('CSV-Datei mit Zeilen login;password importieren – Pfad (Enter = nein): ', csv);
    await t.expect(`${csv}: 2 UCI-Passwörter gespeichert.`);
    await t.answer('1 Benutzer ohne UCI-Passwort. Jetzt einzeln eingeben? (j/N) ', 'j');
    await t.answer('1002 Ben Meyer (Enter = überspringen): ', 'Pass1002');
    await t.expect('✔ UCI-Anmeldung: 2 von 2 Benutzern erfolgreich.');

    await t.expect('== Schritt 5/5: Abschlusstest ==');
    await t.expect('1002 Ben Meyer <ben.meyer@example.com>');
    // The first person is the default test user, never the administrator account.
    await t.answer('Testbenutzer (Login-ID) [1001]: ', '1002');
    await t.expect('✔ Abschlusstest mit 1002 (Ben Meyer) bestanden');
    // Like real PBXs, the simulator does not report DND back by default (setup-checks covers one that does).
    await t.expect('Diese STARFACE meldet DND nicht zurück: Schreiben wurde angenommen, DND ist jetzt aus.');
    expect(await t.exit()).toBe(0);
    expect(t.out).not.toMatch(/Pass1002|Admin-Pass|falsch/);
    const vault = await vaultOf(config);
    expect(await vault.get('starface.user.1002.password')).toBe('Pass1002');
    expect(await vault.get('starface.adminPassword')).toBe('Admin-Pass');
    const settings = JSON.parse(readFileSync(config, 'utf8')) as { starface: Record<string, unknown>; network: { extraCaPem: string[] } };
    expect(settings.starface).toMatchObject({ baseUrl: sf.url, adminLogin: '0001', callbackPort: 8765 });
    expect(settings.network.extraCaPem).toHaveLength(2);
  });

  it('ends cleanly when the input ends, with a non-zero exit code', async () => {
    const config = join(mkdtempSync(join(dir, 'eof-')), 'settings.json');
    const t = new Terminal(['--config', config, '--lang', 'en']);
    await t.expect('Tenant (directory) ID');
    t.child.stdin.end();
    await t.expect('Cancelled.');
    expect(await t.exit()).toBe(1);
  });
});

describe('presence-bridge setup --non-interactive', () => {
  it('reports a wrong secret and a missing consent with exit code 1', async () => {
    const config = join(mkdtempSync(join(dir, 'ni-')), 'settings.json');
    const t = new Terminal(['--config', config, '--non-interactive', '--lang', 'en', '--only', 'microsoft-app,microsoft-consent',
      '--tenant-id', noConsent.tenant.tenantId, '--client-id', noConsent.app.clientId, '--authority-host', noConsent.url,
      '--graph-base-url', noConsent.url, '--ca-file', noConsentCa], { PRESENCE_BRIDGE_CLIENT_SECRET: 'wrong' });
    expect(await t.exit()).toBe(1);
    expect(t.out).toContain('✘ Entra ID rejected the client secret (AADSTS7000215: invalid client secret).');
    expect(t.out).toContain('2 of 2 checks failed.');

    const again = new Terminal(['--config', config, '--non-interactive', '--lang', 'en', '--only', 'microsoft-app,microsoft-consent'],
      { PRESENCE_BRIDGE_CLIENT_SECRET: noConsent.app.clientSecret! });
    expect(await again.exit()).toBe(1);
    expect(again.out).toContain('✔ The app signs in to Microsoft');
    expect(again.out).toContain('✘ Admin consent is missing for: User.Read.All');
    expect(again.out).toContain('1 of 2 checks failed.');
  });

  it('sets everything up from options and environment and passes every check (exit 0)', async () => {
    const config = join(mkdtempSync(join(dir, 'ok-')), 'settings.json');
    const csv = join(dir, 'all.csv');
    writeFileSync(csv, '0001;Admin-Pass\n1001;Pass1001\n1002;Pass1002\n');
    const t = new Terminal(['--config', config, '--non-interactive', '--lang', 'en',
      '--tenant-id', graph.tenant.tenantId, '--client-id', graph.app.clientId, '--secret-expires', '2099-01-31',
      '--authority-host', graph.url, '--graph-base-url', graph.url, '--ca-file', graphCa, '--ca-file', sf.caPath!,
      '--starface-url', sf.url, '--starface-admin', '0001', '--uci-csv', csv, '--test-user', '1001'],
    { PRESENCE_BRIDGE_CLIENT_SECRET: graph.app.clientSecret!, PRESENCE_BRIDGE_STARFACE_ADMIN_PASSWORD: 'Admin-Pass' });
    const code = await t.exit();
    expect(t.out).toContain('All checks passed.');
    expect(code).toBe(0);
    expect(t.out).toContain('✔ Final test with 1001 (Anna Schmidt) passed');
    // Issue 15 item 1: each save from the command line is an audit entry in the engine's log file.
    const saves = readFileSync(join(config, '..', 'logs', 'presence-bridge.log'), 'utf8').trim().split('\n')
      .map((l) => JSON.parse(l) as { level: string; code?: string; params?: { sections: string; by: string } })
      .filter((e) => e.code === 'audit.settingsSaved');
    expect(saves.length).toBeGreaterThan(0);
    expect(saves.every((e) => e.level === 'info' && e.params?.by === 'cli')).toBe(true);
    expect(saves.map((e) => e.params!.sections).join(', ')).toMatch(/microsoft/);
  });

  it('rejects wrong usage with exit code 2 and the full option list', async () => {
    const t = new Terminal(['--config', join(dir, 'x.json'), '--only', 'nonsense']);
    const u = new Terminal([]);
    const bad = new Terminal(['--config', join(dir, 'y', 'settings.json'), '--non-interactive', '--tenant-id', 'not a tenant']);
    expect(await Promise.all([t.exit(), u.exit(), bad.exit()])).toEqual([2, 2, 2]);
    expect(t.out).toContain('--only: unknown step "nonsense"');
    expect(u.out).toContain('PRESENCE_BRIDGE_STARFACE_ADMIN_PASSWORD');
    expect(bad.out).toContain('microsoft.tenantId: must be the directory (tenant) ID');
  });
});
