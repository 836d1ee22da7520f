// The simulator's own XML-RPC codec, written from the XML-RPC 1.0 specification and reference §3.5, §9 — it
// deliberately shares nothing with the bridge's codec (src/starface/), so a mistake there cannot pass both
// ends. Parsing is strict XML (saxes): no DOCTYPE (STARFACE's own parser refuses them too, §2), only the
// predefined entities, bounded nesting.
import { SaxesParser } from 'saxes';

/** A `dateTime.iso8601` value; `Date` values are encoded as this too. */
export class WireDateTime {
  constructor(readonly date: Date) {}
}

export type WireValue =
  | string
  | number
  | boolean
  | Date
  | WireDateTime
  | Buffer
  | WireValue[]
  | { [key: string]: WireValue };

export interface WireCall {
  method: string;
  params: WireValue[];
}

export class WireParseError extends Error {
  override readonly name = 'WireParseError';
}

const MAX_DEPTH = 64;
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** XML-RPC's own date form (`19980717T14:08:55`), in UTC: the spec has no zone; a PBX sends server time. */
function formatDateTime(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function encodeValue(v: WireValue, depth = 0): string {
  if (depth > MAX_DEPTH) throw new Error('value nested too deeply');
  if (typeof v === 'string') return `<value><string>${escapeText(v)}</string></value>`;
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX) return `<value><int>${v}</int></value>`;
    if (!Number.isFinite(v)) throw new Error(`cannot encode ${v} in XML-RPC`);
    return `<value><double>${v}</double></value>`;
  }
  if (v instanceof WireDateTime) return `<value><dateTime.iso8601>${formatDateTime(v.date)}</dateTime.iso8601></value>`;
  if (v instanceof Date) return `<value><dateTime.iso8601>${formatDateTime(v)}</dateTime.iso8601></value>`;
  if (Buffer.isBuffer(v)) return `<value><base64>${v.toString('base64')}</base64></value>`;
  if (Array.isArray(v)) return `<value><array><data>${v.map((x) => encodeValue(x, depth + 1)).join('')}</data></array></value>`;
  const members = Object.entries(v).map(([k, x]) => `<member><name>${escapeText(k)}</name>${encodeValue(x, depth + 1)}</member>`);
  return `<value><struct>${members.join('')}</struct></value>`;
}

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';

export function encodeCall(method: string, params: readonly WireValue[]): string {
  return `${DECL}<methodCall><methodName>${escapeText(method)}</methodName><params>${params.map((p) => `<param>${encodeValue(p)}</param>`).join('')}</params></methodCall>`;
}

export function encodeResponse(value: WireValue): string {
  return `${DECL}<methodResponse><params><param>${encodeValue(value)}</param></params></methodResponse>`;
}

/** A fault: `faultCode` int and `faultString` string in a struct (§9). */
export function encodeFault(faultCode: number, faultString: string): string {
  return `${DECL}<methodResponse><fault>${encodeValue({ faultCode, faultString })}</fault></methodResponse>`;
}

// ---- decoding ---------------------------------------------------------------------------------------------

interface Node {
  name: string;
  children: Node[];
  text: string;
}

function parseTree(xml: string): Node {
  const parser = new SaxesParser({ xmlns: false });
  const stack: Node[] = [];
  let root: Node | undefined;
  let failure: Error | undefined;
  parser.on('error', (err) => {
    failure ??= err;
  });
  parser.on('doctype', () => {
    failure ??= new Error('a DOCTYPE is not allowed');
  });
  parser.on('opentag', (tag) => {
    const node: Node = { name: tag.name, children: [], text: '' };
    if (stack.length >= MAX_DEPTH * 3) failure ??= new Error('document nested too deeply');
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('cdata', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    failure ??= err as Error;
  }
  if (failure) throw new WireParseError(`not well-formed XML: ${failure.message.split('\n')[0]}`);
  if (!root) throw new WireParseError('empty document');
  return root;
}

function only(node: Node, what: string): Node {
  if (node.children.length !== 1) throw new WireParseError(`<${node.name}> must contain exactly one ${what}`);
  return node.children[0]!;
}

function decodeValue(value: Node): WireValue {
  if (value.name !== 'value') throw new WireParseError(`expected <value>, found <${value.name}>`);
  // A <value> without a type element is a string (XML-RPC spec).
  if (value.children.length === 0) return value.text;
  const typed = only(value, 'type element');
  const text = typed.text;
  switch (typed.name) {
    case 'string':
      return text;
    case 'int':
    case 'i4':
    case 'i8': {
      const t = text.trim();
      if (!/^[+-]?\d+$/.test(t)) throw new WireParseError(`<${typed.name}> "${t}" is not an integer`);
      return Number(t);
    }
    case 'boolean': {
      const t = text.trim();
      if (t !== '0' && t !== '1') throw new WireParseError(`<boolean> must be 0 or 1 (got "${t}")`);
      return t === '1';
    }
    case 'double': {
      const n = Number(text.trim());
      if (text.trim() === '' || !Number.isFinite(n)) throw new WireParseError(`<double> "${text.trim()}" is not a number`);
      return n;
    }
    case 'dateTime.iso8601': {
      const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
      if (!m) throw new WireParseError(`<dateTime.iso8601> "${text.trim()}" is not a date`);
      const zone = m[7] ?? 'Z';
      return new WireDateTime(new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`));
    }
    case 'base64':
      return Buffer.from(text.replace(/\s+/g, ''), 'base64');
    case 'array': {
      const data = only(typed, '<data>');
      if (data.name !== 'data') throw new WireParseError('<array> must contain <data>');
      return data.children.map(decodeValue);
    }
    case 'struct': {
      const out: Record<string, WireValue> = {};
      for (const member of typed.children) {
        if (member.name !== 'member') throw new WireParseError(`<struct> may only contain <member>, found <${member.name}>`);
        const name = member.children.find((c) => c.name === 'name');
        const v = member.children.find((c) => c.name === 'value');
        if (!name || !v || member.children.length !== 2) throw new WireParseError('<member> needs one <name> and one <value>');
        out[name.text] = decodeValue(v);
      }
      return out;
    }
    default:
      throw new WireParseError(`unknown XML-RPC type <${typed.name}>`);
  }
}

/** Reads a `methodCall`; `<params>` may be missing or empty (§3.5: parameterless calls omit it). */
export function decodeCall(body: Buffer | string): WireCall {
  const root = parseTree(typeof body === 'string' ? body : body.toString('utf8'));
  if (root.name !== 'methodCall') throw new WireParseError(`expected <methodCall>, found <${root.name}>`);
  const nameNode = root.children.find((c) => c.name === 'methodName');
  const method = nameNode?.text.trim() ?? '';
  if (!method) throw new WireParseError('<methodCall> has no <methodName>');
  const paramsNode = root.children.find((c) => c.name === 'params');
  const params: WireValue[] = [];
  for (const p of paramsNode?.children ?? []) {
    if (p.name !== 'param') throw new WireParseError(`<params> may only contain <param>, found <${p.name}>`);
    params.push(decodeValue(only(p, '<value>')));
  }
  return { method, params };
}
