// The notes settings.get shows next to the settings (its `problems`): what went wrong loading the settings file,
// the vault or the journal, and a settings file changed outside the app that cannot be used. Each note keeps its
// English text (the `problems` entry, the log's msg) and its code (`problemCodes`, the Log page), so the page
// shows it in the admin's language.
import type { Message } from '../core/errors.js';
import { renderMessage } from '../core/messages/index.js';
import { codedMessage } from '../core/messages/log-line.js';
import type { Logger } from '../platform/logger.js';

export interface Note {
  /** Plain English: the settings.get `problems` entry and the log line's msg. */
  text: string;
  code: Message;
}

/** A coded note with its English text. */
export function noteOf(code: Message): Note {
  return { text: renderMessage('en', code), code };
}

/** Logs the note: its English text as msg, its code and params for the Log page. */
export function logNote(log: Logger, level: 'warn' | 'error', note: Note): void {
  if (level === 'error') log.error(note.text, codedMessage(note.code));
  else log.warn(note.text, codedMessage(note.code));
}
