import { describe, expect, it } from 'vitest';
import { generate } from 'selfsigned';
import { MemorySecretStore } from '../../src/platform/vault.js';
import { defaultSettings } from '../../src/core/settings.js';
import {
  CREDENTIAL_EXPIRY_SECRET, ExpiryWatch, appCredentialState, certificateNotAfter, expiryWarnings, parseExpiryDate, readExpiryInputs,
  type ExpiryInputs,
} from '../../src/setup/expiry.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const base: ExpiryInputs = { credential: 'secret', credentialStored: true, presenceRead: 'application' };
const inDays = (d: number): Date => new Date(NOW.getTime() + d * 86_400_000);

describe('expiry warnings', () => {
  it('parses YYYY-MM-DD as the end of that day and rejects impossible dates', () => {
    expect(parseExpiryDate('2027-02-28')?.toISOString()).toBe('2027-02-28T23:59:59.000Z');
    expect(parseExpiryDate('2027-02-30')).toBeUndefined();
    expect(parseExpiryDate('30.06.2027')).toBeUndefined();
    expect(parseExpiryDate('2027-06-30T10:00:00Z')?.toISOString()).toBe('2027-06-30T10:00:00.000Z');
  });

  it('is quiet (info) far ahead, warns from 30 days and again from 7 days, and errors once expired', () => {
    const at = (d: number) => expiryWarnings({ ...base, enteredExpiry: inDays(d) }, NOW, 'en')[0]!;
    expect(at(45)).toMatchObject({ severity: 'info', kind: 'client-secret' });
    expect(at(30.5)).toMatchObject({ severity: 'warning', threshold: 30, daysLeft: 30 });
    expect(at(8)).toMatchObject({ severity: 'warning', threshold: 30 });
    expect(at(7)).toMatchObject({ severity: 'warning', threshold: 7 });
    expect(at(1).message).toBe(`The client secret expires on ${inDays(1).toISOString().slice(0, 10)} (in 1 day).`);
    const expired = at(-2);
    expect(expired.severity).toBe('error');
    expect(expired.message).toContain('expired on');
    expect(expired.fix).toContain('new client secret');
    expect(appCredentialState([at(5)], true)).toBe('expiring');
    expect(appCredentialState([expired], true)).toBe('invalid');
    expect(appCredentialState([at(45)], true)).toBe('ok');
    expect(appCredentialState([], false)).toBe('missing');
  });

  it('asks for the date when a secret is stored without one; says nothing when no credential is stored', () => {
    expect(expiryWarnings(base, NOW, 'de')[0]).toMatchObject({ severity: 'info', message: expect.stringContaining('nicht eingetragen') });
    expect(expiryWarnings({ ...base, credentialStored: false }, NOW, 'en')).toEqual([]);
  });

  it('takes a certificate\'s own notAfter over an entered date', () => {
    const w = expiryWarnings({ ...base, credential: 'certificate', certificateNotAfter: inDays(3), enteredExpiry: inDays(300) }, NOW, 'en');
    expect(w[0]).toMatchObject({ kind: 'certificate', severity: 'warning', threshold: 7 });
  });

  it('reports a lost delegated sign-in as an error, only when reading is delegated', () => {
    const lost = { ...base, credentialStored: false, signInState: 'needs-sign-in' as const, signInDetail: 'AADSTS50173' };
    expect(expiryWarnings({ ...lost, presenceRead: 'delegated' }, NOW, 'en')[0]).toMatchObject({ kind: 'sign-in', severity: 'error', message: expect.stringContaining('AADSTS50173') });
    expect(expiryWarnings(lost, NOW, 'en')).toEqual([]);
  });

  it('reads the entered date and a stored certificate from the vault', async () => {
    const pems = await generate([{ name: 'commonName', value: 'app' }], { keySize: 2048, notAfterDate: new Date('2027-03-01T00:00:00Z') });
    const vault = new MemorySecretStore({ 'microsoft.certificateKey': `${pems.private}\n${pems.cert}`, [CREDENTIAL_EXPIRY_SECRET]: '2030-01-01T00:00:00.000Z' });
    const s = defaultSettings();
    s.microsoft.credential = 'certificate';
    const inputs = await readExpiryInputs(vault, s);
    expect(inputs.credentialStored).toBe(true);
    expect(inputs.certificateNotAfter?.toISOString().slice(0, 10)).toBe('2027-03-01');
    expect(inputs.enteredExpiry?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(certificateNotAfter(pems.private)).toBeUndefined();
  });

  it('the watch reports each crossed threshold once', async () => {
    let now = inDays(0);
    let expires = inDays(40);
    const seen: string[][] = [];
    const watch = new ExpiryWatch({
      inputs: async () => ({ ...base, enteredExpiry: expires }),
      lang: () => 'en',
      now: () => now,
      onChange: (w) => seen.push(w.map((x) => `${x.severity}:${x.threshold ?? ''}`)),
    });
    await watch.check(); // info only: nothing to report
    now = inDays(1);
    await watch.check();
    now = inDays(15);
    await watch.check(); // 25 days left: 30-day threshold
    now = inDays(16);
    await watch.check(); // same threshold: nothing new
    now = inDays(35);
    await watch.check(); // 5 days left
    expires = inDays(400); // renewed
    await watch.check();
    expect(seen).toEqual([['warning:30'], ['warning:7'], ['info:']]);
    expect(watch.warnings[0]?.severity).toBe('info');
  });
});
