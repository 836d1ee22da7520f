// Strict XML-RPC writer (reference §2, §3.5): UTF-8, no DOCTYPE, only characters XML 1.0 can carry. A value
// that cannot be written faithfully (a control character, an unpaired surrogate, NaN, null, a cycle) is a
// programming error of that one request: EncodingError, thrown before anything is sent.
import { BridgeError } from '../../core/errors.js';
import type { XmlRpcFault, XmlRpcInput } from './values.js';

/** A value the codec refuses to write; `path` says where (e.g. `params[0].text`), never the value itself. */
export class EncodingError extends BridgeError {
  override readonly name = 'EncodingError';
  readonly code = 'uci-request-failed';
  constructor(readonly path: string, problem: string) {
    super(`Cannot write ${path} as XML-RPC: ${problem}.`);
  }
}

const MAX_DEPTH = 64;
const METHOD_NAME = /^[A-Za-z0-9_.:/]{1,256}$/;
// XML 1.0 has no way to carry these, not even as character references.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function encodeMethodCall(method: string, params: readonly XmlRpcInput[] = []): string {
  if (typeof method !== 'string' || !METHOD_NAME.test(method)) throw new EncodingError('methodName', 'a method name is 1–256 of the characters A–Z a–z 0–9 _ . : /');
  const body = params.map((p, i) => `<param>${value(p, `params[${i}]`, new Set(), 0)}</param>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><methodCall><methodName>${method}</methodName>${body ? `<params>${body}</params>` : '<params/>'}</methodCall>`;
}

export function encodeMethodResponse(result: XmlRpcInput): string {
  return `<?xml version="1.0" encoding="UTF-8"?><methodResponse><params><param>${value(result, 'result', new Set(), 0)}</param></params></methodResponse>`;
}

export function encodeFault(fault: XmlRpcFault): string {
  const code = Number.isInteger(fault.faultCode) && Math.abs(fault.faultCode) <= 0x7fffffff ? fault.faultCode : 0;
  const struct = { faultCode: code, faultString: fault.faultString };
  return `<?xml version="1.0" encoding="UTF-8"?><methodResponse><fault>${value(struct, 'fault', new Set(), 0)}</fault></methodResponse>`;
}

function value(v: XmlRpcInput, path: string, seen: Set<object>, depth: number): string {
  if (typeof v === 'string') return `<value><string>${text(v, path)}</string></value>`;
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === 'number') return `<value>${number(v, path)}</value>`;
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new EncodingError(path, 'the date is invalid');
    return `<value><dateTime.iso8601>${dateTime(v, path)}</dateTime.iso8601></value>`;
  }
  if (Buffer.isBuffer(v)) return `<value><base64>${v.toString('base64')}</base64></value>`;
  if (v === null || typeof v !== 'object') throw new EncodingError(path, `XML-RPC has no ${v === null ? 'null' : typeof v} (send "" for an empty optional string)`);
  if (depth >= MAX_DEPTH) throw new EncodingError(path, `nested deeper than ${MAX_DEPTH} levels`);
  if (seen.has(v)) throw new EncodingError(path, 'the value contains itself');
  seen.add(v);
  try {
    if (Array.isArray(v)) {
      return `<value><array><data>${(v as readonly XmlRpcInput[]).map((e, i) => value(e, `${path}[${i}]`, seen, depth + 1)).join('')}</data></array></value>`;
    }
    const entries: [unknown, XmlRpcInput][] = v instanceof Map ? [...(v as ReadonlyMap<unknown, XmlRpcInput>)] : Object.entries(v);
    const members = entries.map(([k, e]) => {
      if (typeof k !== 'string') throw new EncodingError(path, 'a struct member name must be a string');
      const at = `${path}.${k.length > 40 ? `${k.slice(0, 40)}…` : k}`;
      return `<member><name>${text(k, `${path} (a member name)`)}</name>${value(e, at, seen, depth + 1)}</member>`;
    });
    return `<value><struct>${members.join('')}</struct></value>`;
  } finally {
    seen.delete(v);
  }
}

/** Escapes markup; CR as a character reference, because an XML parser turns a literal CR into LF. */
function text(s: string, path: string): string {
  const bad = FORBIDDEN.exec(s);
  if (bad) throw new EncodingError(path, `control character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at position ${bad.index} (XML cannot carry it)`);
  if (LONE_SURROGATE.test(s)) throw new EncodingError(path, 'it contains an unpaired surrogate (broken UTF-16)');
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

function number(n: number, path: string): string {
  if (!Number.isFinite(n)) throw new EncodingError(path, `${n} has no XML-RPC representation`);
  if (Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff) return `<int>${n === 0 ? 0 : n}</int>`;
  return `<double>${plainDecimal(n)}</double>`;
}

/** XML-RPC doubles allow no exponent: 1e+21 → "1000000000000000000000" (same digits, so it reads back exactly). */
export function plainDecimal(n: number): string {
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const neg = s.startsWith('-');
  const mantissa = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const point = (dot < 0 ? mantissa.length : dot) + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = `${digits}${'0'.repeat(point - digits.length)}`;
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return neg ? `-${out}` : out;
}

/** The spec's form `YYYYMMDDTHH:MM:SS`, in UTC (what Apache XML-RPC and Python parse); no zone suffix. */
function dateTime(d: Date, path: string): string {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  if (iso.length !== 24) throw new EncodingError(path, 'the year is outside 0000–9999');
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 19)}`;
}
