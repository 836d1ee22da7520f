// A stop that could not put everyone back (the PBX did not answer) is shown on the page — with how many users
// are left and why, in the page's language — until the engine reports them restored.
import { describe, it } from 'vitest';
import type { SyncStatus } from '../../src/control/contract.js';
import { HAVE_CHROMIUM, rendererSuite } from './renderer-harness.js';

const left: SyncStatus = {
  state: 'stopped',
  since: '2025-03-14T09:00:00.000Z',
  reason: 'stopped; 2 of 3 users not restored: PBX unreachable; they are restored as soon as the PBX answers again, at the latest at the next start.',
  // The page renders the reason from its code (src/core/messages), never from the English sentence.
  reasonCode: 'sync-stopped-not-restored',
  reasonParams: { left: 2, total: 3 },
  counters: { cycles: 4, presenceRequests: 4, pbxWrites: 9, teamsWrites: 0, errors: 2 },
  restore: {
    total: 3, restored: 1, notRestored: 2, logins: ['1001', '1002'], reason: 'pbx-unreachable', at: '2025-03-14T09:00:00.000Z',
    message: '2 of 3 users not restored: PBX unreachable; they are restored as soon as the PBX answers again, at the latest at the next start.',
  },
};

describe.skipIf(!HAVE_CHROMIUM)('renderer: users not restored (Chromium, real headless host + SSE, engine stand-in fakeEngineApi)', () => {
  const suite = rendererSuite();

  it('shows how many users a stop left and why, and hides the line once they are restored', async () => {
    const page = await suite.start({ users: 3 });
    await page.getByText('Läuft').first().waitFor();
    suite.engine().emit({ type: 'state.sync', data: left });
    await page.getByText('2 von 3 Benutzern nicht wiederhergestellt: Telefonanlage nicht erreichbar. Das wird nachgeholt, sobald es möglich ist, spätestens beim nächsten Start.').waitFor();
    await page.getByText('Gestoppt; 2 von 3 Benutzern nicht wiederhergestellt').waitFor();
    suite.engine().emit({
      type: 'state.sync',
      data: { ...left, reason: 'stopped; values restored', reasonCode: 'sync-stopped-restored', reasonParams: undefined, restore: { ...left.restore!, restored: 3, notRestored: 0, logins: [], message: 'All 3 users restored.' } },
    });
    await page.locator('.sync-not-restored').waitFor({ state: 'detached' });
  });
});
