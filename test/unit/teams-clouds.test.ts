// National clouds: the app-token scope, the admin-consent scope and the login host follow the Graph address;
// 21Vianet is refused with the reason; contradicting settings are refused instead of guessed.
import { describe, expect, it } from 'vitest';
import { MicrosoftSettingsSchema } from '../../src/core/settings.js';
import { adminConsentUrl, MicrosoftConfigError, resolveCloud } from '../../src/teams/index.js';

describe('resolveCloud', () => {
  it('keeps the global cloud by default', () => {
    expect(resolveCloud()).toEqual({ cloud: 'global', graphResource: 'https://graph.microsoft.com', authorityHost: 'https://login.microsoftonline.com' });
  });

  it('derives GCC High and DoD from the Graph address, with their login host', () => {
    expect(resolveCloud({ graphBaseUrl: 'https://graph.microsoft.us', authorityHost: 'https://login.microsoftonline.com' }))
      .toEqual({ cloud: 'us-gov', graphResource: 'https://graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' });
    expect(resolveCloud({ graphBaseUrl: 'https://dod-graph.microsoft.us/' }))
      .toEqual({ cloud: 'us-gov-dod', graphResource: 'https://dod-graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' });
    expect(resolveCloud({ graphBaseUrl: 'https://graph.microsoft.us', authorityHost: 'login.microsoftonline.us' }).authorityHost).toBe('https://login.microsoftonline.us');
  });

  it('refuses 21Vianet and the closed German cloud with the reason', () => {
    expect(() => resolveCloud({ graphBaseUrl: 'https://microsoftgraph.chinacloudapi.cn' })).toThrow(/21Vianet \(China\) has no Teams presence API/);
    expect(() => resolveCloud({ authorityHost: 'https://login.partner.microsoftonline.cn' })).toThrow(MicrosoftConfigError);
    expect(() => resolveCloud({ graphBaseUrl: 'https://graph.microsoft.de' })).toThrow(/Cloud Deutschland was closed/);
  });

  it('refuses a login host of another cloud and a cloud setting that contradicts the Graph address', () => {
    expect(() => resolveCloud({ graphBaseUrl: 'https://graph.microsoft.com', authorityHost: 'https://login.microsoftonline.us' })).toThrow(/belongs to another Microsoft cloud/);
    expect(() => resolveCloud({ graphBaseUrl: 'https://graph.microsoft.us', cloud: 'global' })).toThrow(/belongs to the US Government GCC High \(L4\) cloud/);
  });

  it('takes the cloud setting for a stand-in Graph address (simulator, gateway) and keeps its login host', () => {
    expect(resolveCloud({ graphBaseUrl: 'https://127.0.0.1:8443', authorityHost: 'https://127.0.0.1:8443', cloud: 'us-gov' }))
      .toEqual({ cloud: 'us-gov', graphResource: 'https://graph.microsoft.us', authorityHost: 'https://127.0.0.1:8443' });
    expect(resolveCloud({ graphBaseUrl: 'https://127.0.0.1:8443', authorityHost: 'https://127.0.0.1:8443' }).graphResource).toBe('https://graph.microsoft.com');
  });

  it('asks admin consent for the cloud\'s Graph at the cloud\'s login host', () => {
    const url = new URL(adminConsentUrl({ graphBaseUrl: 'https://graph.microsoft.us', tenantId: 'contoso.onmicrosoft.us', clientId: '11111111-1111-1111-1111-111111111111' }));
    expect(url.origin).toBe('https://login.microsoftonline.us');
    expect(url.searchParams.get('scope')).toBe('https://graph.microsoft.us/.default');
  });
});

describe('settings', () => {
  it('refuse a 21Vianet address at save with a message that says why', () => {
    const r = MicrosoftSettingsSchema.safeParse({ graphBaseUrl: 'https://microsoftgraph.chinacloudapi.cn' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['graphBaseUrl'], message: expect.stringMatching(/21Vianet/) });
    expect(MicrosoftSettingsSchema.parse({}).cloud).toBe('auto');
  });
});
