// The status board in German at 1366×860 (issue 15 items 5 and 9): every status row's label readable in full,
// Teams values in Teams' own German words, and an explanation when Teams shows the bridge's own session.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { UserLiveState } from '../../src/control/contract.js';
import { STATUS_ROWS } from '../../src/core/status-rows.js';
import { makeUser } from './renderer-fake-engine.js';
import { HAVE_CHROMIUM, rendererSuite, screenshot } from './renderer-harness.js';

const VIEWPORT = { width: 1366, height: 860 };

function userInRow(i: number): UserLiveState {
  const row = STATUS_ROWS[i]!;
  const availability = row.match.availability[0]!;
  const activity = row.match.kind === 'exact' ? row.match.activity[0]! : availability;
  return {
    ...makeUser(100 + i), displayName: `Zeile ${i} ${row.id}`, row: row.id, teamsSession: null, error: null, manualOverride: false,
    teams: { availability, activity, outOfOffice: row.match.kind === 'oof' },
  };
}

/** Row labels rendered now that do not fit their cell (clipped sideways or spilling out of the row). */
async function clippedLabels(page: Page): Promise<{ seen: string[]; clipped: string[] }> {
  return page.locator('[data-testid=row-label]').evaluateAll((els) => {
    const seen: string[] = [];
    const clipped: string[] = [];
    for (const el of els) {
      seen.push(el.textContent ?? '');
      const cell = el.parentElement!.getBoundingClientRect();
      const row = el.closest('[role=row]')!.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      const fits = el.scrollWidth <= el.clientWidth + 1 && r.right <= cell.right + 1 && r.bottom <= row.bottom + 1 && r.top >= row.top - 1;
      if (!fits) clipped.push(el.textContent ?? '');
    }
    return { seen, clipped };
  });
}

describe.skipIf(!HAVE_CHROMIUM)('status board in German at 1366×860 (Chromium, real headless host)', () => {
  const suite = rendererSuite();

  it('shows every status row in full, in Teams\' German words, and no raw Graph value', async () => {
    const page = await suite.start({ users: 1 }, VIEWPORT);
    await page.getByText('Anna Müller 0', { exact: true }).waitFor(); // the event stream is up
    for (let i = 0; i < STATUS_ROWS.length; i++) suite.engine().emit({ type: 'state.user', data: userInRow(i) });
    const n = STATUS_ROWS.length + 1;
    await page.getByText(`${n} von ${n} Benutzern`).waitFor();

    const seen = new Set<string>();
    const scroller = page.locator('.vt-scroll');
    for (const f of [0, 0.5, 1]) {
      await scroller.evaluate((el, frac) => { el.scrollTop = el.scrollHeight * frac; }, f);
      await page.waitForTimeout(50);
      const r = await clippedLabels(page);
      expect(r.clipped, 'status row labels cut off at 1366 px').toEqual([]);
      r.seen.forEach((s) => seen.add(s));
    }
    expect([...seen].sort()).toEqual([...new Set(['Verfügbar', ...STATUS_ROWS.map((r) => r.label.de)])].sort());
    expect(seen).toContain('Beschäftigt – Im Anruf');
    expect(seen).toContain('Nicht stören – Präsentiert');
    expect(seen).toContain('Beschäftigt – In einer Besprechung');

    const table = await page.locator('.vt-body').innerText();
    await scroller.evaluate((el) => { el.scrollTop = 0; });
    const top = await page.locator('.vt-body').innerText();
    for (const raw of ['InACall', 'InAMeeting', 'Presenting', 'DoNotDisturb', 'BeRightBack', 'PresenceUnknown', 'UrgentInterruptionsOnly']) {
      expect(table + top, `raw Graph value ${raw} on the board`).not.toContain(raw);
    }
    const call = page.getByRole('row', { name: /Zeile 3 busy-in-call/ });
    await call.getByText('Im Anruf', { exact: true }).waitFor();
    await call.getByText('Beschäftigt', { exact: true }).waitFor();
  });

  it('explains a "Beschäftigt" in Teams next to a "Verfügbar" row: the bridge\'s own session during a STARFACE call', async () => {
    const page = await suite.start({ users: 3 }, VIEWPORT);
    await page.getByText('Anna Müller 0', { exact: true }).waitFor(); // the event stream is up
    const base = suite.engine().users[0]!;
    suite.engine().emit({
      type: 'state.user',
      data: {
        ...base, row: 'available', error: null, manualOverride: false,
        teams: { availability: 'Busy', activity: 'InACall', outOfOffice: false },
        teamsSession: { availability: 'Busy', activity: 'InACall' },
        pbx: { dnd: false, chatText: 'Verfügbar', telephony: 'in-call' },
      },
    });
    const row = page.getByRole('row', { name: new RegExp(base.displayName!) });
    const note = row.getByText('von der Bridge gesetzt', { exact: true });
    await note.waitFor();
    expect(await note.getAttribute('title')).toContain('Die Statuszeile folgt dem eigenen Teams-Status des Benutzers');
    expect(await row.getByTestId('row-label').innerText()).toBe('Verfügbar');
    await row.getByText('Beschäftigt – Im Anruf', { exact: true }).waitFor(); // the session column, in Teams' words

    // Not shown when Teams shows the user's own state.
    const other = page.getByRole('row', { name: new RegExp(suite.engine().users[1]!.displayName!) });
    await other.waitFor();
    expect(await other.getByText('von der Bridge gesetzt').count()).toBe(0);
    await screenshot(page, 'board-own-session-de');
  });
});
