// Issue 14 item 9 (client side): Active Directory users log in with the UCI token Base64(login*password); on a
// STARFACE 10 with an external identity provider the session sends an OAuth access token from the PBX's token
// endpoint (/auth/realms/pbx/oauth2/token, password grant, refresh) in de.vertico.starface.jwt. Implemented from the
// reference (§3.3, §3.4, addendum); the counterpart here is a small PBX stand-in on a real socket that checks
// exactly what the reference describes.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { HttpTransport } from '../../src/platform/http-transport.js';
import { uciAuthToken } from '../../src/starface/auth.js';
import { StarfaceAuthError } from '../../src/starface/errors.js';
import { StarfaceOAuthClient } from '../../src/starface/oauth.js';
import { UciSessionPool } from '../../src/starface/uci-session-pool.js';
import { listenOnLoopback } from './starface-helpers.js';

interface TokenRequest { form: Record<string, string>; authorization?: string }

/** Token endpoint + /xml-rpc that accepts either the AD token of 2001 or a current access token of 2002. */
async function startStandIn(): Promise<{ url: string; tokenRequests: TokenRequest[]; xmlRpcQueries: URLSearchParams[]; refuseRefresh: { on: boolean }; close: () => Promise<void> }> {
  const tokenRequests: TokenRequest[] = [];
  const xmlRpcQueries: URLSearchParams[] = [];
  const issued = new Set<string>();
  const refuseRefresh = { on: false };
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      const json = (status: number, v: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      if (url.pathname === '/auth/realms/pbx/oauth2/token') {
        const form = Object.fromEntries(new URLSearchParams(body));
        tokenRequests.push({ form, authorization: req.headers.authorization });
        const grantOk = form.grant_type === 'password' ? form.username === '2002' && form.password === 'Ädmin*1' : form.grant_type === 'refresh_token' && !refuseRefresh.on && form.refresh_token?.startsWith('r-');
        if (!grantOk || form.client_id !== 'rest-client-headless' || form.client_secret !== 'cs-1') return json(400, { error: 'invalid_grant', error_description: 'Invalid user credentials' });
        const access = `eyJ.access-${++n}`;
        issued.add(access);
        return json(200, { access_token: access, expires_in: 300, refresh_token: `r-${n}`, refresh_expires_in: 21600, token_type: 'Bearer', scope: form.scope ?? '' });
      }
      if (url.pathname === '/xml-rpc') {
        xmlRpcQueries.push(url.searchParams);
        const jwt = url.searchParams.get('de.vertico.starface.jwt');
        const auth = url.searchParams.get('de.vertico.starface.auth');
        if (!(jwt && issued.has(jwt)) && auth !== Buffer.from('2001*Pass 2001', 'utf8').toString('base64')) {
          res.writeHead(401);
          return res.end();
        }
        const value = body.includes('getUserState') ? '<struct><member><name>telephonyState</name><value>AVAILABLE</value></member></struct>' : '<boolean>1</boolean>';
        res.writeHead(200, { 'content-type': 'text/xml' });
        return res.end(`<?xml version="1.0"?><methodResponse><params><param><value>${value}</value></param></params></methodResponse>`);
      }
      res.writeHead(404);
      res.end();
    });
  });
  return { ...(await listenOnLoopback(server)), tokenRequests, xmlRpcQueries, refuseRefresh };
}

let pbx: Awaited<ReturnType<typeof startStandIn>>;
let transport: HttpTransport;
beforeAll(async () => {
  pbx = await startStandIn();
  transport = new HttpTransport();
});
afterAll(async () => {
  transport.close();
  await pbx.close();
});

describe('UCI login variants', () => {

  it('computes the Active Directory token Base64(login*password) over UTF-8', () => {
    expect(uciAuthToken('123', 'Pass123', 'ad-base64')).toBe('MTIzKlBhc3MxMjM=');
    expect(uciAuthToken('7', 'Pä', 'ad-base64')).toBe(Buffer.from([0x37, 0x2a, 0x50, 0xc3, 0xa4]).toString('base64'));
  });

  it('an Active Directory user logs in with that token, URL-encoded', async () => {
    const pool = new UciSessionPool({ baseUrl: pbx.url, transport, passwordFor: () => 'Pass 2001', settings: { tokenAlgorithm: 'ad-base64', discoverServices: false, chatPresenceSetter: 'never' } });
    try {
      pool.setUsers(['2001']);
      expect(await pool.whenStarted()).toEqual({ connected: 1, failed: 0 });
      expect(pbx.xmlRpcQueries.at(-1)!.get('de.vertico.starface.auth')).toBe('MjAwMSpQYXNzIDIwMDE=');
    } finally {
      await pool.close();
    }
  });

  it('with OAuth, a session signs in at the token endpoint (password grant) and sends the access token as de.vertico.starface.jwt', async () => {
    const pool = new UciSessionPool({
      baseUrl: `${pbx.url}/xml-rpc`, transport, passwordFor: () => 'Ädmin*1', oauth: { clientSecret: () => 'cs-1' },
      settings: { uciCredential: 'oauth', discoverServices: false, chatPresenceSetter: 'never' },
    });
    try {
      pool.setUsers(['2002']);
      expect(await pool.whenStarted()).toEqual({ connected: 1, failed: 0 });
      expect(pbx.tokenRequests[0]!.form).toEqual({ grant_type: 'password', username: '2002', password: 'Ädmin*1', scope: 'login', client_id: 'rest-client-headless', client_secret: 'cs-1' });
      const q = pbx.xmlRpcQueries.at(-1)!;
      expect(q.get('de.vertico.starface.jwt')).toBe('eyJ.access-1');
      expect(q.has('de.vertico.starface.auth')).toBe(false);
      await pool.setDnd('2002', true);
      expect(pbx.tokenRequests).toHaveLength(1); // the cached token is still good
    } finally {
      await pool.close();
    }
  });
});

describe('StarfaceOAuthClient', () => {

  it('renews before expiry with the refresh token, signs in again when the refresh is refused, and never shows the password', async () => {
    const clock = new ManualClock();
    const client = new StarfaceOAuthClient({ baseUrl: pbx.url, transport, clientSecret: () => 'cs-1', clock });
    const pw = (): string => 'Ädmin*1';
    const first = await client.accessToken('2002', pw);
    const refreshToken = `r-${first.split('-').pop()}`;
    clock.advance(200_000);
    expect(await client.accessToken('2002', pw)).toBe(first);
    clock.advance(80_000); // within 30 s of the 300 s lifetime
    const second = await client.accessToken('2002', pw);
    expect(second).not.toBe(first);
    expect(pbx.tokenRequests.at(-1)!.form).toMatchObject({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'rest-client-headless' });
    pbx.refuseRefresh.on = true;
    clock.advance(300_000);
    expect(await client.accessToken('2002', pw)).not.toBe(second);
    expect(pbx.tokenRequests.slice(-2).map((r) => r.form.grant_type)).toEqual(['refresh_token', 'password']);
    const err = await client.accessToken('2003', () => 'wrong-Secret-pw').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StarfaceAuthError);
    expect((err as Error).message).toMatch(/invalid_grant/);
    expect((err as Error).message).not.toContain('wrong-Secret-pw');
  });

  it('can send the client credentials with HTTP Basic instead of form fields', async () => {
    const client = new StarfaceOAuthClient({ baseUrl: pbx.url, transport, clientSecret: () => 'cs-1', clientAuth: 'basic', scope: 'pbx-login' });
    await client.accessToken('2002', () => 'Ädmin*1').catch(() => undefined);
    const last = pbx.tokenRequests.at(-1)!;
    expect(last.authorization).toBe(`Basic ${Buffer.from('rest-client-headless:cs-1').toString('base64')}`);
    expect(last.form.client_secret).toBeUndefined();
    expect(last.form.scope).toBe('pbx-login');
  });
});
