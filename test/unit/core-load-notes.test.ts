// Issue 15 item 4: the notes settings.get shows about loading the app's files (a settings file moved aside, a lost
// vault, the journal's problems, a settings file changed outside the app) carry a code, so the page shows them in
// German too; the English text (problems, the log's msg) stays as it was.
import { describe, expect, it } from 'vitest';
import { defaultSettings, lostVaultMessage, lostVaultNote, secretsReferencedBy, type Settings } from '../../src/core/settings.js';
import { renderMessage } from '../../src/core/messages/index.js';
import { secretListMessages, secretListParam } from '../../src/core/messages/secret-list.js';
import { noteOf } from '../../src/app/load-notes.js';
import { codedText, settingsProblemTexts } from '../../renderer/src/i18n/engine-text.js';
import { createI18n } from '../../renderer/src/i18n/core.js';

function configured(credential: 'secret' | 'certificate' = 'secret'): Settings {
  const s = defaultSettings();
  return {
    ...s,
    microsoft: { ...s.microsoft, tenantId: '11111111-2222-3333-4444-555555555555', clientId: '66666666-7777-8888-9999-000000000000', credential },
    starface: { ...s.starface, baseUrl: 'https://pbx.example.com', adminLogin: '0001' },
  };
}

const file = '/data/vault.json';
const de = createI18n('de');

describe('the lost vault note', () => {
  it('keeps its English wording, the secrets to enter again listed', () => {
    const note = lostVaultNote({ file, created: true, previousKeyFound: true }, configured())!;
    expect(note).toEqual({ code: 'vault-lost', params: { file, secrets: 'secret-microsoft-client-secret;secret-starface-admin-password(0001);secret-uci-passwords' } });
    expect(lostVaultMessage({ file, created: true, previousKeyFound: true }, configured())).toBe(
      "The secret vault /data/vault.json was deleted or moved (its key is still in the OS keychain): the secrets stored in it are lost, and a new, empty vault is in use. To recover, put the file back from a backup (stop Presence Bridge first), or enter them again: the Microsoft app's client secret (Connections → Microsoft); the password of the STARFACE administrator 0001 (Connections → STARFACE); the users' UCI passwords (Connections → STARFACE → import the password list).",
    );
    expect(secretsReferencedBy(configured('certificate'))[0]).toBe("the Microsoft app's certificate key (Connections → Microsoft)");
  });

  it('reads in German, each secret in German (core and the settings page alike)', () => {
    const note = lostVaultNote({ file, created: true, previousKeyFound: false }, configured('certificate'))!;
    expect(note.code).toBe('vault-missing');
    const text = 'Der Tresor /data/vault.json war nicht vorhanden, obwohl die Einstellungen gespeicherte Geheimnisse voraussetzen: Falls er gelöscht oder verschoben wurde, sind die Geheimnisse verloren. Ein neuer, leerer Tresor ist in Gebrauch. Legen Sie die Datei aus einer Sicherung zurück (Presence Bridge vorher beenden) oder geben Sie die Geheimnisse erneut ein: den privaten Schlüssel des Zertifikats der Microsoft-App (Verbindungen → Microsoft); das Passwort des STARFACE-Administrators 0001 (Verbindungen → STARFACE); die UCI-Passwörter der Benutzer (Verbindungen → STARFACE → Passwortliste importieren).';
    expect(renderMessage('de', note)).toBe(text);
    expect(codedText(note, de.t).text).toBe(text);
  });

  it('without settings that name secrets: the key alone proves the loss, and the note says to enter the secrets again', () => {
    const none = defaultSettings();
    expect(lostVaultNote({ file, created: true, previousKeyFound: false }, none)).toBeUndefined();
    expect(lostVaultNote({ file, created: false, previousKeyFound: true }, configured())).toBeUndefined();
    const note = lostVaultNote({ file, created: true, previousKeyFound: true }, none)!;
    expect(note).toEqual({ code: 'vault-lost-unlisted', params: { file } });
    expect(renderMessage('en', note)).toMatch(/or enter the secrets again\.$/);
    expect(renderMessage('de', note)).toMatch(/^Der Tresor \/data\/vault\.json wurde gelöscht oder verschoben .* oder geben Sie die Geheimnisse erneut ein\.$/);
  });

  it('the secret list survives a login with brackets and shows an unknown entry as it is', () => {
    const param = secretListParam([{ code: 'secret-starface-admin-password', login: 'a(b)' }, { code: 'secret-uci-passwords' }]);
    expect(secretListMessages(param)).toEqual([{ code: 'secret-starface-admin-password', params: { login: 'a(b)' } }, { code: 'secret-uci-passwords' }]);
    expect(secretListMessages('secret-uci-passwords;something new')).toEqual([{ code: 'secret-uci-passwords' }, 'something new']);
  });
});

describe('the other load notes in German', () => {
  it('a settings file moved aside, the journal, a settings file changed outside the app', () => {
    expect(renderMessage('de', { code: 'settings-file-moved-empty', params: { file: '/d/settings.json', backup: '/d/settings.json.corrupt-1' } })).toBe(
      'Die Einstellungsdatei /d/settings.json ließ sich nicht lesen: Sie ist leer. Sie wurde nach /d/settings.json.corrupt-1 verschoben, und es gelten die Standardeinstellungen – stellen Sie sie von dort wieder her oder geben Sie die Einstellungen erneut ein.',
    );
    expect(renderMessage('de', { code: 'journal-entry-dropped', params: { key: '1002', reason: 'pbx.dnd: expected object' } })).toBe(
      'Der Eintrag „1002“ im Eigentumsjournal wurde verworfen: pbx.dnd: expected object.',
    );
    expect(renderMessage('de', { code: 'log-settings-file-not-json', params: { file: '/d/settings.json', detail: 'Unexpected end of JSON input' } })).toMatch(
      /^Die Einstellungsdatei \/d\/settings\.json wurde außerhalb der App geändert und ist kein gültiges JSON \(Unexpected end of JSON input\)\./,
    );
  });

  it('the settings page renders a coded note from its code and keeps an uncoded one as it is', () => {
    const moved = noteOf({ code: 'journal-moved-aside', params: { file: '/d/journal.json', backup: '/d/journal.json.corrupt-7' } });
    expect(moved.text).toBe('The ownership journal /d/journal.json was unreadable and was moved to /d/journal.json.corrupt-7. The bridge starts without it: check the DND of your users once, values it set before may not be restored.');
    const texts = settingsProblemTexts([moved.text, 'an older engine note'], de.t, { [moved.text]: moved.code });
    expect(texts.map((t) => t.text)).toEqual([
      'Das Eigentumsjournal /d/journal.json war nicht lesbar und wurde nach /d/journal.json.corrupt-7 verschoben. Die Bridge startet ohne es: Prüfen Sie einmal Nicht stören (DND) Ihrer Benutzer – Werte, die die Bridge zuvor gesetzt hat, werden womöglich nicht wiederhergestellt.',
      'an older engine note',
    ]);
  });
});
