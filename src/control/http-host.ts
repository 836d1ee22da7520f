// Headless host of the control contract: HTTP + Server-Sent Events on loopback only, for the browser page
// opened from the printed link. POST /api/<method> with JSON params, GET /api/events for the event stream,
// everything else is the built renderer. See http-guard.ts for why each check exists.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorText } from '../platform/error-text.js';
import {
  ERROR_CODES, HTTP_API_PREFIX, HTTP_EVENTS_PATH, TOKEN_HASH_PARAM, type ControlApi, type ControlReply,
} from './contract.js';
import { dispatch } from './dispatch.js';
import { checkHostAndOrigin, newToken, tokenMatches } from './http-guard.js';
import { createSseHub } from './sse-hub.js';
import { SECURITY_HEADERS, staticFiles } from './static-files.js';
import { coded } from '../core/messages/log-line.js';

/** The part of the platform Logger the host needs (src/platform/logger.ts satisfies it). */
export interface HostLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface HttpHostOptions {
  api: ControlApi;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback only: '127.0.0.1' (default) or '::1'. */
  host?: '127.0.0.1' | '::1';
  /** The built renderer (renderer/dist); when missing, the page says to run `npm run build`. */
  rendererDir?: string;
  logger?: HostLogger;
  /** Largest accepted request body; default 1 MiB. */
  maxBodyBytes?: number;
  /** SSE heartbeat interval; default 15 s. */
  heartbeatMs?: number;
  /** Reconnect delay the page is told to start its backoff with (SSE `retry:`); default 2 s. */
  sseRetryMs?: number;
  /** Bytes queued for one SSE client before it is dropped as too slow; default 1 MiB. */
  maxSseBufferBytes?: number;
  /** Concurrent SSE clients; default 16. */
  maxSseClients?: number;
  /** Print "Presence Bridge settings page: <pageUrl>" to stdout once listening. */
  print?: boolean;
}

export interface HttpHost {
  /** http://127.0.0.1:PORT/ */
  url: string;
  /** url + '#token=<token>': the link to open; the fragment never reaches servers or logs. */
  pageUrl: string;
  token: string;
  port: number;
  /** Event streams open right now (diagnostics and tests). */
  eventStreams(): number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };

export async function startHttpHost(opts: HttpHostOptions): Promise<HttpHost> {
  const bindHost = opts.host ?? '127.0.0.1';
  if (bindHost !== '127.0.0.1' && bindHost !== '::1') {
    throw new Error(`The settings host listens on loopback only (127.0.0.1 or ::1), not "${String(bindHost)}".`);
  }
  const log = opts.logger;
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const token = newToken();
  const files = staticFiles(opts.rendererDir);
  const hub = createSseHub({
    api: opts.api,
    heartbeatMs: opts.heartbeatMs ?? 15_000,
    maxBufferedBytes: opts.maxSseBufferBytes ?? 1024 * 1024,
    maxClients: opts.maxSseClients ?? 16,
    retryMs: opts.sseRetryMs ?? 2_000,
    ...(log ? { logger: log } : {}),
  });
  let port = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log?.error('settings host: request failed unexpectedly', coded('log-control-request-failed', { error: errorText(err) }));
      if (!res.headersSent) sendReply(res, 500, failure(ERROR_CODES.internal, 'The settings host hit an unexpected error: see the log.'));
      else res.destroy();
    });
  });
  // Slow or half-open clients must not pin the host; SSE responses are not affected (these cover requests).
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const denied = checkHostAndOrigin(req, port);
    if (denied) {
      sendReply(res, denied.status, failure(denied.code, denied.message));
      return;
    }
    const pathname = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
    const isApi = pathname === HTTP_API_PREFIX.slice(0, -1) || pathname.startsWith(HTTP_API_PREFIX);

    if (req.method === 'OPTIONS') {
      // No CORS, ever: a preflight means another origin is asking.
      sendReply(res, 405, failure('method-not-allowed', 'Cross-origin requests are not supported.'), { Allow: isApi ? 'POST' : 'GET, HEAD' });
      return;
    }
    if (!isApi) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendReply(res, 405, failure('method-not-allowed', 'Only GET is supported here.'), { Allow: 'GET, HEAD' });
        return;
      }
      await files.serve(req, res, pathname);
      return;
    }

    if (!tokenMatches(req.headers.authorization, token)) {
      sendReply(res, 401, failure('unauthorized',
        'Missing or wrong access token. Open the settings page through the link printed when Presence Bridge started (it ends in #token=…); the token changes at every start.'),
      { 'WWW-Authenticate': 'Bearer' });
      return;
    }

    if (pathname === HTTP_EVENTS_PATH) {
      if (req.method !== 'GET') {
        sendReply(res, 405, failure('method-not-allowed', 'Use GET for the event stream.'), { Allow: 'GET' });
        return;
      }
      if (!hub.add(res, SECURITY_HEADERS)) {
        sendReply(res, 503, failure('too-many-streams', 'Too many open settings pages: close some tabs and reload.'));
      }
      return;
    }

    if (req.method !== 'POST') {
      sendReply(res, 405, failure('method-not-allowed', `Use POST ${HTTP_API_PREFIX}<method> with JSON params.`), { Allow: 'POST' });
      return;
    }
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (!/^application\/json\s*(;|$)/.test(type)) {
      sendReply(res, 415, failure('unsupported-media-type', 'Send the parameters as JSON with Content-Type: application/json.'));
      return;
    }
    const body = await readBody(req, maxBody);
    if (body === 'too-large') {
      sendReply(res, 413, failure('too-large', `The request is larger than ${Math.round(maxBody / 1024)} KiB. For CSV imports, split the file.`), { Connection: 'close' });
      req.resume();
      return;
    }
    if (body === 'aborted') return;

    let params: unknown;
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(body);
      params = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      // The parser's message quotes the body, which may hold a secret: keep it out.
      sendReply(res, 400, failure('bad-json', 'The request body is not valid JSON: send the parameters as a JSON object, e.g. {}.'));
      return;
    }

    const method = pathname.slice(HTTP_API_PREFIX.length);
    const reply = await dispatch(opts.api, { method, params }, log ? { logger: log } : {});
    sendReply(res, statusFor(reply), reply);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  server.on('error', (err) => log?.error('settings host: server error', coded('log-control-server-error', { error: err.message })));

  const url = `http://${bindHost === '::1' ? '[::1]' : bindHost}:${port}/`;
  const pageUrl = `${url}#${TOKEN_HASH_PARAM}=${token}`;
  log?.info('settings host listening', coded('log-control-listening', { url }));
  if (opts.print) process.stdout.write(`${settingsPageLine(pageUrl)}\n`);

  let closing: Promise<void> | undefined;
  return {
    url, pageUrl, token, port,
    eventStreams: () => hub.clientCount(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        hub.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

export function settingsPageLine(pageUrl: string): string {
  return `Presence Bridge settings page: ${pageUrl}`;
}

function failure(code: string, message: string): ControlReply {
  return { ok: false, error: { code, message } };
}

/** HTTP status for a dispatch reply; the body is always the reply itself, so clients read one shape. */
function statusFor(reply: ControlReply): number {
  if (reply.ok) return 200;
  switch (reply.error.code) {
    case ERROR_CODES.invalidRequest:
    case ERROR_CODES.invalidParams:
      return 400;
    case ERROR_CODES.unknownMethod:
      return 404;
    case ERROR_CODES.notImplemented:
      return 501;
    case ERROR_CODES.internal:
    case ERROR_CODES.invalidResult:
      return 500;
    default:
      return 422; // the engine refused (not configured, PBX unreachable, …): a readable, expected outcome
  }
}

function sendReply(res: ServerResponse, status: number, reply: ControlReply, extra: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(reply));
  res.writeHead(status, { ...SECURITY_HEADERS, ...JSON_HEADERS, ...extra, 'Content-Length': String(body.length) });
  res.end(body);
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large' | 'aborted'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve('too-large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Buffer | 'too-large' | 'aborted') => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(v);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) finish('too-large');
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => finish(Buffer.concat(chunks)));
    req.on('error', () => finish('aborted'));
    req.on('close', () => finish(req.complete ? Buffer.concat(chunks) : 'aborted'));
  });
}
