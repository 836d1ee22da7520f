// Engine stand-in for the Electron end-to-end suite (loaded through PRESENCE_BRIDGE_ENGINE_MODULE, which only an
// unpackaged app honours). It answers the control contract from memory, with the real default settings from the
// build, and appends every start/stop to <userData>/engine-calls.log so the suite can check what the shell did.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

const { defaultSettings } = await import(new URL('../../dist/src/core/settings.js', import.meta.url).href);

export async function createEngineService({ dataDir }) {
  const record = (line) => appendFileSync(join(dataDir, 'engine-calls.log'), `${line}\n`);
  const listeners = new Set();
  const emit = (event) => { for (const l of [...listeners]) l(event); };
  const now = () => new Date().toISOString();
  let settings = defaultSettings();
  let sync = { state: 'stopped', since: now(), counters: { cycles: 0, presenceRequests: 0, pbxWrites: 0, teamsWrites: 0, errors: 0 } };
  const auth = { state: 'signed-in', account: 'admin@contoso.example', appCredential: 'ok' };
  const capabilities = { canSetDnd: true, canSetChatPresenceMessage: true, canSetChatPresence: false, canSetTelephonyState: false, reasons: {} };
  const setSync = (state) => {
    sync = { ...sync, state, since: now() };
    emit({ type: 'state.sync', data: sync });
    return sync;
  };

  const api = {
    'settings.get': async () => ({ settings, problems: [] }),
    'settings.validate': async () => ({ ok: true, issues: [] }),
    'settings.save': async ({ settings: next }) => {
      settings = next;
      emit({ type: 'settings.changed', data: { settings } });
      return { ok: true, issues: [] };
    },
    'settings.reset': async () => ({ settings: { ...settings, rules: defaultSettings().rules } }),
    'secrets.status': async () => ({ microsoftClientSecret: true, microsoftCertificateKey: false, starfaceAdminPassword: true, starfaceUserPasswords: [] }),
    'secrets.set': async () => ({}),
    'secrets.delete': async () => ({}),
    'secrets.importStarfaceCsv': async () => ({ imported: 0, errors: [] }),
    'sync.start': async () => { record('sync.start'); return setSync('running'); },
    'sync.stop': async ({ restore }) => { record(`sync.stop restore=${restore}`); return setSync('stopped'); },
    'auth.status': async () => auth,
    'auth.signInInteractive': async () => auth,
    'auth.deviceCode': async () => ({ userCode: 'ABCD-EFGH', verificationUri: 'https://microsoft.com/devicelogin', expiresAt: new Date(Date.now() + 900_000).toISOString() }),
    'auth.cancelSignIn': async () => auth,
    'auth.signOut': async () => auth,
    'auth.consentUrl': async () => ({ url: 'https://login.microsoftonline.com/common/adminconsent' }),
    'roster.groups': async () => ({ groups: [] }),
    'connections.test': async ({ target }) => ({ target, ok: true, checks: [] }),
    'roster.get': async () => ({ users: [], counts: { matched: 0, conflicts: 0 } }),
    'state.snapshot': async () => ({ sync, auth, users: [], capabilities }),
    'log.entries': async () => ({ entries: [] }),
    'log.export': async () => ({ text: '' }),
    subscribe(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
  };

  return {
    api,
    async start() { record('start'); },
    async stop({ restore }) { record(`stop restore=${restore}`); },
  };
}
