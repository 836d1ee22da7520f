// Issue 15 item 1 (done when: "a Teams change and a rule save appear in the log at the default level with user
// and reason"): the real engine service against both simulators, its logger at the default level (info).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/control/dispatch.js';
import type { LogEntry } from '../../src/platform/logger.js';
import { startSyncWorld, waitFor, waitForConvergence, type SyncWorld } from './sync-helpers.js';

let w: SyncWorld;

async function call<T = Record<string, unknown>>(method: string, params: unknown = {}): Promise<T> {
  const reply = await dispatch(w.service.api, { method, params });
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

/** The audit entries the control API hands the Log page (log.entries at the default level). */
async function auditEntries(code: string): Promise<LogEntry[]> {
  const { entries } = await call<{ entries: LogEntry[] }>('log.entries', { limit: 10_000 });
  return entries.filter((e) => e.code === code);
}

beforeAll(async () => {
  w = await startSyncWorld({ users: 6 });
  await waitForConvergence(w, 20_000);
  w.logger.setLevel('info'); // the default (settings.log.level)
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('audit log at the default level', () => {
  it('a Teams change is logged with who (login, name, e-mail), what (DND off → on) and why (presence and row)', async () => {
    const me = w.service.host.snapshot().users.find((u) => u.login === '1003')!;
    expect(me.email).toBeTruthy();
    expect(w.service.host.settings.log.level).toBe('info');
    w.setTeams('1003', 'DoNotDisturb', 'DoNotDisturb');
    await waitFor(() => w.pbxUser('1003').dnd, 5_000, 'DND on the PBX');
    let dnd: LogEntry | undefined;
    await waitFor(async () => (dnd = (await auditEntries('audit.dnd')).find((e) => e.user === '1003' && e.params!['new'] === true)) !== undefined, 5_000, 'the DND audit entry');
    expect(dnd!.level).toBe('info');
    expect(dnd!.params).toMatchObject({ login: '1003', email: me.email, old: false, new: true, teams: 'DoNotDisturb/DoNotDisturb', row: 'dnd' });
    expect(dnd!.params!['name']).toBe(me.displayName ?? null);
    expect(dnd!.msg).toContain('DND off → on');
    expect(dnd!.msg).toContain(me.email);
    // The chat text changed with it: old → new, with the same reason.
    let chat: LogEntry | undefined;
    await waitFor(async () => (chat = (await auditEntries('audit.chatText')).find((e) => e.user === '1003' && e.params!['row'] === 'dnd')) !== undefined,
      5_000, 'the chat text audit entry');
    expect(chat!.params).toMatchObject({ old: 'Offline', new: w.pbxUser('1003').chatPresenceMessage, teams: 'DoNotDisturb/DoNotDisturb' });
  });

  it('a rule save is logged with the sections it changed and where it came from', async () => {
    const { settings } = await call<{ settings: Record<string, unknown> & { rules: Record<string, { chatText: string }> } }>('settings.get');
    const rules = { ...settings.rules, offline: { ...settings.rules.offline, chatText: 'Nicht im Haus' } };
    expect(await call('settings.save', { settings: { ...settings, rules } })).toEqual({ ok: true, issues: [] });
    const saves = await auditEntries('audit.settingsSaved');
    expect(saves.at(-1)).toMatchObject({ level: 'info', component: 'settings', params: { sections: 'rules', by: 'ui' } });
    // …and the writes the new rule makes are logged with the row that caused them.
    await waitFor(async () => (await auditEntries('audit.chatText')).some((e) => e.params!['new'] === 'Nicht im Haus' && e.params!['row'] === 'offline'),
      5_000, 'the chat text writes of the new rule');
  });

  it('a STARFACE call that sets and clears the Teams presence is logged with the call as the reason', async () => {
    const placed = w.env.starface.pbx.placeCall({ from: '+4972112345', to: '1004' });
    w.env.starface.pbx.answer(placed.id);
    await waitFor(async () => (await auditEntries('audit.teamsSessionSet')).some((e) => e.user === '1004'), 5_000, 'the Teams session set');
    const set = (await auditEntries('audit.teamsSessionSet')).find((e) => e.user === '1004')!;
    expect(set.params).toMatchObject({ login: '1004', availability: 'Busy', activity: 'InACall', call: 'in-call' });
    expect(set.params!['email']).toBeTruthy();
    w.env.starface.pbx.hangup(placed.id);
    await waitFor(async () => (await auditEntries('audit.teamsSessionCleared')).some((e) => e.user === '1004'), 5_000, 'the Teams session cleared');
  });
});
