// Reading Graph's answers ourselves instead of trusting the Content-Type: setPresence and clearPresence answer
// "200 OK" with no body, sometimes still labelled application/json, and a proxy may put an HTML page behind
// any status. Reads need a JSON body; writes succeed on any 2xx whose body is empty or JSON.
import { GraphAnswerError, GraphRequestError } from './errors.js';

/** What came back: status, the headers we use, the body as text. */
export interface RawAnswer {
  status: number;
  text: string;
  contentType: string | null;
  requestId: string | undefined;
}

/** The JSON body of a successful read; GraphAnswerError when it is empty or not JSON. */
export function readJsonAnswer(answer: RawAnswer, endpoint: string): unknown {
  const text = answer.text.trim();
  if (text === '') throw new GraphAnswerError(endpoint, `HTTP ${answer.status} with an empty body`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GraphAnswerError(endpoint, `HTTP ${answer.status} with a body that is not JSON (${answer.contentType ?? 'no content type'})`);
  }
}

/** A successful write: an empty body or JSON. 'unreadable' = 2xx with something else (the write may have worked). */
export function writeOutcome(answer: RawAnswer): 'done' | 'unreadable' {
  const text = answer.text.trim();
  if (text === '') return 'done';
  try {
    JSON.parse(text);
    return 'done';
  } catch {
    return 'unreadable';
  }
}

/** Graph's error body {"error":{"code","message"}}, read liberally: any other body still gives a readable error. */
export function errorFromAnswer(answer: RawAnswer, endpoint: string, retryAfterMs: number | undefined): GraphRequestError {
  let code = 'Error';
  let message = '';
  try {
    const body = JSON.parse(answer.text) as unknown;
    const err = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).error : undefined;
    if (typeof err === 'object' && err !== null) {
      const e = err as Record<string, unknown>;
      if (typeof e.code === 'string' && e.code) code = e.code.slice(0, 100);
      if (typeof e.message === 'string') message = e.message;
    } else if (typeof err === 'string') {
      code = err.slice(0, 100);
    }
  } catch {
    // not JSON: an HTML page of a proxy or gateway, or nothing
  }
  if (!message) {
    message = answer.text.trim() === ''
      ? 'no details'
      : `an answer that is not a Graph error (${answer.contentType?.split(';')[0] ?? 'no content type'})`;
  }
  return new GraphRequestError(answer.status, code, message.slice(0, 500), endpoint, answer.requestId, retryAfterMs);
}
