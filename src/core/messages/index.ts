// Renders a coded message in the admin's language, for the settings page and the CLI alike.
import type { Lang } from '../lang.js';
import { type Message, type MessageCode } from '../errors.js';
import { de } from './de.js';
import { en } from './en.js';
import { secretListText } from './secret-list.js';

export const MESSAGE_TABLES: Readonly<Record<Lang, Readonly<Record<MessageCode, string>>>> = { de, en };
export {
  CAPABILITY_REASON_CODES, MESSAGE_PARAMS, STATUS_REASON_CODES, type CapabilityReasonCode, type StatusReasonCode,
} from './codes.js';

/** The {names} a text refers to. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

export interface RenderOptions {
  /** Formats a param for the page (e.g. a settings path as its field label, a number in the page's notation). */
  param?: (name: string, value: string | number | boolean, msg: Message) => string;
}

/** The message's text in `lang`; an unknown code (a newer engine) falls back to the detail or the code itself. */
export function renderMessage(lang: Lang, msg: Message, opts: RenderOptions = {}): string {
  const text = MESSAGE_TABLES[lang][msg.code] as string | undefined;
  if (text === undefined) return msg.detail ?? msg.code;
  const params = msg.params ?? {};
  return text.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name];
    if (v === undefined) return '–';
    if (opts.param) return opts.param(name, v, msg);
    // A lost vault's list of secrets (secret-list.ts), each in this language.
    return name === 'secrets' && typeof v === 'string' ? secretListText(v, (m) => renderMessage(lang, m)) : String(v);
  });
}

/** Plain English for logs, the CLI's English and older UIs: the text, with the detail in brackets. */
export function messageText(msg: Message, lang: Lang = 'en'): string {
  const text = renderMessage(lang, msg);
  return msg.detail && msg.detail !== text ? `${text} (${msg.detail})` : text;
}

/**
 * Notes as codes with their plain text (`message`: logs, the CLI, older UIs). A note whose detail is the
 * counterpart's explanation (needs-sign-in, microsoft-token-refused) keeps that detail as its plain text.
 */
export function codedNotes(messages: Message[]): { message?: string; messageCodes?: Message[] } {
  if (messages.length === 0) return {};
  const own = (m: Message) => m.detail !== undefined && (m.code === 'needs-sign-in' || m.code === 'microsoft-token-refused');
  return { message: messages.map((m) => (own(m) ? m.detail! : renderMessage('en', m))).join(' '), messageCodes: messages };
}
