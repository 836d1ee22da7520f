// Liberal but safe XML-RPC reader on saxes (a strict, streaming, maintained XML parser). It accepts what real
// peers send — with or without <params>, <i4>/<int>/<i8>, untyped values as strings, whitespace, booleans as
// 0/1 or true/false, faults — and refuses what could hurt: bodies over a size limit, nesting over a depth
// limit, any DOCTYPE (so no entity expansion), and struct members named __proto__/constructor/prototype.
// Structs decode into null-prototype objects. Every failure is one error type: XmlRpcParseError.
import { SaxesParser } from 'saxes';
import { BridgeError } from '../../core/errors.js';
import { DROPPED_MEMBERS, type DecodedCall, type DecodedResponse, type XmlRpcStruct, type XmlRpcValue } from './values.js';

/** A body that is not a well-formed XML-RPC message of the expected kind (the only error the decoder throws). */
export class XmlRpcParseError extends BridgeError {
  override readonly name = 'XmlRpcParseError';
  readonly code = 'uci-request-failed';
}

export interface DecodeLimits {
  /** Largest body in bytes (UTF-8); default 4 MiB. */
  maxBytes?: number;
  /** Deepest nesting of arrays/structs; default 32. */
  maxDepth?: number;
}

const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 32;

interface Node {
  name: string;
  children: Node[];
  text: string[];
}

export function decodeMethodCall(body: Buffer | string, limits: DecodeLimits = {}): DecodedCall {
  const root = parse(body, limits);
  if (root.name !== 'methodCall') throw new XmlRpcParseError(`Not an XML-RPC methodCall (root element <${clip(root.name)}>)`);
  expectOnly(root, CALL_PARTS);
  const nameNode = only(root, 'methodName', true);
  const method = nameNode.text.join('').trim();
  if (!method) throw new XmlRpcParseError('Not an XML-RPC methodCall: empty method name');
  const paramsNode = only(root, 'params', false);
  const params = paramsNode ? paramValues(paramsNode, limits) : [];
  return { method, params };
}

export function decodeMethodResponse(body: Buffer | string, limits: DecodeLimits = {}): DecodedResponse {
  const root = parse(body, limits);
  if (root.name !== 'methodResponse') throw new XmlRpcParseError(`Not an XML-RPC methodResponse (root element <${clip(root.name)}>)`);
  expectOnly(root, RESPONSE_PARTS);
  if (root.children.length !== 1) throw new XmlRpcParseError('Not an XML-RPC methodResponse: it must hold either <params> or <fault>');
  const faultNode = only(root, 'fault', false);
  if (faultNode) {
    const v = single(faultNode, 'fault');
    const f = value(v, 0, maxDepth(limits));
    if (f === null || typeof f !== 'object' || Array.isArray(f) || f instanceof Date || Buffer.isBuffer(f)) {
      throw new XmlRpcParseError('Not an XML-RPC methodResponse: the fault is not a struct');
    }
    const code = Number(typeof f.faultCode === 'string' ? f.faultCode.trim() : f.faultCode);
    const faultString = f.faultString;
    return { kind: 'fault', fault: { faultCode: Number.isFinite(code) ? code : 0, faultString: typeof faultString === 'string' ? faultString : faultString === undefined ? '' : String(faultString) } };
  }
  const paramsNode = only(root, 'params', true);
  const values = paramValues(paramsNode, limits);
  if (values.length !== 1) throw new XmlRpcParseError(`Not an XML-RPC methodResponse: ${values.length} values instead of one`);
  return { kind: 'value', value: values[0]! };
}

function maxDepth(limits: DecodeLimits): number {
  return limits.maxDepth ?? DEFAULT_MAX_DEPTH;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** The body as text: UTF-8 unless the declaration names Latin-1; a byte-order mark is dropped. */
function toText(body: Buffer | string, limit: number): string {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  if (bytes > limit) throw new XmlRpcParseError(`XML-RPC body of ${bytes} bytes is larger than the limit of ${limit}`);
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    const decl = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(body.subarray(0, 200).toString('latin1'));
    text = decl && /^(iso-8859-1|latin-?1|windows-1252|us-ascii)$/i.test(decl[1]!) ? body.toString('latin1') : body.toString('utf8');
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Builds an element tree with an explicit stack (no recursion), bounded in depth. */
function parse(body: Buffer | string, limits: DecodeLimits): Node {
  const text = toText(body, limits.maxBytes ?? DEFAULT_MAX_BYTES);
  // A value nests as value>struct>member>value or value>array>data>value: three elements per level.
  const maxElements = 3 * maxDepth(limits) + 8;
  const parser = new SaxesParser({ position: false });
  const stack: Node[] = [];
  let root: Node | undefined;
  parser.on('error', (err) => {
    throw new XmlRpcParseError(`Not well-formed XML: ${err.message.replace(/^undefined:/, '').slice(0, 200)}`);
  });
  parser.on('doctype', () => {
    throw new XmlRpcParseError('XML-RPC bodies with a DOCTYPE are refused (no DTDs or entities)');
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= maxElements) throw new XmlRpcParseError(`XML-RPC body nested deeper than ${maxDepth(limits)} levels`);
    const node: Node = { name: tag.name, children: [], text: [] };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (t: string): void => {
    stack[stack.length - 1]?.text.push(t);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof XmlRpcParseError) throw err;
    throw new XmlRpcParseError(`Not well-formed XML: ${String((err as Error)?.message ?? err).slice(0, 200)}`);
  }
  if (!root) throw new XmlRpcParseError('Empty body: no XML-RPC message');
  return root;
}

/** The one child of that name (required or optional); a second one is an error. */
function only(parent: Node, name: string, required: true): Node;
function only(parent: Node, name: string, required: false): Node | undefined;
function only(parent: Node, name: string, required: boolean): Node | undefined {
  const found = parent.children.filter((c) => c.name === name);
  if (found.length > 1) throw new XmlRpcParseError(`<${parent.name}> has ${found.length} <${name}> elements`);
  if (required && !found[0]) throw new XmlRpcParseError(`<${parent.name}> has no <${name}>`);
  return found[0];
}
const CALL_PARTS = new Set(['methodName', 'params']);
const RESPONSE_PARTS = new Set(['params', 'fault']);

function expectOnly(parent: Node, allowed: ReadonlySet<string>): void {
  const unknown = parent.children.find((c) => !allowed.has(c.name));
  if (unknown) throw new XmlRpcParseError(`Unexpected <${clip(unknown.name)}> in <${parent.name}>`);
}

/** The single <value> inside a <param> or <fault>. */
function single(parent: Node, what: string): Node {
  const values = parent.children.filter((c) => c.name === 'value');
  if (values.length !== 1 || parent.children.length !== 1) throw new XmlRpcParseError(`<${what}> must hold exactly one <value>`);
  return values[0]!;
}

function paramValues(params: Node, limits: DecodeLimits): XmlRpcValue[] {
  return params.children.map((p) => {
    if (p.name !== 'param') throw new XmlRpcParseError(`Unexpected <${clip(p.name)}> in <params>`);
    return value(single(p, 'param'), 0, maxDepth(limits));
  });
}

const INT_TYPES = new Set(['int', 'i4', 'i8', 'i1', 'i2', 'ex:i8', 'ex:i1', 'ex:i2']);
const DOUBLE_TYPES = new Set(['double', 'float', 'ex:float']);
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function value(node: Node, depth: number, limit: number): XmlRpcValue {
  if (node.name !== 'value') throw new XmlRpcParseError(`Expected <value>, found <${clip(node.name)}>`);
  const raw = node.text.join('');
  if (node.children.length === 0) return raw; // untyped: a string, whitespace kept
  if (node.children.length > 1) throw new XmlRpcParseError('A <value> holds more than one typed value');
  if (raw.trim()) throw new XmlRpcParseError('A <value> holds text next to a typed value');
  const typed = node.children[0]!;
  const t = typed.text.join('');
  const leaf = (): void => {
    if (typed.children.length) throw new XmlRpcParseError(`<${typed.name}> holds elements`);
  };
  const name = typed.name;
  if (name === 'string') {
    leaf();
    return t;
  }
  if (INT_TYPES.has(name)) {
    leaf();
    const s = t.trim();
    if (!INTEGER.test(s)) throw new XmlRpcParseError(`<${name}> is not an integer`);
    const n = Number(s);
    // Beyond 2^53 a number would silently change: keep the digits as text.
    return Number.isSafeInteger(n) ? n : s.replace(/^\+/, '');
  }
  if (name === 'boolean') {
    leaf();
    const s = t.trim().toLowerCase();
    if (s === '1' || s === 'true') return true;
    if (s === '0' || s === 'false') return false;
    throw new XmlRpcParseError('<boolean> is neither 0 nor 1');
  }
  if (DOUBLE_TYPES.has(name)) {
    leaf();
    const s = t.trim();
    if (!DECIMAL.test(s)) throw new XmlRpcParseError(`<${name}> is not a number`);
    return Number(s);
  }
  if (name === 'dateTime.iso8601') {
    leaf();
    return parseDateTime(t.trim()) ?? t.trim();
  }
  if (name === 'base64') {
    leaf();
    const s = t.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) throw new XmlRpcParseError('<base64> is not base64');
    return Buffer.from(s, 'base64');
  }
  if (name === 'nil' || name === 'ex:nil') return null;
  if (depth >= limit) throw new XmlRpcParseError(`XML-RPC body nested deeper than ${limit} levels`);
  if (name === 'struct') return struct(typed, depth + 1, limit);
  if (name === 'array') {
    // <array><data>…</data></array>; values straight inside <array> are read too.
    const holder = typed.children.length === 1 && typed.children[0]!.name === 'data' ? typed.children[0]! : typed;
    return holder.children.map((c) => value(c, depth + 1, limit));
  }
  throw new XmlRpcParseError(`Unknown XML-RPC type <${clip(name)}>`);
}

function struct(node: Node, depth: number, limit: number): XmlRpcStruct {
  const out = Object.create(null) as XmlRpcStruct;
  for (const m of node.children) {
    if (m.name !== 'member') throw new XmlRpcParseError(`Unexpected <${clip(m.name)}> in <struct>`);
    const nameNode = m.children.find((c) => c.name === 'name');
    const valueNode = m.children.find((c) => c.name === 'value');
    if (!nameNode || !valueNode || m.children.length !== 2) throw new XmlRpcParseError('A struct <member> needs one <name> and one <value>');
    const key = nameNode.text.join('').trim();
    const v = value(valueNode, depth, limit);
    if (!DROPPED_MEMBERS.has(key)) out[key] = v;
  }
  return out;
}

/** `19980717T14:08:55` (the spec), `2025-03-01T12:34:56Z`, with or without fraction or offset; no zone = UTC. */
function parseDateTime(s: string): Date | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return undefined;
  const zone = !m[8] || m[8] === 'Z' ? 'Z' : `${m[8].slice(0, 3)}:${m[8].slice(-2)}`;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}${zone}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
