// XML-RPC bodies without the xmlrpc package's HTTP layer: the STARFACE client and simulator must see and set
// HTTP status, content type and HTML answers themselves (a PBX answers faults, `false`, HTML login pages or
// HTTP errors, and each means something different), so only its Serializer/Deserializer are used.
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';

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
interface DeserializerInstance {
  deserializeMethodResponse(stream: NodeJS.ReadableStream, cb: (err: Error | null | undefined, value?: unknown) => void): void;
  deserializeMethodCall(stream: NodeJS.ReadableStream, cb: (err: Error | null | undefined, method?: string, params?: unknown[]) => void): void;
}
interface CustomTypeCtor {
  new (raw: string): { raw: string; tagName: string };
}

const require = createRequire(import.meta.url);
const serializer = require('xmlrpc/lib/serializer.js') as SerializerModule;
const Deserializer = require('xmlrpc/lib/deserializer.js') as new (encoding?: string) => DeserializerInstance;
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

function streamOf(body: Buffer | string): PassThrough {
  const s = new PassThrough();
  s.end(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return s;
}

export function decodeMethodCall(body: Buffer | string): Promise<DecodedCall> {
  return new Promise((resolve, reject) => {
    let done = false;
    new Deserializer('utf8').deserializeMethodCall(streamOf(body), (err, method, params) => {
      if (done) return;
      done = true;
      if (err || !method) reject(new XmlRpcParseError(`Not an XML-RPC methodCall: ${err?.message ?? 'no method name'}`));
      else resolve({ method, params: (params ?? []) as XmlRpcValue[] });
    });
  });
}

export function decodeMethodResponse(body: Buffer | string): Promise<DecodedResponse> {
  return new Promise((resolve, reject) => {
    let done = false;
    new Deserializer('utf8').deserializeMethodResponse(streamOf(body), (err, value) => {
      if (done) return;
      done = true;
      if (err) {
        const f = err as Error & { faultCode?: unknown; faultString?: unknown };
        if ('faultCode' in f || 'faultString' in f) {
          resolve({ kind: 'fault', fault: { faultCode: Number(f.faultCode ?? 0), faultString: String(f.faultString ?? '') } });
        } else {
          reject(new XmlRpcParseError(`Not an XML-RPC methodResponse: ${err.message}`));
        }
        return;
      }
      // A response without any <param> is malformed for XML-RPC; the deserializer returns undefined for it.
      if (value === undefined) reject(new XmlRpcParseError('Not an XML-RPC methodResponse: no value'));
      else resolve({ kind: 'value', value: value as XmlRpcValue });
    });
  });
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
