// The code of an engine log line (issue 15 item 4): every info, warn and error line the admin reads on the Log page
// carries a code from the closed set and its params, so the page renders it in its own language; the English
// sentence stays the entry's `msg` for the log file and the console. A unit test (core-log-codes) checks that every
// such call site spreads one of these.
import type { Message, MessageCode } from '../errors.js';
import type { LogMessageCode, LogMessageParams } from './codes.js';

export type LogParam = string | number | boolean | null;
/** A type, not an interface: it spreads into and passes as a logger's fields (Record<string, unknown>). */
export type CodedLine = {
  code: MessageCode;
  params: Record<string, LogParam>;
};

/**
 * The code and params to spread into a log line's fields: log.warn('UCI login failed', { …fields, ...coded(
 * 'log-uci-login-failed', { error }) }). The params are exactly those the code's text uses (typed per code);
 * other fields stay fields.
 */
export function coded<C extends LogMessageCode>(
  code: C,
  ...params: keyof LogMessageParams<C> extends never ? [] : [LogMessageParams<C>]
): CodedLine {
  return { code, params: (params[0] ?? {}) as Record<string, LogParam> };
}

/** A coded message the engine has already (a roster problem, a settings issue) as a log line's code and params. */
export function codedMessage(msg: Message): CodedLine {
  return { code: msg.code, params: { ...msg.params } };
}
