// The fault suite's figures (docs/reliability.md, `npm run fault-figures`): every check of "users back to the
// value from before the bridge / following Teams" notes how many users it looked at and how many were wrong,
// and every world notes the Teams sessions still set when the test ends. Written as JSON lines to the file in
// FAULT_FIGURES_FILE (nothing is written without it).
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

export interface FaultFigure {
  file: string;
  test: string;
  checked?: number;
  wrong?: number;
  sessionsLeft?: number;
}

export function noteFigures(f: Omit<FaultFigure, 'file' | 'test'>): void {
  const out = process.env['FAULT_FIGURES_FILE'];
  if (!out) return;
  const state = expect.getState();
  const line: FaultFigure = { file: path.basename(state.testPath ?? ''), test: state.currentTestName ?? '', ...f };
  appendFileSync(out, `${JSON.stringify(line)}\n`);
}

/** Sessions any app holds in the Graph simulator (the bridge is the only app that sets them in these tests). */
export function sessionsIn(graph: { tenant: { users: { id: string }[] }; presenceOf(id: string): { sessions: unknown[] } }): number {
  let n = 0;
  for (const u of graph.tenant.users) {
    try {
      n += graph.presenceOf(u.id).sessions.length;
    } catch {
      // a user the simulator has no presence for
    }
  }
  return n;
}

/** One user's PBX values checked against what they must be (noted for the figures); returns the values. */
export function checkUser<T extends object>(actual: T, expected: Partial<T>): T {
  const wrong = Object.entries(expected).some(([k, v]) => (actual as Record<string, unknown>)[k] !== v);
  noteFigures({ checked: 1, wrong: wrong ? 1 : 0 });
  return actual;
}
