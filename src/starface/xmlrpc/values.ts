// The XML-RPC value model of our own codec (reference §3.5) and helpers that read loosely typed values: the
// PBX's wire types are not all known, so a member is read whatever type it came as.

/** A decoded struct: a null-prototype object, so no member name can reach Object.prototype. */
export interface XmlRpcStruct {
  [member: string]: XmlRpcValue;
}

export type XmlRpcValue = string | number | boolean | Date | Buffer | null | XmlRpcValue[] | XmlRpcStruct;

/** What the encoder takes: the decoded model plus Maps for structs. `null` is refused (XML-RPC has none). */
export type XmlRpcInput = string | number | boolean | Date | Buffer | readonly XmlRpcInput[] | { readonly [member: string]: XmlRpcInput } | ReadonlyMap<string, XmlRpcInput>;

export interface XmlRpcFault {
  faultCode: number;
  faultString: string;
}

export interface DecodedCall {
  method: string;
  params: XmlRpcValue[];
}

export type DecodedResponse = { kind: 'value'; value: XmlRpcValue } | { kind: 'fault'; fault: XmlRpcFault };

/** Member names that are never kept in a decoded struct (issue 13: `__proto__` planted a prototype). */
export const DROPPED_MEMBERS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

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
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
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

export function isStruct(v: XmlRpcValue | undefined): v is XmlRpcStruct {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v);
}

/** An own member of a decoded struct (never one inherited from a prototype). */
export function member(struct: XmlRpcStruct, name: string): XmlRpcValue | undefined {
  return Object.prototype.hasOwnProperty.call(struct, name) ? struct[name] : undefined;
}
