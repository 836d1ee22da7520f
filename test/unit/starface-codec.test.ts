// XML-RPC bodies through the xmlrpc package's Serializer/Deserializer, and the helpers for loosely typed values.
import { describe, expect, it } from 'vitest';
import {
  asBoolean, asString, decodeMethodCall, decodeMethodResponse, encodeFault, encodeMethodCall, encodeMethodResponse,
  isStruct, looksLikeHtml, XmlRpcDateTime, XmlRpcParseError,
} from '../../src/starface/xmlrpc-codec.js';
import { redactUciUrl, uciEventService, uciRequest } from '../../src/starface/uci-names.js';

describe('xmlrpc codec', () => {
  it('round-trips nested values, markup characters and non-ASCII text', async () => {
    const value = { text: 'Büro <zu> & "weg" ]]> ✓', n: 42, f: 1.5, b: false, list: ['a', { x: true }], empty: '' };
    const call = await decodeMethodCall(encodeMethodCall('m.x', [value, 'y']));
    expect(call).toEqual({ method: 'm.x', params: [value, 'y'] });
    expect(await decodeMethodResponse(encodeMethodResponse(value))).toEqual({ kind: 'value', value });
  });

  it('reads faults, i8 (as string), a missing <params> and an untyped <value>', async () => {
    expect(await decodeMethodResponse(encodeFault({ faultCode: 7, faultString: 'UcpNotConnectedException' }))).toEqual({ kind: 'fault', fault: { faultCode: 7, faultString: 'UcpNotConnectedException' } });
    const i8 = '<?xml version="1.0"?><methodResponse><params><param><value><i8>9007199254740993</i8></value></param></params></methodResponse>';
    expect(await decodeMethodResponse(i8)).toEqual({ kind: 'value', value: '9007199254740993' });
    expect(await decodeMethodCall('<methodCall><methodName>ucp.v30.requests.connection.login</methodName></methodCall>')).toEqual({ method: 'ucp.v30.requests.connection.login', params: [] });
    expect(await decodeMethodResponse('<methodResponse><params><param><value>plain</value></param></params></methodResponse>')).toEqual({ kind: 'value', value: 'plain' });
  });

  it('writes dateTime.iso8601 in UTC', async () => {
    const xml = encodeMethodCall('m', [new XmlRpcDateTime(new Date('2025-03-01T12:34:56.789Z'))]);
    expect(xml).toContain('<dateTime.iso8601>2025-03-01T12:34:56Z</dateTime.iso8601>');
    const back = (await decodeMethodCall(xml)).params[0] as Date;
    expect(back.toISOString()).toBe('2025-03-01T12:34:56.000Z');
  });

  it('rejects HTML, truncated XML, a call where a response is expected, and vice versa', async () => {
    await expect(decodeMethodResponse('<!DOCTYPE html><html><body>Login</body></html>')).rejects.toBeInstanceOf(XmlRpcParseError);
    await expect(decodeMethodResponse('<methodResponse><params><param><value><string>x')).rejects.toBeInstanceOf(XmlRpcParseError);
    await expect(decodeMethodResponse(encodeMethodCall('m'))).rejects.toBeInstanceOf(XmlRpcParseError);
    await expect(decodeMethodCall(encodeMethodResponse(true))).rejects.toBeInstanceOf(XmlRpcParseError);
    await expect(decodeMethodCall('')).rejects.toBeInstanceOf(XmlRpcParseError);
    await expect(decodeMethodResponse('<methodResponse><params></params></methodResponse>')).rejects.toBeInstanceOf(XmlRpcParseError);
  });

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
    expect([[], null, new Date(), 'x'].some((v) => isStruct(v as never))).toBe(false);
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
