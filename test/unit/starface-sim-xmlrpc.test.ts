// The simulator's own XML-RPC codec (src/simulators/starface/xmlrpc.ts), against the XML-RPC specification's
// examples and the forms STARFACE clients send (reference §3.5).
import { describe, expect, it } from 'vitest';
import { decodeCall, encodeCall, encodeFault, encodeResponse, WireDateTime, WireParseError } from '../../src/simulators/starface/xmlrpc.js';

const wrap = (value: string) => `<?xml version="1.0"?><methodCall><methodName>m</methodName><params><param>${value}</param></params></methodCall>`;

describe('simulator XML-RPC decoding', () => {
  it('reads the specification example call', () => {
    const xml = '<?xml version="1.0"?>\n<methodCall>\n   <methodName>examples.getStateName</methodName>\n   <params>\n      <param>\n         <value><i4>41</i4></value>\n         </param>\n      </params>\n   </methodCall>';
    expect(decodeCall(xml)).toEqual({ method: 'examples.getStateName', params: [41] });
  });

  it('accepts a call without <params> and with an empty <params/> (§3.5)', () => {
    expect(decodeCall('<methodCall><methodName>ucp.v30.requests.connection.login</methodName></methodCall>').params).toEqual([]);
    expect(decodeCall('<methodCall><methodName>x</methodName><params/></methodCall>').params).toEqual([]);
  });

  it('reads every scalar type, a bare <value> as string, and nested arrays and structs', () => {
    expect(decodeCall(wrap('<value>plain &amp; simple</value>')).params[0]).toBe('plain & simple');
    expect(decodeCall(wrap('<value><int>-7</int></value>')).params[0]).toBe(-7);
    expect(decodeCall(wrap('<value><i8>9007199254740991</i8></value>')).params[0]).toBe(9007199254740991);
    expect(decodeCall(wrap('<value><boolean>0</boolean></value>')).params[0]).toBe(false);
    expect(decodeCall(wrap('<value><double>-12.5</double></value>')).params[0]).toBe(-12.5);
    expect(decodeCall(wrap('<value><base64>aGVsbG8=</base64></value>')).params[0]).toEqual(Buffer.from('hello'));
    expect(decodeCall(wrap('<value><string><![CDATA[<raw>]]></string></value>')).params[0]).toBe('<raw>');
    const d = decodeCall(wrap('<value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value>')).params[0];
    expect(d).toBeInstanceOf(WireDateTime);
    expect((d as WireDateTime).date.toISOString()).toBe('1998-07-17T14:08:55.000Z');
    expect((decodeCall(wrap('<value><dateTime.iso8601>2025-03-01T12:34:56+01:00</dateTime.iso8601></value>')).params[0] as WireDateTime).date.toISOString()).toBe('2025-03-01T11:34:56.000Z');
    const nested = wrap('<value><struct><member><name>a</name><value><array><data><value><int>1</int></value><value>x</value></data></array></value></member>' +
      '<member><name>b</name><value><struct></struct></value></member></struct></value>');
    expect(decodeCall(nested).params[0]).toEqual({ a: [1, 'x'], b: {} });
  });

  it('refuses what is not XML-RPC: DOCTYPE, unknown types, bad booleans, malformed XML, a response', () => {
    const bad = [
      '<?xml version="1.0"?><!DOCTYPE methodCall [<!ENTITY x "y">]><methodCall><methodName>m</methodName></methodCall>',
      wrap('<value><nil/></value>'),
      wrap('<value><boolean>true</boolean></value>'),
      wrap('<value><int>1.5</int></value>'),
      wrap('<value><struct><member><name>a</name></member></struct></value>'),
      '<methodCall><methodName>m</methodName>',
      '<methodCall><params/></methodCall>',
      '<methodResponse><params/></methodResponse>',
      '',
    ];
    for (const xml of bad) expect(() => decodeCall(xml), xml).toThrow(WireParseError);
  });

  it('bounds nesting depth', () => {
    const deep = '<value><array><data>'.repeat(200) + '</data></array></value>'.repeat(200);
    expect(() => decodeCall(wrap(deep))).toThrow(WireParseError);
  });
});

describe('simulator XML-RPC encoding', () => {
  it('writes responses, faults and calls in the §9 shapes', () => {
    expect(encodeResponse(true)).toBe('<?xml version="1.0" encoding="UTF-8"?><methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>');
    expect(encodeFault(1, 'UcpNotConnectedException: x')).toBe('<?xml version="1.0" encoding="UTF-8"?><methodResponse><fault><value><struct>' +
      '<member><name>faultCode</name><value><int>1</int></value></member><member><name>faultString</name><value><string>UcpNotConnectedException: x</string></value></member>' +
      '</struct></value></fault></methodResponse>');
    expect(encodeCall('ucp.v30.events.call.receiveCallState', [{ id: 'a', n: 3 }])).toContain('<methodName>ucp.v30.events.call.receiveCallState</methodName><params><param><value><struct><member><name>id</name><value><string>a</string></value></member><member><name>n</name><value><int>3</int></value></member></struct></value></param></params>');
  });

  it('escapes markup, writes non-integers and large numbers as double, dates in the spec form (UTC)', () => {
    expect(encodeResponse('a<b>&c')).toContain('<string>a&lt;b&gt;&amp;c</string>');
    expect(encodeResponse(1.5)).toContain('<double>1.5</double>');
    expect(encodeResponse(2 ** 31)).toContain('<double>2147483648</double>');
    expect(encodeResponse(new Date('2025-03-01T02:03:04.567Z'))).toContain('<dateTime.iso8601>20250301T02:03:04</dateTime.iso8601>');
    expect(() => encodeResponse(Number.NaN)).toThrow();
  });

  it('reads back what it writes', () => {
    const v = { s: 'x & <y>\r\n', i: -3, b: true, d: 0.25, a: [[], {}], t: new WireDateTime(new Date('2020-01-02T03:04:05Z')), bin: Buffer.from([0, 255]) };
    const back = decodeCall(encodeCall('m', [v])).params[0] as Record<string, unknown>;
    expect({ ...back, t: (back.t as WireDateTime).date.toISOString() }).toEqual({ ...v, t: '2020-01-02T03:04:05.000Z' });
  });
});
