// The log as CSV (issue 15 item 1: for a spreadsheet): one row per entry, the message in the page's language.
import type { LogEntry } from '../api/types.js';

const HEADER = ['time', 'level', 'component', 'user', 'email', 'code', 'message', 'details'];

/** One CSV cell: quoted, quotes doubled; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
function cell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** Parses the host's JSONL export; lines that are not entries are skipped. */
export function parseJsonl(text: string): LogEntry[] {
  const out: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const e = JSON.parse(line) as LogEntry;
      if (e && typeof e === 'object' && typeof e.msg === 'string') out.push(e);
    } catch {
      // a torn last line: skipped
    }
  }
  return out;
}

/** Semicolon-separated (what Excel opens in German and English locales), with a BOM so umlauts survive. */
export function logCsv(entries: readonly LogEntry[], message: (e: LogEntry) => string): string {
  const rows = entries.map((e) => {
    const details = { ...e.fields, ...e.params };
    return [
      e.time, e.level, e.component ?? '', e.user ?? '', String(e.params?.['email'] ?? ''), e.code ?? '', message(e),
      Object.keys(details).length > 0 ? JSON.stringify(details) : '',
    ].map(cell).join(';');
  });
  return `\uFEFF${[HEADER.map(cell).join(';'), ...rows].join('\r\n')}\r\n`;
}
