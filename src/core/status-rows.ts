// The status table from ../shared/design/status-rows.md: one row per Teams status, each with a default rule for
// STARFACE. Row ids are stable: they are the keys of `settings.rules`, so never rename one (add a migration).
// Labels are the words the Teams client shows (teams-names.ts, docs/glossary.md), not the older module's wording.

import { OUT_OF_OFFICE_NAME, activityName, availabilityName } from './teams-names.js';

export type Language = 'de' | 'en';
export const LANGUAGES: readonly Language[] = ['de', 'en'];

/** What a rule does with the STARFACE Do-Not-Disturb flag. */
export type DndAction = 'on' | 'off' | 'unchanged';
export const DND_ACTIONS: readonly DndAction[] = ['on', 'off', 'unchanged'];

/** STARFACE UCI `ChatPresence` enum constants (reference §3.7). Setting one needs PBX support (capability). */
export const CHAT_PRESENCES = ['AVAILABLE', 'AWAY', 'DO_NOT_DISTURB', 'EXTENDED_AWAY', 'FREE_FOR_CHAT', 'UNAVAILABLE'] as const;
export type ChatPresence = (typeof CHAT_PRESENCES)[number];

/** Longest chat text we write. STARFACE's limit is undocumented; the UCC client shows one short line. */
export const MAX_CHAT_TEXT_LENGTH = 200;

/** The rule of one row: what to do on STARFACE while a user's Teams presence is in that row. */
export interface Rule {
  dnd: DndAction;
  /** Chat status text; '' = leave the text alone. */
  chatText: string;
  /** Chat presence to set; undefined = leave it alone (and nothing is set where the PBX cannot). */
  chatPresence?: ChatPresence;
  /** Show the user as "in a call" on STARFACE (only where the PBX can set the telephony state). */
  showAsInCall: boolean;
}

/**
 * How a row matches a Teams presence. Values are compared case-insensitively.
 * - exact: availability in the list and activity in the list (most specific)
 * - oof:   availability in the list and out of office (activity `OutOfOffice` or the OOF flag)
 * - any:   availability in the list, any activity
 * Rows listing `AvailableIdle` / `BusyIdle` treat those idle variants like their base availability.
 */
export type RowMatch =
  | { kind: 'exact'; availability: readonly string[]; activity: readonly string[] }
  | { kind: 'oof'; availability: readonly string[] }
  | { kind: 'any'; availability: readonly string[] };

export interface StatusRow {
  id: string;
  label: Record<Language, string>;
  match: RowMatch;
  /** Default rule with the German chat text (most STARFACE installations run in German). */
  defaultRule: Rule;
  /** Default chat text per language; `defaultRule.chatText` is the German one. */
  defaultChatText: Record<Language, string>;
  /** True for rows the established module lacks (shown as "new" in the UI). */
  isNew: boolean;
  /** False for rows an admin added (settings.customRows). */
  builtIn: boolean;
}

export const BUILT_IN_ROW_IDS = [
  'available',
  'available-oof',
  'busy',
  'busy-in-call',
  'busy-in-conference-call',
  'busy-in-meeting',
  'busy-oof',
  'dnd',
  'dnd-presenting',
  'dnd-urgent-only',
  'away',
  'away-oof',
  'be-right-back',
  'offline',
  'offline-oof',
  'offline-unknown',
  'unknown',
] as const;
export type BuiltInRowId = (typeof BUILT_IN_ROW_IDS)[number];

/** The row everything unmatched falls into. */
export const UNKNOWN_ROW_ID: BuiltInRowId = 'unknown';

const AVAILABLE = ['Available', 'AvailableIdle'] as const;
const BUSY = ['Busy', 'BusyIdle'] as const;

interface RowSpec {
  id: BuiltInRowId;
  match: RowMatch;
  dnd: DndAction;
  textDe: string;
  textEn: string;
  showAsInCall?: boolean;
  isNew?: boolean;
}

// Exactly the table of status-rows.md, in its order (the UI shows rows in this order).
const SPECS: readonly RowSpec[] = [
  { id: 'available', match: { kind: 'any', availability: AVAILABLE }, dnd: 'off',
    textDe: 'Verfügbar', textEn: 'Available' },
  { id: 'available-oof', match: { kind: 'oof', availability: AVAILABLE },
    dnd: 'off', textDe: 'Verfügbar – Außer Haus', textEn: 'Available – out of office' },
  { id: 'busy', match: { kind: 'any', availability: BUSY }, dnd: 'unchanged',
    textDe: 'Beschäftigt', textEn: 'Busy' },
  { id: 'busy-in-call', match: { kind: 'exact', availability: BUSY, activity: ['InACall'] },
    dnd: 'on', textDe: 'Im Anruf (MS Teams)', textEn: 'In a call (MS Teams)', showAsInCall: true },
  { id: 'busy-in-conference-call', match: { kind: 'exact', availability: BUSY, activity: ['InAConferenceCall'] }, dnd: 'on',
    textDe: 'In einer Telefonkonferenz (MS Teams)', textEn: 'In a conference call (MS Teams)', showAsInCall: true, isNew: true },
  { id: 'busy-in-meeting', match: { kind: 'exact', availability: BUSY, activity: ['InAMeeting'] },
    dnd: 'on', textDe: 'Beschäftigt – In einer Besprechung', textEn: 'Busy – in a meeting' },
  { id: 'busy-oof', match: { kind: 'oof', availability: BUSY }, dnd: 'on',
    textDe: 'Beschäftigt – Außer Haus', textEn: 'Busy – out of office' },
  { id: 'dnd', match: { kind: 'any', availability: ['DoNotDisturb'] }, dnd: 'on',
    textDe: 'Nicht stören', textEn: 'Do not disturb' },
  { id: 'dnd-presenting', match: { kind: 'exact', availability: ['DoNotDisturb'], activity: ['Presenting'] }, dnd: 'on',
    textDe: 'Nicht stören – Präsentiert', textEn: 'Do not disturb – presenting', showAsInCall: true },
  { id: 'dnd-urgent-only', match: { kind: 'exact', availability: ['DoNotDisturb'], activity: ['UrgentInterruptionsOnly'] }, dnd: 'on',
    textDe: 'Nur dringende Unterbrechungen', textEn: 'Urgent interruptions only', isNew: true },
  { id: 'away', match: { kind: 'any', availability: ['Away'] }, dnd: 'off', textDe: 'Abwesend', textEn: 'Away' },
  { id: 'away-oof', match: { kind: 'oof', availability: ['Away'] }, dnd: 'off',
    textDe: 'Abwesend – Außer Haus', textEn: 'Away – out of office' },
  { id: 'be-right-back', match: { kind: 'any', availability: ['BeRightBack'] }, dnd: 'off',
    textDe: 'Bin gleich zurück', textEn: 'Be right back' },
  { id: 'offline', match: { kind: 'any', availability: ['Offline'] }, dnd: 'off', textDe: 'Offline', textEn: 'Offline' },
  { id: 'offline-oof', match: { kind: 'oof', availability: ['Offline'] }, dnd: 'off',
    textDe: 'Offline – Außer Haus', textEn: 'Offline – out of office' },
  { id: 'offline-unknown', match: { kind: 'exact', availability: ['Offline'], activity: ['PresenceUnknown'] }, dnd: 'unchanged',
    textDe: 'Offline – Unbekannt', textEn: 'Offline – unknown' },
  { id: 'unknown', match: { kind: 'any', availability: ['PresenceUnknown'] }, dnd: 'unchanged',
    textDe: 'Unbekannt', textEn: 'Unknown' },
];

/** A row's label in Teams' own words: "Beschäftigt – Im Anruf", "Nicht stören – Präsentiert". */
function rowName(match: RowMatch, lang: Language): string {
  const base = availabilityName(match.availability[0]!, lang);
  const detail = match.kind === 'oof' ? OUT_OF_OFFICE_NAME[lang] : match.kind === 'exact' ? activityName(match.activity[0]!, lang) : '';
  if (detail === '') return base;
  return `${base} – ${lang === 'en' ? detail.charAt(0).toLowerCase() + detail.slice(1) : detail}`;
}

function freezeRow(row: StatusRow): StatusRow {
  Object.freeze(row.label);
  Object.freeze(row.defaultRule);
  Object.freeze(row.defaultChatText);
  Object.freeze(row.match);
  return Object.freeze(row);
}

/** The built-in rows, in display order. */
export const STATUS_ROWS: readonly StatusRow[] = Object.freeze(
  SPECS.map((s) =>
    freezeRow({
      id: s.id,
      label: { en: rowName(s.match, 'en'), de: rowName(s.match, 'de') },
      match: s.match,
      defaultRule: { dnd: s.dnd, chatText: s.textDe, showAsInCall: s.showAsInCall ?? false },
      defaultChatText: { de: s.textDe, en: s.textEn },
      isNew: s.isNew ?? false,
      builtIn: true,
    }),
  ),
);

export function isBuiltInRowId(id: string): id is BuiltInRowId {
  return (BUILT_IN_ROW_IDS as readonly string[]).includes(id);
}

export function builtInRow(id: BuiltInRowId): StatusRow {
  const row = STATUS_ROWS.find((r) => r.id === id);
  if (!row) throw new Error(`Status row '${id}' is missing from STATUS_ROWS; the table and BUILT_IN_ROW_IDS disagree.`);
  return row;
}

/** Default rule of a built-in row, with the chat text in the given language (German by default). */
export function defaultRuleFor(id: BuiltInRowId, language: Language = 'de'): Rule {
  const row = builtInRow(id);
  return { ...row.defaultRule, chatText: row.defaultChatText[language] };
}

/** Default rules of every built-in row (a fresh object each call, safe to mutate). */
export function defaultRules(language: Language = 'de'): Record<BuiltInRowId, Rule> {
  const out = {} as Record<BuiltInRowId, Rule>;
  for (const id of BUILT_IN_ROW_IDS) out[id] = defaultRuleFor(id, language);
  return out;
}

/** An admin-added row as stored in settings.customRows (structural, so this module does not import settings). */
export interface CustomRowInput {
  id: string;
  label: string;
  availability: string;
  /** '*' = any activity; 'OutOfOffice' = out of office (activity OutOfOffice or the OOF flag); else exact. */
  activity: string;
  rule: Rule;
}

/** Turns a custom row into a status row; its label is shown in both languages and its rule is its default. */
export function customRowToStatusRow(row: CustomRowInput): StatusRow {
  const activity = row.activity.trim();
  const match: RowMatch =
    activity === '*'
      ? { kind: 'any', availability: [row.availability] }
      : activity.toLowerCase() === 'outofoffice'
        ? { kind: 'oof', availability: [row.availability] }
        : { kind: 'exact', availability: [row.availability], activity: [activity] };
  return freezeRow({
    id: row.id,
    label: { en: row.label, de: row.label },
    match,
    defaultRule: { ...row.rule },
    defaultChatText: { de: row.rule.chatText, en: row.rule.chatText },
    isNew: false,
    builtIn: false,
  });
}
