// One request in, one reply out: validate params, call the engine, validate the result, and turn any failure
// into a readable { ok: false, error } that never carries a secret. Both hosts (HTTP, Electron IPC) use this.
import type { z } from 'zod';
import {
  ControlError, ERROR_CODES, METHODS, isMethodName, isSensitiveMethod, toIssues,
  type ControlApi, type ControlReply, type Issue,
} from './contract.js';
import { scrubSecrets } from './scrub.js';
import { coded } from '../core/messages/log-line.js';

/** The part of the platform Logger that dispatch needs (src/platform/logger.ts satisfies it). */
export interface DispatchLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface DispatchOptions {
  logger?: DispatchLogger;
}

const MAX_ISSUES_IN_MESSAGE = 5;

export async function dispatch(api: ControlApi, request: unknown, opts: DispatchOptions = {}): Promise<ControlReply> {
  const log = opts.logger;
  if (typeof request !== 'object' || request === null || typeof (request as { method?: unknown }).method !== 'string') {
    return fail(ERROR_CODES.invalidRequest, 'A control request must be a JSON object like {"method": "settings.get", "params": {}}.');
  }
  const { method, params: rawParams } = request as { method: string; params?: unknown };
  if (!isMethodName(method)) {
    const shown = method.length > 80 ? `${method.slice(0, 80)}…` : method;
    return fail(ERROR_CODES.unknownMethod, `Unknown method "${shown}". The UI and the engine may be from different versions: restart Presence Bridge.`);
  }
  const sensitive = isSensitiveMethod(method);
  const secrets = sensitive ? secretValuesOf(rawParams) : [];
  const clean = (text: string): string => scrubSecrets(text, secrets);

  // Methods without parameters may be called with none at all.
  const spec = METHODS[method];
  const parsed = (spec.params as z.ZodType).safeParse(rawParams ?? {});
  if (!parsed.success) {
    const issues = toIssues(parsed.error).map((i) => cleanIssue(i, clean));
    log?.debug('control request rejected: invalid params', sensitive ? { method, issues } : { method, issues, params: rawParams });
    return fail(ERROR_CODES.invalidParams, `Invalid parameters for ${method}: ${summarize(issues)}`, issues);
  }

  const fn = api[method] as ((p: unknown) => Promise<unknown>) | undefined;
  if (typeof fn !== 'function') {
    // Optional methods (e.g. the setup assistant's) may be missing from an engine: say so plainly.
    log?.warn('control method not implemented by this engine', coded('log-control-not-implemented', { method }));
    return fail(ERROR_CODES.notImplemented, `This version of the engine does not offer ${method}; update Presence Bridge to use it.`);
  }

  const started = Date.now();
  let result: unknown;
  try {
    result = await fn.call(api, parsed.data);
  } catch (err) {
    const body = safeErrorBody(method, err, clean);
    log?.warn('control request failed', { errorCode: body.code, ms: Date.now() - started, ...coded('log-control-call-failed', { method, error: body.message }) });
    return { ok: false, error: body };
  }

  let checked: ReturnType<z.ZodType['safeParse']>;
  try {
    checked = (spec.result as z.ZodType).safeParse(result);
  } catch {
    // A result that throws when looked at (a getter, a proxy) is no result either.
    log?.error('engine returned a result that cannot be read', coded('log-control-result-unreadable', { method }));
    return fail(ERROR_CODES.invalidResult, `The engine returned an unreadable result for ${method}. This is a bug: please report it with the log.`);
  }
  if (!checked.success) {
    const issues = toIssues(checked.error);
    log?.error('engine returned a result that breaks the control contract', { issues, ...coded('log-control-result-invalid', { method }) });
    return fail(ERROR_CODES.invalidResult, `The engine returned an invalid result for ${method} (${summarize(issues)}). This is a bug: please report it with the log.`);
  }
  log?.debug('control request', { method, ms: Date.now() - started });
  return { ok: true, result: checked.data };
}

/** An issue with the request's secrets cut out of its path, message and text params. */
function cleanIssue(i: Issue, clean: (s: string) => string): Issue {
  const params = i.params ? Object.fromEntries(Object.entries(i.params).map(([k, v]) => [k, typeof v === 'string' ? clean(v) : v])) : undefined;
  return { path: clean(i.path), code: i.code, ...(params ? { params } : {}), message: clean(i.message) };
}

function fail(code: string, message: string, issues?: Issue[]): ControlReply {
  return { ok: false, error: issues ? { code, message, issues } : { code, message } };
}

function summarize(issues: Issue[]): string {
  const parts = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  const more = issues.length > MAX_ISSUES_IN_MESSAGE ? ` (and ${issues.length - MAX_ISSUES_IN_MESSAGE} more)` : '';
  return parts.join('; ') + more;
}

const CODE_PATTERN = /^[a-z][a-z0-9-]{0,40}$/;

/** errorBody for anything thrown: a value that throws when read (a getter, a proxy) becomes an internal error. */
function safeErrorBody(method: string, err: unknown, clean: (s: string) => string): { code: string; message: string; issues?: Issue[] } {
  try {
    return errorBody(method, err, clean);
  } catch {
    return { code: ERROR_CODES.internal, message: `${method} failed unexpectedly: see the log for details.` };
  }
}

function errorBody(method: string, err: unknown, clean: (s: string) => string): { code: string; message: string; issues?: Issue[] } {
  if (err instanceof ControlError) {
    const body: { code: string; message: string; issues?: Issue[] } = {
      code: CODE_PATTERN.test(err.code) ? err.code : ERROR_CODES.internal,
      message: clean(err.message) || `${method} failed.`,
    };
    if (err.issues) body.issues = err.issues.map((i) => cleanIssue(i, clean));
    return body;
  }
  // Other errors (e.g. TransportError with code 'timeout') keep a lower-case code when they have one.
  const rawCode = (err as { code?: unknown } | null)?.code;
  const code = typeof rawCode === 'string' && CODE_PATTERN.test(rawCode) ? rawCode : ERROR_CODES.internal;
  const rawMessage = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  const message = clean(rawMessage) || `${method} failed unexpectedly: see the log for details.`;
  return { code, message };
}

/**
 * The secret strings carried by a sensitive request, to cut out of any message. For CSV imports every field
 * after the login is a password; for secrets.set it is the value (and, for PEM keys, each long line of it).
 */
function secretValuesOf(params: unknown): string[] {
  if (typeof params !== 'object' || params === null) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (typeof value !== 'string' || key === 'name') continue;
    if (key === 'csv') {
      for (const line of value.split(/\r?\n/)) {
        const fields = line.split(/[;,]/).slice(1);
        for (const f of fields) out.push(f.trim(), f);
      }
      continue;
    }
    out.push(value, value.trim());
    for (const line of value.split(/\r?\n/)) if (line.trim().length >= 16) out.push(line.trim());
  }
  return out;
}
