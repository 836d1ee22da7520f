// kill -9 of the bridge at the moment one of its PBX writes leaves it — DND on, DND off, chat text, chat
// presence — so the write takes effect and the bridge never learns it. After the restart every user follows
// Teams within a cycle, and a stop with restore puts back exactly the values from before the bridge: a write
// whose outcome is unknown counts as "may have taken effect".
import { describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../src/core/settings.js';
import { waitFor } from '../integration/sync-helpers.js';
import { converged, startCrashEnv, type CrashEnv } from './crash-env.js';

const U = '1001';
const method = (name: string): string => `.${name}</methodName>`;

/** After the restart: U shows what Teams says now, everybody else "Offline"; then a stop with restore. */
async function restartFollowRestore(ce: CrashEnv, expectU: { dnd: boolean; chatPresenceMessage: string; chatPresence?: string }): Promise<void> {
  const service = await ce.startService();
  await waitFor(() => {
    const u = ce.pbx(U);
    return u.dnd === expectU.dnd && u.chatPresenceMessage === expectU.chatPresenceMessage && (expectU.chatPresence === undefined || u.chatPresence === expectU.chatPresence)
      && ce.logins.every((l) => l === U || ce.pbx(l).chatPresenceMessage === 'Offline');
  }, 8_000, 'following Teams after the restart').catch((err: unknown) => {
    throw new Error(`${(err as Error).message}: ${U}=${JSON.stringify(ce.pbx(U))}`);
  });
  await service.host.syncEngine!.idle();
  await service.stop({ restore: true });
  expect(ce.checkAllBack()).toEqual([]);
}

describe('kill -9 during a PBX write', () => {
  it('during "DND on": after the restart DND follows Teams, and restore puts back the values from before', async () => {
    const ce = await startCrashEnv();
    try {
      const child = await ce.startChild();
      await converged(ce, () => 'Offline');
      const killed = ce.killWhenSent(child, [method('setDoNotDisturbSetting')]);
      ce.setTeams(U, 'DoNotDisturb');
      await killed;
      await restartFollowRestore(ce, { dnd: true, chatPresenceMessage: 'Nicht stören' });
    } finally {
      await ce.close();
    }
  }, 60_000);

  it('during a chat-text write: the bridge\'s own text is never taken for the user\'s', async () => {
    const ce = await startCrashEnv();
    try {
      ce.env.starface.pbx.user(U)!.chatPresenceMessage = 'Mittagspause';
      ce.before.set(U, ce.pbx(U));
      const child = await ce.startChild();
      await converged(ce, () => 'Offline');
      // "Do not disturb": DND on first, then the text "Nicht stören" — killed while that text is on its way.
      const killed = ce.killWhenSent(child, [method('setChatPresenceMessage')]);
      ce.setTeams(U, 'DoNotDisturb');
      await killed;
      await waitFor(() => ce.pbx(U).chatPresenceMessage === 'Nicht stören', 5_000, 'the text reached the PBX');
      // While the bridge is down the user becomes available in Teams.
      ce.setTeams(U, 'Available');
      await restartFollowRestore(ce, { dnd: false, chatPresenceMessage: 'Verfügbar' });
    } finally {
      await ce.close();
    }
  }, 60_000);

  it('during "DND off" (teams-leads, the user had DND on before the bridge): restore switches DND on again', async () => {
    // A DND pressed before the bridge ran can only be put back where STARFACE reports DND (option
    // userStateDndKey; real PBXs do not, and the simulator's default follows them).
    const ce = await startCrashEnv({
      starfaceBehaviour: { userStateDndKey: 'doNotDisturb' },
      settings: (s: SettingsInput) => ({ ...s, sync: { ...s.sync, ownershipMode: 'teams-leads' } }),
    });
    try {
      ce.env.starface.pbx.user(U)!.dnd = true;
      ce.before.set(U, ce.pbx(U));
      ce.setTeams(U, 'Available');
      // The first apply switches the user's DND off (Teams says available): killed while that write is on its way.
      const child = ce.startChild();
      const killed = ce.killWhenSent(await child, [method('setDoNotDisturbSetting')]);
      await killed;
      await waitFor(() => !ce.pbx(U).dnd, 5_000, 'DND off reached the PBX');
      await restartFollowRestore(ce, { dnd: false, chatPresenceMessage: 'Verfügbar' });
    } finally {
      await ce.close();
    }
  }, 60_000);

  it('during a chat-presence write: restore puts the presence from before back', async () => {
    const ce = await startCrashEnv({
      starfaceBehaviour: { chatPresenceSetter: true },
      settings: (s: SettingsInput) => ({ ...s, rules: { ...s.rules, available: { dnd: 'off', chatText: 'Verfügbar', chatPresence: 'FREE_FOR_CHAT' } } }),
    });
    try {
      const child = await ce.startChild();
      await converged(ce, () => 'Offline');
      const killed = ce.killWhenSent(child, [method('setChatPresence'), 'FREE_FOR_CHAT']);
      ce.setTeams(U, 'Available');
      await killed;
      await waitFor(() => ce.pbx(U).chatPresence === 'FREE_FOR_CHAT', 5_000, 'the presence reached the PBX');
      await restartFollowRestore(ce, { dnd: false, chatPresenceMessage: 'Verfügbar', chatPresence: 'FREE_FOR_CHAT' });
    } finally {
      await ce.close();
    }
  }, 60_000);
});
