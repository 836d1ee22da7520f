// The rules page in German at 1366×860 (issue 15 item 6): compact like the commercial module's one table, what
// this PBX cannot do hidden behind "Erweitert" with the reason (never shown ticked and disabled), and a
// character counter on the chat texts.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MAX_CHAT_TEXT_LENGTH, STATUS_ROWS } from '../../src/core/status-rows.js';
import { HAVE_CHROMIUM, rendererSuite, screenshot } from './renderer-harness.js';

const VIEWPORT = { width: 1366, height: 860 };

async function openRules(page: Page): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name: 'Statusregeln' }).click();
  await page.getByRole('heading', { level: 1, name: 'Statusregeln' }).waitFor();
}

describe.skipIf(!HAVE_CHROMIUM)('rules page in German at 1366×860 (Chromium, real headless host)', () => {
  const suite = rendererSuite();

  it('shows all 17 status rows without scrolling, each label in full', async () => {
    const page = await suite.start({}, VIEWPORT);
    await openRules(page);
    const rows = page.locator('.rules-table tbody tr');
    expect(await rows.count()).toBe(STATUS_ROWS.length);
    const boxes = await rows.evaluateAll((trs) => trs.map((tr) => {
      const label = tr.querySelector('.rule-label')!;
      return { bottom: tr.getBoundingClientRect().bottom, text: label.firstChild?.textContent ?? '', clipped: label.scrollWidth > label.clientWidth + 1 };
    }));
    await screenshot(page, 'rules-compact-1366-de');
    // Visible = above the save bar that stays at the bottom of the window.
    const fold = await page.locator('.savebar').evaluate((el) => el.getBoundingClientRect().top);
    expect(fold).toBeLessThanOrEqual(VIEWPORT.height);
    const below = boxes.filter((b) => b.bottom > fold).map((b) => b.text);
    expect(below, 'rows below the fold at 1366×860').toEqual([]);
    expect(boxes.filter((b) => b.clipped).map((b) => b.text)).toEqual([]);
    expect(boxes.map((b) => b.text)).toEqual(STATUS_ROWS.map((r) => r.label.de));
  });

  it('hides the columns this PBX cannot serve behind "Erweitert", with the reason, never ticked', async () => {
    // The stand-in's PBX can set DND and the chat text, not the chat presence nor "Im Gespräch".
    const page = await suite.start({}, VIEWPORT);
    await openRules(page);
    const headers = async () => page.locator('.rules-table thead th').allInnerTexts();
    expect(await headers()).toEqual(['Teams-Status', 'Nicht stören', 'Chat-Statustext']);
    await page.getByText('Ausgeblendet, weil diese STARFACE es nicht kann: Chat-Präsenz, „Im Gespräch“ zeigen.').waitFor();
    expect(await page.getByLabel('„Im Gespräch“ zeigen für Beschäftigt – Im Anruf', { exact: true }).count()).toBe(0);

    const toggle = page.getByRole('button', { name: /^Erweitert: 2 Spalten anzeigen/ });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    expect(await headers()).toEqual(['Teams-Status', 'Nicht stören', 'Chat-Statustext', 'Chat-Präsenz', '„Im Gespräch“ zeigen']);
    // The default rule says "show as in call" for this row; the PBX cannot, so the box is neither ticked nor usable.
    expect(suite.engine().settings().rules['busy-in-call'].showAsInCall).toBe(true);
    const inCall = page.getByLabel('„Im Gespräch“ zeigen für Beschäftigt – Im Anruf', { exact: true });
    expect(await inCall.isDisabled()).toBe(true);
    expect(await inCall.isChecked()).toBe(false);
    const reason = page.locator(`#${await inCall.getAttribute('aria-describedby')}`);
    expect(await reason.innerText()).toContain('Die STARFACE leitet den Telefoniestatus („Im Gespräch“) aus echten Gesprächen ab');
    const presence = page.getByLabel('Chat-Präsenz für Verfügbar', { exact: true });
    expect(await presence.isDisabled()).toBe(true);
    expect(await presence.inputValue()).toBe('unchanged');
    const telephony = page.getByLabel('Telefoniestatus („Im Gespräch“) auf STARFACE setzen');
    expect(await telephony.isDisabled()).toBe(true);
    expect(await telephony.isChecked()).toBe(false); // stored as on (the default), shown as what happens: nothing
    await screenshot(page, 'rules-advanced-de');
    await page.getByRole('button', { name: 'Erweitert ausblenden' }).click();
    expect(await headers()).toHaveLength(3);
    // Nothing was edited by showing or hiding.
    expect(await page.getByRole('button', { name: 'Speichern', exact: true }).isDisabled()).toBe(true);
  });

  it('shows all columns where the PBX can do everything, and no "Erweitert"', async () => {
    const page = await suite.start({ capabilities: { canSetChatPresence: true, canSetTelephonyState: true, reasons: {} } }, VIEWPORT);
    await openRules(page);
    await expect.poll(() => page.locator('.rules-table thead th').count()).toBe(5);
    expect(await page.getByRole('button', { name: /^Erweitert/ }).count()).toBe(0);
    expect(await page.getByLabel('„Im Gespräch“ zeigen für Beschäftigt – Im Anruf', { exact: true }).isChecked()).toBe(true);
  });

  it('counts the characters of a chat text and marks a text that is too long', async () => {
    const page = await suite.start({}, VIEWPORT);
    await openRules(page);
    const input = page.getByLabel('Chat-Statustext für Beschäftigt', { exact: true });
    const counter = page.locator('.rules-table tbody tr').filter({ has: input }).locator('.char-count');
    expect(await counter.innerText()).toBe(`${'Beschäftigt'.length}/${MAX_CHAT_TEXT_LENGTH}`);
    await input.fill('Bitte nur dringend');
    expect(await counter.innerText()).toBe(`18/${MAX_CHAT_TEXT_LENGTH}`);
    expect(await counter.getAttribute('class')).not.toContain('char-count-over');
    await input.fill('x'.repeat(MAX_CHAT_TEXT_LENGTH + 5));
    expect(await counter.innerText()).toBe(`${MAX_CHAT_TEXT_LENGTH + 5}/${MAX_CHAT_TEXT_LENGTH}`);
    expect(await counter.getAttribute('class')).toContain('char-count-over');
  });
});
