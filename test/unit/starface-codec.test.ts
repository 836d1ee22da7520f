// Our XML-RPC codec (src/starface/xmlrpc/): golden request/response shapes from the reference (§3.5, §9), a
// strict writer that refuses what XML cannot carry, and a liberal but safe reader.
import { describe, expect, it } from 'vitest';
import {
  asBoolean, asString, decodeMethodCall, decodeMethodResponse, encodeFault, encodeMethodCall, encodeMethodResponse,
  EncodingError, isStruct, looksLikeHtml, XmlRpcParseError,
} from '../../src/starface/xmlrpc/index.js';
import { plainDecimal } from '../../src/starface/xmlrpc/encode.js';
import { redactUciUrl, uciEventService, uciRequest } from '../../src/starface/uci-names.js';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';

describe('XML-RPC writer: golden requests (reference §3.5, §9)', () => {
  it('writes a parameterless login as plain UTF-8 XML-RPC with an empty <params/> and no DOCTYPE', () => {
    expect(encodeMethodCall('ucp.v30.requests.connection.login')).toBe(
      `${DECL}<methodCall><methodName>ucp.v30.requests.connection.login</methodName><params/></methodCall>`);
  });

  it('writes setDoNotDisturbSetting with one <boolean>1</boolean> or 0', () => {
    expect(encodeMethodCall('ucp.v30.requests.userState.setDoNotDisturbSetting', [true])).toBe(
      `${DECL}<methodCall><methodName>ucp.v30.requests.userState.setDoNotDisturbSetting</methodName><params><param><value><boolean>1</boolean></value></param></params></methodCall>`);
    expect(encodeMethodCall('ucp.v30.requests.userState.setDoNotDisturbSetting', [false])).toContain('<boolean>0</boolean>');
  });

  it('writes subscribeEvents with one <string> parameter, and a status text with markup escaped', () => {
    expect(encodeMethodCall('ucp.v30.requests.service.subscribeEvents', ['ucp.v30.events.call'])).toBe(
      `${DECL}<methodCall><methodName>ucp.v30.requests.service.subscribeEvents</methodName><params><param><value><string>ucp.v30.events.call</string></value></param></params></methodCall>`);
    expect(encodeMethodCall('ucp.v30.requests.userState.setChatPresenceMessage', ['Büro <zu> & "weg" ]]> ✓'])).toContain(
      '<string>Büro &lt;zu&gt; &amp; "weg" ]]&gt; ✓</string>');
  });

  it('writes our callback answer (boolean true) and a fault struct with an <int> code', () => {
    expect(encodeMethodResponse(true)).toBe(`${DECL}<methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>`);
    expect(encodeFault({ faultCode: -32601, faultString: 'No such method: x' })).toBe(
      `${DECL}<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>-32601</int></value></member><member><name>faultString</name><value><string>No such method: x</string></value></member></struct></value></fault></methodResponse>`);
  });

  it('writes integers as <int>, other numbers as <double> without exponent, dates in the spec form (UTC), Maps as structs', () => {
    const xml = encodeMethodCall('m', [7, 2 ** 31, 1.5, 1e21, 1e-7, new Date('2025-03-01T12:34:56.789Z'), new Map([['a', 1]])]);
    expect(xml).toContain('<int>7</int>');
    expect(xml).toContain('<double>2147483648</double>');
    expect(xml).toContain('<double>1.5</double>');
    expect(xml).toContain('<double>1000000000000000000000</double>');
    expect(xml).toContain('<double>0.0000001</double>');
    expect(xml).toContain('<dateTime.iso8601>20250301T12:34:56</dateTime.iso8601>');
    expect(xml).toContain('<struct><member><name>a</name><value><int>1</int></value></member></struct>');
    expect([-1.25e-12, 123.456e30, -5e300].map((n) => Number(plainDecimal(n)))).toEqual([-1.25e-12, 123.456e30, -5e300]);
  });
});

describe('XML-RPC writer refuses what XML cannot carry (EncodingError)', () => {
  const refused = (v: unknown): EncodingError => {
    try {
      encodeMethodCall('ucp.v30.requests.userState.setChatPresenceMessage', [v as string]);
    } catch (err) {
      return err as EncodingError;
    }
    throw new Error('not refused');
  };

  it('refuses control characters other than tab, CR and LF, naming the code point but not the text', () => {
    for (const c of ['\u0000', '\u0001', '\u0008', '\u000B', '\u001F', '\uFFFE']) {
      const err = refused(`geheim${c}text`);
      expect(err).toBeInstanceOf(EncodingError);
      expect(err.message).toContain(`U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
      expect(err.message).not.toContain('geheim');
      expect(err.path).toBe('params[0]');
    }
    expect(() => encodeMethodCall('m', ['tab\tcr\rlf\n'])).not.toThrow();
  });

  it('refuses unpaired surrogates, null, NaN/Infinity, cycles and bad method names', () => {
    expect(refused('a\uD800b')).toBeInstanceOf(EncodingError);
    expect(refused('a\uDC00')).toBeInstanceOf(EncodingError);
    expect(() => encodeMethodCall('m', ['😀'])).not.toThrow();
    expect(refused(null)).toBeInstanceOf(EncodingError);
    expect(refused(Number.NaN)).toBeInstanceOf(EncodingError);
    expect(refused(Infinity)).toBeInstanceOf(EncodingError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(refused(cyclic).message).toContain('contains itself');
    expect(refused({ ['bad\u0002name']: 1 })).toBeInstanceOf(EncodingError);
    expect(() => encodeMethodCall('bad name<')).toThrow(EncodingError);
  });
});

describe('XML-RPC reader: what real peers send', () => {
  it('reads a getUserState struct as a PBX writes it (indented, untyped strings, boolean 0/1)', () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<methodResponse>
  <params>
    <param>
      <value><struct>
        <member><name>avatarHash</name><value></value></member>
        <member><name>chatPresence</name><value>AWAY</value></member>
        <member><name>telephonyState</name><value><string>RINGING</string></value></member>
        <member><name>chatPresenceMessage</name><value><string> Im Meeting </string></value></member>
        <member><name>redirectAlwaysActive</name><value><boolean>0</boolean></value></member>
      </struct></value>
    </param>
  </params>
</methodResponse>`;
    const r = decodeMethodResponse(body);
    expect(r).toEqual({ kind: 'value', value: { avatarHash: '', chatPresence: 'AWAY', telephonyState: 'RINGING', chatPresenceMessage: ' Im Meeting ', redirectAlwaysActive: false } });
    expect(Object.getPrototypeOf((r as { value: object }).value)).toBeNull();
  });

  it('reads a login answer, faults with <int> or <i4> codes, and integers of every width', () => {
    expect(decodeMethodResponse('<methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>')).toEqual({ kind: 'value', value: true });
    expect(decodeMethodResponse('<methodResponse><params><param><value><boolean> true </boolean></value></param></params></methodResponse>')).toEqual({ kind: 'value', value: true });
    const fault = (code: string): string => `<methodResponse><fault><value><struct><member><name>faultCode</name><value>${code}</value></member><member><name>faultString</name><value><string>de.starface.UcpNotConnectedException</string></value></member></struct></value></fault></methodResponse>`;
    for (const code of ['<int>1</int>', '<i4>1</i4>', '<i8>1</i8>', '1']) {
      expect(decodeMethodResponse(fault(code))).toEqual({ kind: 'fault', fault: { faultCode: 1, faultString: 'de.starface.UcpNotConnectedException' } });
    }
    const big = decodeMethodResponse('<methodResponse><params><param><value><i8>9007199254740993</i8></value></param></params></methodResponse>');
    expect(big).toEqual({ kind: 'value', value: '9007199254740993' });
  });

  it('reads a methodCall with or without <params>, and a PBX callback (§9) with its struct', () => {
    expect(decodeMethodCall('<methodCall><methodName>ucp.v30.requests.connection.login</methodName></methodCall>')).toEqual({ method: 'ucp.v30.requests.connection.login', params: [] });
    expect(decodeMethodCall('<methodCall><methodName> ucp.v30.requests.connection.login </methodName><params/></methodCall>').method).toBe('ucp.v30.requests.connection.login');
    const cb = decodeMethodCall(`<?xml version="1.0"?><methodCall><methodName>ucp.v30.events.call.receiveCallState</methodName><params><param><value><struct>
      <member><name>id</name><value><string>3f1c-uuid</string></value></member>
      <member><name>state</name><value><string>RINGING</string></value></member>
      <member><name>timestamp</name><value><dateTime.iso8601>20250301T12:34:56</dateTime.iso8601></value></member>
      <member><name>callerNumber</name><value><string>+4972112345</string></value></member>
      <member><name>calledName</name><value><string>Max Muster</string></value></member>
      <member><name>groupID</name><value><string></string></value></member>
    </struct></value></param></params></methodCall>`);
    expect(cb.params[0]).toEqual({ id: '3f1c-uuid', state: 'RINGING', timestamp: new Date('2025-03-01T12:34:56Z'), callerNumber: '+4972112345', calledName: 'Max Muster', groupID: '' });
  });

  it('reads dates in the spec and the extended form, base64, nil, arrays with or without <data>, CDATA and Latin-1', () => {
    const v = (inner: string): unknown => (decodeMethodResponse(`<methodResponse><params><param><value>${inner}</value></param></params></methodResponse>`) as { value: unknown }).value;
    expect(v('<dateTime.iso8601>2025-03-01T12:34:56+01:00</dateTime.iso8601>')).toEqual(new Date('2025-03-01T11:34:56Z'));
    expect(v('<dateTime.iso8601>someday</dateTime.iso8601>')).toBe('someday');
    expect(v('<base64>aGFs\nbG8=</base64>')).toEqual(Buffer.from('hallo'));
    expect(v('<nil/>')).toBeNull();
    expect(v('<array><data><value>a</value><value><int>2</int></value></data></array>')).toEqual(['a', 2]);
    expect(v('<array><value>a</value></array>')).toEqual(['a']);
    expect(v('<string><![CDATA[<b>&]]></string>')).toBe('<b>&');
    expect(v('<string>a&#13;b</string>')).toBe('a\rb');
    const latin1 = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><methodResponse><params><param><value>B'), Buffer.from([0xfc]), Buffer.from('ro</value></param></params></methodResponse>')]);
    expect(decodeMethodResponse(latin1)).toEqual({ kind: 'value', value: 'Büro' });
  });
});

describe('XML-RPC reader: safe on hostile input (one error type: XmlRpcParseError)', () => {
  const member = (n: string, v: string): string => `<member><name>${n}</name><value>${v}</value></member>`;

  it('drops __proto__, constructor and prototype members; structs have no prototype', () => {
    const body = `<methodCall><methodName>x</methodName><params><param><value><struct>${member('id', 'c1')}${member('__proto__', `<struct>${member('state', 'RINGING')}</struct>`)}${member('constructor', 'x')}${member('prototype', 'y')}</struct></value></param></params></methodCall>`;
    const p = decodeMethodCall(body).params[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(p)).toBeNull();
    expect(Object.keys(p)).toEqual(['id']);
    expect(p.state).toBeUndefined();
    expect(({} as Record<string, unknown>).state).toBeUndefined();
  });

  it('refuses any DOCTYPE (entity expansion) and undefined entities', () => {
    const laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><methodCall><methodName>&lol2;</methodName></methodCall>';
    expect(() => decodeMethodCall(laughs)).toThrow(XmlRpcParseError);
    expect(() => decodeMethodCall('<methodCall><methodName>&xxe;</methodName></methodCall>')).toThrow(XmlRpcParseError);
  });

  it('refuses bodies over the size limit and nesting over the depth limit', () => {
    const deep = (n: number): string => `<methodResponse><params><param>${'<value><array><data>'.repeat(n)}<value>x</value>${'</data></array></value>'.repeat(n)}</param></params></methodResponse>`;
    expect(() => decodeMethodResponse(deep(32))).not.toThrow();
    expect(() => decodeMethodResponse(deep(33))).toThrow(/deeper than 32/);
    expect(() => decodeMethodResponse(deep(5000))).toThrow(XmlRpcParseError);
    expect(() => decodeMethodResponse(deep(5), { maxDepth: 4 })).toThrow(XmlRpcParseError);
    const big = `<methodResponse><params><param><value>${'a'.repeat(2000)}</value></param></params></methodResponse>`;
    expect(() => decodeMethodResponse(big, { maxBytes: 1000 })).toThrow(/larger than the limit of 1000/);
  });

  it('rejects HTML, truncated XML, the wrong message kind, empty bodies, bad typed values and stray elements', () => {
    const bad = [
      '<!DOCTYPE html><html><body>Login</body></html>',
      '<html><body>Login</body></html>',
      '<methodResponse><params><param><value><string>x',
      encodeMethodCall('m'),
      '',
      '   ',
      '<methodResponse><params></params></methodResponse>',
      '<methodResponse><params><param><value><int>1.5</int></value></param></params></methodResponse>',
      '<methodResponse><params><param><value><boolean>yes</boolean></value></param></params></methodResponse>',
      '<methodResponse><params><param><value><foo>1</foo></value></param></params></methodResponse>',
      '<methodResponse><params><param><value>a<string>b</string></value></param></params></methodResponse>',
      '<methodResponse><params><param><value>1</value></param></params><fault/></methodResponse>',
      '<methodResponse><params><param><value><struct><member><name>a</name></member></struct></value></param></params></methodResponse>',
      '<methodResponse><params><param><value>&#1;</value></param></params></methodResponse>',
    ];
    for (const body of bad) expect(() => decodeMethodResponse(body), body).toThrow(XmlRpcParseError);
    expect(() => decodeMethodCall(encodeMethodResponse(true))).toThrow(XmlRpcParseError);
    expect(() => decodeMethodCall('<methodCall><methodName> </methodName></methodCall>')).toThrow(XmlRpcParseError);
    expect(() => decodeMethodCall('<methodCall><methodName>a</methodName><fault/></methodCall>')).toThrow(XmlRpcParseError);
  });
});

describe('XML-RPC round trip', () => {
  it('reads back what it writes, including markup, CR, non-ASCII and nesting', () => {
    const value = { text: 'Büro <zu> & "weg" ]]> ✓\r\n\t', n: 42, f: 1.5, b: false, list: ['a', { x: true }], empty: '', when: new Date('2025-03-01T12:34:56Z'), bin: Buffer.from([0, 255]) };
    expect(decodeMethodCall(encodeMethodCall('m.x', [value, 'y']))).toEqual({ method: 'm.x', params: [value, 'y'] });
    expect(decodeMethodResponse(encodeMethodResponse(value))).toEqual({ kind: 'value', value });
  });
});

describe('loosely typed values', () => {
  it('recognises HTML by content type or body', () => {
    expect(looksLikeHtml('', 'text/html;charset=UTF-8')).toBe(true);
    expect(looksLikeHtml('  <!DOCTYPE html><html>')).toBe(true);
    expect(looksLikeHtml(Buffer.from('<HTML><HEAD>'))).toBe(true);
    expect(looksLikeHtml('<?xml version="1.0"?><methodResponse/>', 'text/xml')).toBe(false);
    expect(looksLikeHtml('')).toBe(false);
  });

  it('reads loosely typed struct members', () => {
    expect([true, 1, 0, 'true', 'FALSE', '1', 'yes', null, undefined].map((v) => asBoolean(v as never))).toEqual([true, true, false, true, false, true, undefined, undefined, undefined]);
    expect([12, false, null, 'x'].map((v) => asString(v as never))).toEqual(['12', 'false', '', 'x']);
    expect(isStruct({ a: 1 })).toBe(true);
    expect([[], null, new Date(), 'x', Buffer.from('')].some((v) => isStruct(v as never))).toBe(false);
  });
});

describe('UCI names', () => {
  it('builds v30/v22 request and event names', () => {
    expect(uciRequest('v30', 'userState', 'setDoNotDisturbSetting')).toBe('ucp.v30.requests.userState.setDoNotDisturbSetting');
    expect(uciRequest('v22', 'connection', 'login')).toBe('ucp.v22.requests.connection.login');
    expect(uciEventService('v22')).toBe('ucp.v22.events.call');
  });
  it('masks the token in URLs', () => {
    const u = redactUciUrl('https://pbx/xml-rpc?de.vertico.starface.auth=123:abcdef&de.vertico.starface.callback.port=1');
    expect(u).toBe('https://pbx/xml-rpc?de.vertico.starface.auth=***&de.vertico.starface.callback.port=1');
  });
});
