// `presence-bridge check --config <settings.json>`: tests both connections, the permissions (admin consent
// included), the roster and its conflicts, and prints what to fix. Exit code 0 only when nothing is wrong.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CheckReport, Roster } from '../control/contract.js';
import { createLogger } from '../platform/logger.js';
import { createEngineService, type EngineService } from '../control/service.js';

const USAGE = `Usage: presence-bridge check --config <settings.json> [--vault <vault.json>] [--allow-conflicts] [--json]

  --allow-conflicts  users that cannot be synced (shared e-mail, no Microsoft account, …) do not fail the check
  --json             print the reports as JSON instead of text

Exit code: 0 = everything works; 1 = something needs fixing (see the "Fix:" lines); 2 = wrong arguments.`;

const REASON_TEXT: Record<string, string> = {
  'duplicate-email': 'shared e-mail address',
  'no-microsoft-account': 'no Microsoft account',
  'no-email': 'no e-mail address',
  'no-uci-password': 'no UCI password stored',
};

export function formatReport(report: CheckReport): string {
  const title = report.target === 'microsoft' ? 'Microsoft 365 (Teams presence)' : 'STARFACE';
  const lines = [`${title}: ${report.ok ? 'OK' : 'PROBLEMS'}`];
  for (const c of report.checks) {
    lines.push(`  ${c.ok ? '✓' : '✗'} ${c.label}: ${c.message}`);
    if (!c.ok && c.fix) lines.push(`      Fix: ${c.fix}`);
  }
  return lines.join('\n');
}

export function formatRoster(roster: Roster, problems: string[]): string {
  const lines = [`Users: ${roster.counts.matched} will be synced, ${roster.counts.conflicts} cannot be synced`];
  for (const p of problems) lines.push(`  ✗ ${p}`);
  for (const u of roster.users.filter((x) => x.status === 'conflict')) {
    const who = `${u.login}${u.displayName ? ` (${u.displayName})` : ''}${u.email ? ` <${u.email}>` : ''}`;
    lines.push(`  ✗ ${who}: ${REASON_TEXT[u.reason ?? ''] ?? u.reason ?? 'conflict'}`);
    if (u.detail) lines.push(`      Fix: ${u.detail}`);
  }
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  let values: { config?: string; vault?: string; 'allow-conflicts'?: boolean; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, vault: { type: 'string' }, 'allow-conflicts': { type: 'boolean' }, json: { type: 'boolean' } },
    }));
    if (!values.config) throw new Error('--config <settings.json> is required.');
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }

  // The check must not disturb a running bridge: its own log stays in memory, nothing is started.
  const logger = createLogger({ level: 'warn' });
  let service: EngineService;
  try {
    service = await createEngineService({
      settingsFile: path.resolve(values.config),
      ...(values.vault ? { vaultFile: path.resolve(values.vault) } : {}),
      logger,
      tuning: { withoutCallbacks: true },
    });
  } catch (err) {
    console.error(`✗ ${(err as Error).message}`);
    return 1;
  }
  try {
    const host = service.host;
    const settingsProblems = host.getSettings().problems;
    const microsoft = await host.testConnection('microsoft');
    const starface = await host.testConnection('starface');
    let roster: Roster | undefined;
    let rosterError: string | undefined;
    // The roster needs only both directories; it is worth showing even while e.g. a permission is missing.
    const passed = (r: CheckReport, id: string): boolean => r.checks.some((c) => c.id === id && c.ok);
    if (passed(microsoft, 'directory') && passed(starface, 'users')) {
      try {
        roster = await host.roster();
      } catch (err) {
        rosterError = (err as Error).message;
      }
    }
    const rosterProblems = host.syncEngine?.rosterIssues() ?? [];
    const conflicts = roster?.counts.conflicts ?? 0;
    const ok = microsoft.ok && starface.ok && !rosterError && rosterProblems.length === 0
      && (conflicts === 0 || values['allow-conflicts'] === true) && (roster?.counts.matched ?? 0) > 0;

    if (values.json) {
      console.log(JSON.stringify({ ok, settingsProblems, microsoft, starface, roster, rosterProblems, rosterError }, null, 2));
    } else {
      for (const p of settingsProblems) console.log(`Note: ${p}`);
      console.log(formatReport(microsoft));
      console.log('');
      console.log(formatReport(starface));
      console.log('');
      if (roster) console.log(formatRoster(roster, rosterProblems));
      else if (rosterError) console.log(`Users: could not be evaluated: ${rosterError}`);
      else console.log('Users: not evaluated (fix the connection problems above first).');
      if (roster && roster.counts.matched === 0) console.log('  ✗ Nobody would be synced.\n      Fix: check the user selection and the e-mail addresses on both sides.');
      console.log('');
      console.log(ok ? 'Everything is ready: start the bridge with "presence-bridge run --config …".' : 'Something needs fixing: see the "Fix:" lines above.');
    }
    return ok ? 0 : 1;
  } finally {
    await service.close({ restore: false }).catch(() => undefined);
    await logger.close();
  }
}
