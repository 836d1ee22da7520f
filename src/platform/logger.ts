// Structured logging: JSON lines in a size-rotated file, an in-memory ring the UI streams live, optional
// console output. Every entry passes through redact() first, so no sink ever sees a secret.
import fs from 'node:fs';
import path from 'node:path';
import { LogLevelSchema, type LogEntry, type LogLevel } from '../core/log-entry.js';
import { RepeatLimiter, type RepeatLimitOptions } from './log-repeats.js';

export type { LogEntry, LogLevel };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: { component?: string; user?: string } & Record<string, unknown>): Logger;
}

export interface RootLogger extends Logger {
  readonly ring: LogRing;
  readonly level: LogLevel;
  setLevel(l: LogLevel): void;
  close(): Promise<void>;
}

export interface LoggerOptions {
  level?: LogLevel;          // default 'info'
  file?: string;             // JSON-lines file; rotated as file.1 … file.(maxFiles-1)
  maxFileBytes?: number;     // default 5 MiB
  maxFiles?: number;         // files kept in total, including the active one; default 5
  ringSize?: number;         // entries kept in memory for the UI; default 2000
  console?: boolean;         // also print human-readable lines to stderr
  /** Identical lines written in full per window before they are only counted (see log-repeats.ts). */
  repeats?: RepeatLimitOptions;
}

export const LOG_LEVELS: readonly LogLevel[] = LogLevelSchema.options;
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function isLogLevel(v: unknown): v is LogLevel {
  return typeof v === 'string' && (LOG_LEVELS as readonly string[]).includes(v);
}

// ---------------------------------------------------------------------------------------------------------
// LogRing: the live log buffer

export interface LogFilter {
  level?: LogLevel;    // minimum level
  user?: string;
  component?: string;
  sinceSeq?: number;   // only entries with seq > sinceSeq
  limit?: number;      // only the newest N that match
}

export class LogRing {
  private readonly buf: (LogEntry | undefined)[];
  private next = 0;
  private count = 0;
  private readonly listeners = new Set<(e: LogEntry) => void>();

  constructor(readonly size = 2000) {
    if (!(size >= 1)) throw new Error('LogRing size must be at least 1.');
    this.buf = new Array<LogEntry | undefined>(size);
  }

  push(e: LogEntry): void {
    this.buf[this.next] = e;
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count++;
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch {
        // A broken subscriber (e.g. a closed SSE stream) must never break logging for everyone else.
      }
    }
  }

  /** Oldest first. */
  entries(filter?: LogFilter): LogEntry[] {
    const out: LogEntry[] = [];
    const start = (this.next - this.count + this.size) % this.size;
    for (let i = 0; i < this.count; i++) {
      const e = this.buf[(start + i) % this.size];
      if (e && matches(e, filter)) out.push(e);
    }
    return filter?.limit !== undefined ? out.slice(Math.max(0, out.length - filter.limit)) : out;
  }

  /** Calls fn for every new entry; returns the unsubscribe function. */
  subscribe(fn: (e: LogEntry) => void): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  clear(): void {
    this.buf.fill(undefined);
    this.count = 0;
    this.next = 0;
  }
}

function matches(e: LogEntry, f?: LogFilter): boolean {
  if (!f) return true;
  if (f.level && RANK[e.level] < RANK[f.level]) return false;
  if (f.user !== undefined && e.user !== f.user) return false;
  if (f.component !== undefined && e.component !== f.component) return false;
  if (f.sinceSeq !== undefined && e.seq <= f.sinceSeq) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// File sink with size-based rotation

class RotatingFile {
  private fd: number | undefined;
  private size = 0;
  private failed = false;

  constructor(private readonly file: string, private readonly maxBytes: number, private readonly maxFiles: number) {
    this.open();
  }

  private open(): void {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = fs.openSync(this.file, 'a', 0o600);
      this.size = fs.fstatSync(this.fd).size;
      this.failed = false;
    } catch (err) {
      this.report(err);
    }
  }

  write(line: string): void {
    const data = Buffer.from(line, 'utf8');
    if (this.size > 0 && this.size + data.length > this.maxBytes) this.rotate();
    if (this.fd === undefined) this.open();
    if (this.fd === undefined) return;
    try {
      fs.writeSync(this.fd, data);
      this.size += data.length;
    } catch (err) {
      this.report(err);
    }
  }

  private rotate(): void {
    this.closeFd();
    try {
      if (this.maxFiles <= 1) {
        fs.rmSync(this.file, { force: true });
      } else {
        fs.rmSync(`${this.file}.${this.maxFiles - 1}`, { force: true });
        for (let i = this.maxFiles - 2; i >= 1; i--) {
          if (fs.existsSync(`${this.file}.${i}`)) fs.renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
        }
        fs.renameSync(this.file, `${this.file}.1`);
      }
    } catch (err) {
      this.report(err);
    }
    this.open();
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed; nothing to keep
    }
    this.fd = undefined;
  }

  close(): void {
    this.closeFd();
  }

  private report(err: unknown): void {
    // Say it once: a full disk must not turn every log call into a second error line.
    if (this.failed) return;
    this.failed = true;
    process.stderr.write(`presence-bridge: cannot write log file ${this.file}: ${(err as Error).message} — check the folder's permissions and free space.\n`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Loggers

type Draft = Omit<LogEntry, 'seq'>;

interface Core {
  level: LogLevel;
  seq: number;
  ring: LogRing;
  file?: RotatingFile;
  console: boolean;
  closed: boolean;
  repeats: RepeatLimiter<Draft>;
}

/** Numbers the entry and hands it to every sink. */
function emit(core: Core, draft: Draft): void {
  const entry: LogEntry = { seq: ++core.seq, ...draft };
  core.ring.push(entry);
  if (core.file && !core.closed) core.file.write(`${JSON.stringify(entry)}\n`);
  if (core.console) process.stderr.write(formatConsole(entry));
}

type Bindings = { component?: string; user?: string } & Record<string, unknown>;

class BoundLogger implements Logger {
  constructor(protected readonly core: Core, private readonly bindings: Bindings) {}

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.log('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.log('error', msg, fields);
  }

  child(bindings: Bindings): Logger {
    return new BoundLogger(this.core, { ...this.bindings, ...bindings });
  }

  private log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    const core = this.core;
    if (RANK[level] < RANK[core.level]) return;
    try {
      // `user`/`component` may come as bindings or as plain fields: either way they are the entry's own
      // columns, so the UI's user filter finds every line about a user.
      const { component, user, code, params, ...extra } = { ...this.bindings, ...fields };
      const draft: Draft = { time: new Date().toISOString(), level, msg: redactString(String(msg)) };
      if (component !== undefined) draft.component = String(component);
      if (user !== undefined) draft.user = String(user);
      // An audit entry's code and parameters are columns of their own (the UI renders them in its language).
      if (typeof code === 'string' && params !== null && typeof params === 'object') {
        draft.code = code;
        draft.params = auditParams(params as Record<string, unknown>);
      } else {
        if (code !== undefined) extra['code'] = code;
        if (params !== undefined) extra['params'] = params;
      }
      if (Object.keys(extra).length > 0) draft.fields = redact(extra) as Record<string, unknown>;
      const key = JSON.stringify([draft.level, draft.component, draft.user, draft.msg, draft.fields, draft.code, draft.params]);
      if (core.repeats.admit(key, draft)) emit(core, draft);
    } catch (err) {
      // Logging must never throw into the caller.
      process.stderr.write(`presence-bridge: log failure: ${(err as Error).message}\n`);
    }
  }
}

class Root extends BoundLogger implements RootLogger {
  constructor(core: Core) {
    super(core, {});
  }
  get ring(): LogRing {
    return this.core.ring;
  }
  get level(): LogLevel {
    return this.core.level;
  }
  setLevel(l: LogLevel): void {
    if (!isLogLevel(l)) throw new Error(`Unknown log level "${String(l)}" — use one of ${LOG_LEVELS.join(', ')}.`);
    this.core.level = l;
  }
  async close(): Promise<void> {
    this.core.repeats.flush();
    this.core.closed = true;
    this.core.file?.close();
  }
}

export function createLogger(opts: LoggerOptions = {}): RootLogger {
  const level = opts.level ?? 'info';
  if (!isLogLevel(level)) throw new Error(`Unknown log level "${String(level)}" — use one of ${LOG_LEVELS.join(', ')}.`);
  const core: Core = {
    level,
    seq: 0,
    ring: new LogRing(opts.ringSize ?? 2000),
    console: opts.console ?? false,
    closed: false,
    repeats: new RepeatLimiter<Draft>(opts.repeats ?? {}, (sample, repeated) => {
      // The summary keeps the level, component, user and fields of the line it stands for.
      const msg = `${sample.msg} — repeated ${repeated.toLocaleString('en-US')} more times ${core.repeats.describeWindow()}`;
      emit(core, { ...sample, time: new Date().toISOString(), msg, fields: { ...sample.fields, repeated } });
    }),
  };
  if (opts.file) core.file = new RotatingFile(opts.file, opts.maxFileBytes ?? 5 * 1024 * 1024, Math.max(1, opts.maxFiles ?? 5));
  return new Root(core);
}

/** Audit parameters: scalars only, each redacted like any other field. */
function auditParams(p: Record<string, unknown>): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(redact(p) as Record<string, unknown>)) {
    out[k] = v === null || v === undefined ? null : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  }
  return out;
}

function formatConsole(e: LogEntry): string {
  const who = [e.component, e.user].filter(Boolean).join(' ');
  const fields = e.fields || e.params ? ` ${JSON.stringify({ ...e.fields, ...e.params })}` : '';
  return `${e.time} ${e.level.toUpperCase().padEnd(5)}${who ? ` [${who}]` : ''} ${e.msg}${fields}\n`;
}

const noop = (): void => {};
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};

// ---------------------------------------------------------------------------------------------------------
// Redaction

export const REDACTED = '[REDACTED]';
const MAX_STRING = 8_000;
const MAX_DEPTH = 8;

// Normalised key names (lower case, only a-z0-9) whose values are secret. A key matches if it equals or ends
// with one of these, so clientSecret, access_token, uciAuthToken, proxyAuthorization are all covered.
const SECRET_KEY_SUFFIXES = [
  'password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'authorization', 'cookie', 'codeverifier',
  'privatekey', 'certificatekey', 'apikey', 'clientassertion', 'sessionkey', 'datakey', 'deverticostarfaceauth',
];
const SECRET_KEY_EXACT = new Set(['auth', 'code', 'pin', 'otp', 'assertion', 'signature', 'sig', 'credentials']);

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (SECRET_KEY_SUFFIXES.some((s) => k.endsWith(s))) return true;
  // "code" alone may be an OAuth authorization code; error objects carry `code` too (see hidesSecret).
  return SECRET_KEY_EXACT.has(k);
}

// Query/form parameter names whose values are masked inside URLs and form-encoded text.
const SECRET_PARAMS = [
  'de\\.vertico\\.starface\\.auth', 'access_token', 'refresh_token', 'id_token', 'code', 'code_verifier',
  'client_secret', 'client_assertion', 'assertion', 'password', 'passwd', 'pwd', 'secret', 'token', 'authToken',
  'api_key', 'apikey', 'sig', 'signature', 'session_state', 'passphrase',
];
const PARAM_RE = new RegExp(`([?&;#]|^)(${SECRET_PARAMS.join('|')})=([^&#\\s"'<>]*)`, 'gi');
const STARFACE_AUTH_RE = /(de\.vertico\.starface\.auth\s*=\s*)([^;&\s"'<>]+)/gi;
const JWT_RE = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g;
const BEARER_RE = /\b(Bearer|Basic|Negotiate|NTLM)\s+[A-Za-z0-9._~+/=-]{3,}/gi;
const URL_USERINFO_RE = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*):[^\s/@]*@/gi;
const HEX_DIGEST_RE = /\b[0-9a-fA-F]{64,}\b/g;
const PRIVATE_KEY_RE = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;
// "password=xyz", "secret: xyz", "\"clientSecret\":\"xyz\"" inside free text or a logged body.
const KEY_VALUE_RE = /(["']?)([A-Za-z_.-]*(?:password|passwd|passphrase|secret|token|authorization|cookie|code_verifier|apikey|api_key)\1\s*[=:]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;&"'<>}]+)/gi;
// XML-RPC structs carry secrets as <member><name>password</name><value>…</value></member>.
const XML_MEMBER_RE = /(<name>\s*[A-Za-z_.-]*(?:password|passwd|secret|token|auth)\s*<\/name>\s*<value>)([\s\S]*?)(<\/value>)/gi;

/** Masks anything secret-looking inside a string. */
export function redactString(s: string): string {
  let out = s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}…(${s.length - MAX_STRING} more chars)` : s;
  out = out
    .replace(PRIVATE_KEY_RE, '[REDACTED PRIVATE KEY]')
    .replace(XML_MEMBER_RE, `$1${REDACTED}$3`)
    .replace(JWT_RE, '[REDACTED JWT]')
    .replace(BEARER_RE, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(URL_USERINFO_RE, `$1:${REDACTED}@`)
    .replace(STARFACE_AUTH_RE, `$1${REDACTED}`)
    .replace(PARAM_RE, (_m, sep: string, name: string) => `${sep}${name}=${REDACTED}`)
    .replace(KEY_VALUE_RE, (m, _q: string, head: string, value: string) =>
      // Already masked, or an auth scheme whose credential BEARER_RE has masked: keep as is.
      /^"?\[REDACTED/.test(value) || /^(Bearer|Basic|Negotiate|NTLM)$/i.test(value) ? m : `${head}${value.startsWith('"') ? `"${REDACTED}"` : REDACTED}`)
    .replace(HEX_DIGEST_RE, '[REDACTED HEX]');
  return out;
}

/** Returns a JSON-safe copy of value with every secret-looking value masked. */
export function redact(value: unknown): unknown {
  return redactValue(value, 0, new WeakSet());
}

function redactValue(v: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (v === null || v === undefined) return v;
  switch (typeof v) {
    case 'string':
      return redactString(v);
    case 'number':
    case 'boolean':
      return v;
    case 'bigint':
      return v.toString();
    case 'symbol':
      return v.toString();
    case 'function':
      return '[Function]';
  }
  const obj = v as object;
  if (seen.has(obj)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (obj instanceof URL) return redactString(obj.href);
  if (Buffer.isBuffer(obj) || obj instanceof Uint8Array) return `[${obj.byteLength} bytes]`;
  if (obj instanceof RegExp) return obj.toString();
  seen.add(obj);
  try {
    if (obj instanceof Error) return redactError(obj, depth, seen);
    if (Array.isArray(obj)) return obj.slice(0, 1000).map((x) => redactValue(x, depth + 1, seen));
    if (obj instanceof Map) return redactObject(Object.fromEntries([...obj.entries()].map(([k, x]) => [String(k), x])), depth, seen);
    if (obj instanceof Set) return [...obj].slice(0, 1000).map((x) => redactValue(x, depth + 1, seen));
    if (typeof Headers !== 'undefined' && obj instanceof Headers) {
      const rec: Record<string, string> = {};
      obj.forEach((val, key) => { rec[key] = val; });
      return redactObject(rec, depth, seen);
    }
    return redactObject(obj as Record<string, unknown>, depth, seen);
  } finally {
    seen.delete(obj);
  }
}

function redactObject(o: Record<string, unknown>, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(o)) {
    out[k] = isSecretKey(k) && hidesSecret(k, val) ? REDACTED : redactValue(val, depth + 1, seen);
  }
  return out;
}

/** Whether the value under a secret-looking key must be masked; booleans/numbers (hasPassword: true) stay. */
function hidesSecret(key: string, val: unknown): boolean {
  if (val === null || val === undefined || typeof val === 'boolean' || typeof val === 'number') return false;
  if (typeof val === 'string') {
    if (val === '') return false;
    // An Error's `code` (ECONNRESET, ERR_TLS_…, 'wrong-key') is short and diagnostic; OAuth codes are long.
    if (key === 'code' && val.length <= 48) return false;
  }
  return true;
}

function redactError(e: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: e.name, message: redactString(e.message) };
  for (const [k, val] of Object.entries(e)) {
    if (k === 'name' || k === 'message' || k === 'stack' || k === 'cause') continue;
    out[k] = isSecretKey(k) && hidesSecret(k, val) ? REDACTED : redactValue(val, depth + 1, seen);
  }
  if (e.stack) out.stack = redactString(e.stack);
  if (e.cause !== undefined) out.cause = redactValue(e.cause, depth + 1, seen);
  return out;
}
