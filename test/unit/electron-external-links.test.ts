// Which links leave the app for the system browser, and the opener that enforces it.
import { describe, expect, it } from 'vitest';
import { checkExternalUrl, createExternalOpener, hostsFromSettings } from '../../electron/external-links.js';

describe('external link check', () => {
  it('opens https links to Microsoft sign-in, portals and docs', () => {
    for (const url of [
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?client_id=x&state=y',
      'https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps',
      'https://entra.microsoft.com/',
      'https://learn.microsoft.com/graph/api/presence-setpresence',
      'https://LOGIN.microsoftonline.com/common',
    ]) {
      expect(checkExternalUrl(url), url).toMatchObject({ ok: true });
    }
  });

  it('refuses other schemes, other hosts, look-alikes and embedded credentials', () => {
    for (const url of [
      'http://login.microsoftonline.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'https://login.microsoftonline.com.evil.example/',
      'https://evil.example/?next=https://login.microsoftonline.com',
      'https://microsoftonline.com/',
      'https://user:pw@login.microsoftonline.com/',
      'https://pbx.contoso.example/',
      'not a url',
      42,
      'https://login.microsoftonline.com/' + 'a'.repeat(9000),
    ]) {
      const r = checkExternalUrl(url);
      expect(r.ok, String(url).slice(0, 80)).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
    }
  });

  it('also allows the configured STARFACE host and sign-in authority (with its port)', () => {
    const hosts = hostsFromSettings({
      starface: { baseUrl: 'https://pbx.contoso.example' },
      microsoft: { authorityHost: 'https://localhost:44321' },
    });
    expect(hosts).toEqual(['pbx.contoso.example', 'localhost:44321']);
    expect(checkExternalUrl('https://pbx.contoso.example/#/users', hosts).ok).toBe(true);
    expect(checkExternalUrl('https://localhost:44321/tenant/oauth2/v2.0/authorize', hosts).ok).toBe(true);
    expect(checkExternalUrl('https://localhost:9999/', hosts).ok).toBe(false);
    expect(checkExternalUrl('http://pbx.contoso.example/', hosts).ok).toBe(false);
  });

  it('reads hosts from loose settings without failing', () => {
    expect(hostsFromSettings(undefined)).toEqual([]);
    expect(hostsFromSettings({ starface: { baseUrl: '' }, microsoft: { authorityHost: 42 } })).toEqual([]);
    expect(hostsFromSettings({ starface: { baseUrl: 'pbx.local:8443' } })).toEqual(['pbx.local:8443']);
    expect(hostsFromSettings({ starface: { baseUrl: 'http://[bad' } })).toEqual([]);
  });

  it('opens allowed links through shell.openExternal and logs refusals without the URL', async () => {
    const opened: string[] = [];
    const lines: string[] = [];
    const log = { info: () => {}, error: () => {}, warn: (m: string, f?: Record<string, unknown>) => { lines.push(`${m} ${JSON.stringify(f)}`); } };
    const opener = createExternalOpener({ openExternal: async (u) => { opened.push(u); } }, () => [], log);
    expect(await opener.open('https://learn.microsoft.com/x')).toBe(true);
    expect(await opener.open('https://evil.example/path?code=SECRETCODE')).toBe(false);
    expect(opened).toEqual(['https://learn.microsoft.com/x']);
    expect(lines.join()).toContain('not on the list');
    expect(lines.join()).not.toContain('SECRETCODE');
  });
});
