// docs/glossary.md is the one list of words: the German texts an admin reads use its terms and none of the variants
// it rules out, and the Teams names in code are the ones it lists.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STATUS_ROWS } from '../../src/core/status-rows.js';
import { TEAMS_ACTIVITY_NAMES, TEAMS_AVAILABILITY_NAMES, availabilityAndActivityName } from '../../src/core/teams-names.js';
import { de } from '../../renderer/src/i18n/de.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');
const glossary = read('docs/glossary.md');

function tableRows(heading: string): string[][] {
  const section = glossary.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) throw new Error(`docs/glossary.md has no section "${heading}"`);
  return section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('|---'))
    .slice(1).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
}

const forbidden = [...tableRows('Terms'), ...tableRows('Teams states')]
  .flatMap((r) => r[r.length - 1]!.split(',').map((w) => w.trim()).filter(Boolean));

// German texts an admin reads: the UI table, the German guide, the setup assistant's and CLI setup's German.
const SOURCES = ['renderer/src/i18n/de.ts', 'docs/admin-guide.de.md', 'src/setup/steps.ts', 'src/setup/users.ts',
  'src/setup/assistant.ts', 'src/setup/final-test.ts', 'src/setup/expiry.ts', 'src/commands/setup.ts',
  // The checks' German findings and fixes (check, setup and the Connections test).
  'src/sync/diagnose-starface.ts', 'src/sync/diagnose-microsoft.ts', 'src/sync/explain.ts'];

describe('glossary (docs/glossary.md)', () => {
  it('rules out the variants of Passwort, Synchronisierung, Chat-Statustext and Nicht stören', () => {
    expect(forbidden).toEqual(expect.arrayContaining(['Kennwort', 'Abgleich', 'Synchronisation', 'Chat-Status', 'Bitte nicht stören', 'Clientgeheimnis']));
  });

  it.each(SOURCES)('%s uses none of the ruled-out variants', (file) => {
    const text = read(file);
    const found = forbidden.filter((w) => new RegExp(`${w.replace(/[-]/g, '\\-')}(?![a-zäöüß])`, 'i').test(text));
    expect(found).toEqual([]);
  });

  it('the German UI says Passwort, Synchronisierung, Chat-Statustext and Nicht stören', () => {
    const values = Object.values(de).join('\n');
    for (const term of ['Passwort', 'Synchronisierung', 'Chat-Statustext', 'Nicht stören']) expect(values).toContain(term);
  });

  it('lists every Teams name the code uses, in both languages', () => {
    const rows = tableRows('Teams states');
    for (const [graph, names] of [...Object.entries(TEAMS_AVAILABILITY_NAMES), ...Object.entries(TEAMS_ACTIVITY_NAMES)]) {
      if (graph.endsWith('Idle') || ['Inactive', 'OffWork', 'Focusing'].includes(graph)) continue; // shown, not used by a row
      const row = rows.find((r) => r[0] === graph);
      if (!row) {
        // An activity named like its availability (Busy/Busy) is listed once.
        expect(rows.find((r) => r[1] === names.de), graph).toBeDefined();
        continue;
      }
      expect([row[1], row[2]], graph).toEqual([names.de, names.en]);
    }
  });

  it('status rows and the reverse direction use the Teams names', () => {
    const de = Object.fromEntries(STATUS_ROWS.map((r) => [r.id, r.label.de]));
    expect(de['busy-in-call']).toBe(availabilityAndActivityName('Busy', 'InACall', 'de'));
    expect(de['busy-in-call']).toBe('Beschäftigt – Im Anruf');
    expect(de['busy-in-meeting']).toBe('Beschäftigt – In einer Besprechung');
    expect(de['dnd']).toBe('Nicht stören');
    expect(de['dnd-presenting']).toBe('Nicht stören – Präsentiert');
    expect(de['dnd-presenting']).toBe(availabilityAndActivityName('DoNotDisturb', 'Presenting', 'de'));
  });
});
