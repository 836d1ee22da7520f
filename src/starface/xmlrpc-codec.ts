// LEGACY — not used by the STARFACE client any more (it uses ./xmlrpc/, our own codec on saxes). Kept only
// because the STARFACE simulator still imports it; the simulator gets its own wire code (issue 14), then this
// file and the `xmlrpc` dependency go.
// XML-RPC bodies without the xmlrpc package's HTTP layer: the STARFACE client and simulator must see and set
// HTTP status, content type and HTML answers themselves (a PBX answers faults, `false`, HTML login pages or
// HTTP errors, and each means something different), so only its Serializer/Deserializer are used.
import { createRequire } from 'node:module';

export type XmlRpcValue =
  | string
  | number
  | boolean
  | Date
  | Buffer
  | null
  | XmlRpcDateTime
  | XmlRpcValue[]
  | { [key: string]: XmlRpcValue };

export interface XmlRpcFault {
  faultCode: number;
  faultString: string;
}

export interface DecodedCall {
  method: string;
  params: XmlRpcValue[];
}

export type DecodedResponse = { kind: 'value'; value: XmlRpcValue } | { kind: 'fault'; fault: XmlRpcFault };

/** A body that is not a well-formed XML-RPC message of the expected kind. */
export class XmlRpcParseError extends Error {
  override readonly name = 'XmlRpcParseError';
}

interface SerializerModule {
  serializeMethodCall(method: string, params: unknown[], encoding?: string): string;
  serializeMethodResponse(value: unknown): string;
  serializeFault(fault: unknown): string;
}
/** The package's Deserializer: its SAX handlers and value conversions are used, fed by a plain SAX parser. */
interface DeserializerState {
  type: string | null;
  responseType: string | null;
  stack: unknown[];
  marks: number[];
  data: string[];
  methodname: string | null;
  value: boolean;
  error: Error | null;
  callback: ((err: Error | null | undefined, result?: unknown[]) => void) | null;
  onOpentag(node: unknown): void;
  onClosetag(name: string): void;
  onText(text: string): void;
  onCDATA(text: string): void;
  onDone(): void;
  onError(err: unknown): void;
}
interface SaxParser {
  onopentag: (node: unknown) => void;
  onclosetag: (name: string) => void;
  ontext: (text: string) => void;
  oncdata: (text: string) => void;
  onend: () => void;
  onerror: (err: Error) => void;
  error: Error | null;
  write(text: string): SaxParser;
  close(): SaxParser;
}
interface CustomTypeCtor {
  new (raw: string): { raw: string; tagName: string };
}

const require = createRequire(import.meta.url);
const serializer = require('xmlrpc/lib/serializer.js') as SerializerModule;
const Deserializer = require('xmlrpc/lib/deserializer.js') as { prototype: DeserializerState };
// sax is the parser the xmlrpc package itself uses; resolve it from there rather than relying on hoisting.
const sax = createRequire(require.resolve('xmlrpc/lib/deserializer.js'))('sax') as { parser(strict: boolean, opts?: object): SaxParser };
const CustomType = require('xmlrpc/lib/customtype.js') as CustomTypeCtor;

/**
 * A `dateTime.iso8601` value written in UTC with an explicit `Z`. The package's own Date encoding uses the
 * process time zone without an offset, which shifts times between machines.
 */
export class XmlRpcDateTime extends CustomType {
  constructor(date: Date) {
    super(date.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    this.tagName = 'dateTime.iso8601';
  }
}

export function encodeMethodCall(method: string, params: readonly XmlRpcValue[] = [], opts: { omitEmptyParams?: boolean } = {}): string {
  const xml = serializer.serializeMethodCall(method, [...params]);
  // Some STARFACE clients send parameterless calls without <params>; the simulator must accept both forms.
  return opts.omitEmptyParams && params.length === 0 ? xml.replace('<params/>', '') : xml;
}

export function encodeMethodResponse(value: XmlRpcValue): string {
  return serializer.serializeMethodResponse(value);
}

export function encodeFault(fault: XmlRpcFault): string {
  return serializer.serializeFault({ faultCode: fault.faultCode, faultString: fault.faultString });
}

/**
 * Runs the package's Deserializer over a complete body. Its own entry points need a stream per message,
 * which costs ~0.4 ms each; a plain SAX parser driving the same handlers costs a fraction of that — it
 * matters with thousands of UCI sessions.
 */
function deserialize(body: Buffer | string): Promise<DeserializerState> {
  return new Promise((resolve, reject) => {
    const des = Object.create(Deserializer.prototype) as DeserializerState;
    Object.assign(des, { type: null, responseType: null, stack: [], marks: [], data: [], methodname: null, value: false, error: null });
    let settled = false;
    des.callback = (err) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(des);
    };
    const parser = sax.parser(false, {});
    parser.onopentag = (n) => des.onOpentag(n);
    parser.onclosetag = (n) => des.onClosetag(n);
    parser.ontext = (t) => des.onText(t);
    parser.oncdata = (t) => des.onCDATA(t);
    parser.onend = () => des.onDone();
    parser.onerror = (e) => {
      des.onError(e);
      parser.error = null;
    };
    try {
      parser.write(typeof body === 'string' ? body : body.toString('utf8')).close();
    } catch (err) {
      des.onError(err);
    }
    if (!settled) des.onError(new Error('Invalid XML-RPC message'));
  });
}

export async function decodeMethodCall(body: Buffer | string): Promise<DecodedCall> {
  let des: DeserializerState;
  try {
    des = await deserialize(body);
  } catch (err) {
    throw new XmlRpcParseError(`Not an XML-RPC methodCall: ${(err as Error).message}`);
  }
  if (des.type !== 'methodcall') throw new XmlRpcParseError('Not an XML-RPC methodCall');
  if (!des.methodname) throw new XmlRpcParseError('Not an XML-RPC methodCall: no method name');
  return { method: des.methodname, params: des.stack as XmlRpcValue[] };
}

export async function decodeMethodResponse(body: Buffer | string): Promise<DecodedResponse> {
  let des: DeserializerState;
  try {
    des = await deserialize(body);
  } catch (err) {
    const f = err as Error & { faultCode?: unknown; faultString?: unknown };
    if ('faultCode' in f || 'faultString' in f) {
      return { kind: 'fault', fault: { faultCode: Number(f.faultCode ?? 0), faultString: String(f.faultString ?? '') } };
    }
    throw new XmlRpcParseError(`Not an XML-RPC methodResponse: ${f.message}`);
  }
  if (des.type !== 'methodresponse' || !des.responseType) throw new XmlRpcParseError('Not an XML-RPC methodResponse');
  if (des.stack.length !== 1) throw new XmlRpcParseError(`Not an XML-RPC methodResponse: ${des.stack.length} values instead of one`);
  return { kind: 'value', value: des.stack[0] as XmlRpcValue };
}

/** An HTML page (login page, proxy error, servlet error) instead of XML: the PBX session is not usable. */
export function looksLikeHtml(body: Buffer | string, contentType = ''): boolean {
  if (/text\/html|application\/xhtml/i.test(contentType)) return true;
  const head = (typeof body === 'string' ? body.slice(0, 512) : body.subarray(0, 512).toString('utf8')).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || /<html[\s>]/.test(head);
}

/** Reads a struct member whatever its wire type (string/int/boolean), as the PBX's types are not all known. */
export function asString(v: XmlRpcValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof XmlRpcDateTime) return v.raw;
  return '';
}

export function asBoolean(v: XmlRpcValue | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  return undefined;
}

export function isStruct(v: XmlRpcValue | undefined): v is { [key: string]: XmlRpcValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v) && !(v instanceof XmlRpcDateTime);
}
