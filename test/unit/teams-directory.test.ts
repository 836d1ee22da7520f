// E-mail lookup over the Microsoft directory (mail, then UPN, then SMTP proxy addresses) and the authority rules.
import { describe, expect, it } from 'vitest';
import { DirectoryIndex, type DirectoryUser } from '../../src/teams/directory.js';
import { adminConsentUrl, authorityConfig, normalizeAuthorityHost } from '../../src/teams/authority.js';

const u = (id: string, mail: string | null, upn: string | null, proxies: string[] = []): DirectoryUser =>
  ({ id, displayName: id, mail, userPrincipalName: upn, proxyAddresses: proxies });

describe('DirectoryIndex.findByEmail', () => {
  const users = [
    u('1', 'Anna.Meyer@contoso.com', 'anna@contoso.onmicrosoft.com', ['SMTP:Anna.Meyer@contoso.com', 'smtp:am@contoso.com', 'x500:/o=whatever']),
    u('2', null, 'ben@contoso.com'),
    u('3', 'shared@contoso.com', 'c@contoso.com'),
    u('4', 'shared@contoso.com', 'd@contoso.com'),
    u('5', 'eve@contoso.com', 'eve@contoso.com', ['smtp:anna@contoso.onmicrosoft.com']),
  ];
  const index = new DirectoryIndex(users);

  it('matches mail first, case-insensitively', () => {
    expect(index.findByEmail('  anna.meyer@CONTOSO.com ')).toMatchObject({ status: 'found', via: 'mail', user: { id: '1' } });
  });

  it('falls back to the UPN, and the UPN beats another user\'s proxy address', () => {
    expect(index.findByEmail('ben@contoso.com')).toMatchObject({ status: 'found', via: 'userPrincipalName', user: { id: '2' } });
    expect(index.findByEmail('anna@contoso.onmicrosoft.com')).toMatchObject({ status: 'found', via: 'userPrincipalName', user: { id: '1' } });
  });

  it('then SMTP proxy addresses (primary or secondary), ignoring other address types', () => {
    expect(index.findByEmail('AM@contoso.com')).toMatchObject({ status: 'found', via: 'proxyAddresses', user: { id: '1' } });
    expect(index.findByEmail('/o=whatever')).toEqual({ status: 'not-found' });
  });

  it('reports ambiguity instead of guessing', () => {
    const r = index.findByEmail('shared@contoso.com');
    expect(r.status).toBe('ambiguous');
    expect(r.status === 'ambiguous' && r.users.map((x) => x.id)).toEqual(['3', '4']);
    expect(index.findByEmail('')).toEqual({ status: 'not-found' });
    expect(index.byObjectId('5')?.mail).toBe('eve@contoso.com');
  });
});

describe('authority', () => {
  it('uses MSAL\'s built-in metadata for Microsoft hosts', () => {
    const a = authorityConfig(undefined, 'contoso.onmicrosoft.com');
    expect(a).toEqual({ authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com', origin: 'https://login.microsoftonline.com' });
  });

  it('describes any other host fully, so MSAL makes no discovery call', () => {
    const a = authorityConfig('127.0.0.1:8443', 'tid');
    expect(a.authority).toBe('https://127.0.0.1:8443/tid');
    expect(a.knownAuthorities).toEqual(['127.0.0.1:8443']);
    const meta = JSON.parse(a.authorityMetadata!) as Record<string, string>;
    expect(meta.token_endpoint).toBe('https://127.0.0.1:8443/tid/oauth2/v2.0/token');
    expect(meta.authorization_endpoint).toBe('https://127.0.0.1:8443/tid/oauth2/v2.0/authorize');
    expect(meta.issuer).toBe('https://127.0.0.1:8443/tid/v2.0');
    expect(meta.jwks_uri).toBeTruthy();
  });

  it('refuses common/organizations/consumers, empty tenants and plain http', () => {
    for (const t of ['common', 'Organizations', 'consumers']) expect(() => authorityConfig(undefined, t)).toThrow(/directory \(tenant\) ID/);
    expect(() => authorityConfig(undefined, ' ')).toThrow(/not set/);
    expect(() => normalizeAuthorityHost('http://login.example')).toThrow(/https/);
    expect(normalizeAuthorityHost('https://login.microsoftonline.com/')).toBe('https://login.microsoftonline.com');
  });

  it('builds the admin-consent URL for the configured app', () => {
    const url = new URL(adminConsentUrl({ tenantId: 'tid', clientId: 'cid' }));
    expect(url.href.startsWith('https://login.microsoftonline.com/tid/v2.0/adminconsent?')).toBe(true);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'cid', scope: 'https://graph.microsoft.com/.default', redirect_uri: 'http://localhost' });
    expect(() => adminConsentUrl({ tenantId: 'tid', clientId: '' })).toThrow(/client\) ID/);
  });
});
