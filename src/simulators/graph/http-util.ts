// Small HTTP helpers for the simulator: bounded body reading, JSON and Graph-shaped error responses.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

export const MAX_BODY_BYTES = 1_048_576;

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, 'RequestEntityTooLarge', `The request body is larger than ${limit} bytes.`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { if (!failed) resolve(Buffer.concat(chunks)); });
    req.on('error', (e) => { if (!failed) { failed = true; reject(e); } });
  });
}

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'BadRequest', 'The request body is not valid JSON.');
  }
}

export function parseFormBody(req: IncomingMessage, body: Buffer): URLSearchParams {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new HttpError(400, 'invalid_request', 'AADSTS900144: The request body must be application/x-www-form-urlencoded.');
  }
  return new URLSearchParams(body.toString('utf8'));
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const body = value === undefined ? '' : JSON.stringify(value);
  res.writeHead(status, {
    ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(html)), ...headers });
  res.end(html);
}

/** Graph's error body: {"error":{"code","message","innerError":{date, request-id, client-request-id}}}. */
export function graphError(code: string, message: string, requestId: string, clientRequestId?: string): unknown {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}

/** Entra's token-endpoint error body. */
export function oauthError(error: string, description: string, codes: number[] = [], extra: Record<string, unknown> = {}): unknown {
  const traceId = randomUUID();
  return {
    error,
    error_description: `${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`,
    error_codes: codes,
    timestamp: new Date().toISOString(),
    trace_id: traceId,
    correlation_id: randomUUID(),
    ...extra,
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
