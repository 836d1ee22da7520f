import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MemorySecretStore, VAULT_PASSPHRASE_ENV, VaultError, keychainAccountFor, moveVaultAside, openVault, osKeychain, setSecrets,
  type KeychainBackend, type SecretStore,
} from '../../src/platform/vault.js';

const SECRET = 'S3cret-Value-äöü-1234567890';
const dirs: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-vault-'));
  dirs.push(d);
  return d;
};

let savedEnv: string | undefined;
beforeEach(() => {
  // A developer's own passphrase must not change what these tests see.
  savedEnv = process.env[VAULT_PASSPHRASE_ENV];
  delete process.env[VAULT_PASSPHRASE_ENV];
});
afterEach(() => {
  if (savedEnv === undefined) delete process.env[VAULT_PASSPHRASE_ENV];
  else process.env[VAULT_PASSPHRASE_ENV] = savedEnv;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function vaultError(p: Promise<unknown>): Promise<VaultError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(VaultError);
  return err as VaultError;
}

/** Flips one bit inside the encrypted payload, keeping the file valid JSON. */
function flipCiphertextByte(file: string): void {
  const v = JSON.parse(fs.readFileSync(file, 'utf8')) as { data: string };
  const data = Buffer.from(v.data, 'base64');
  data[Math.floor(data.length / 2)]! ^= 0x01;
  v.data = data.toString('base64');
  fs.writeFileSync(file, JSON.stringify(v));
}

function assertNoPlaintext(file: string, ...secrets: string[]): void {
  const raw = fs.readFileSync(file);
  for (const s of secrets) {
    expect(raw.includes(Buffer.from(s, 'utf8'))).toBe(false);
    expect(raw.toString('utf8')).not.toContain(Buffer.from(s).toString('base64').slice(0, 16));
  }
}

/** Behaves like @napi-rs/keyring without a session bus: reads give nothing or fail, writes fail. */
const missingKeychain = (message = "Couldn't access platform storage: AccessDenied"): KeychainBackend => ({
  get: async () => { throw new Error(message); },
  set: async () => { throw new Error(message); },
  delete: async () => { throw new Error(message); },
});
/** A working keychain in memory (the entries are visible to the test). */
function memoryKeychain(): { keychain: KeychainBackend; store: Map<string, string> } {
  const store = new Map<string, string>();
  return {
    store,
    keychain: {
      get: async (s, a) => store.get(`${s}/${a}`) ?? null,
      set: async (s, a, v) => { store.set(`${s}/${a}`, v); },
      delete: async (s, a) => store.delete(`${s}/${a}`),
    },
  };
}
/** Like a locked Secret Service: reads answer "nothing", writes are refused. */
const lockedKeychain: KeychainBackend = {
  get: async () => null,
  set: async () => { throw new Error("Couldn't access platform storage: Secret Service: unlock prompt was dismissed"); },
  delete: async () => false,
};

describe('vault without an OS keychain', () => {
  it('refuses clearly when there is neither keychain nor passphrase, and writes nothing', async () => {
    const file = path.join(tmp(), 'secrets.vault');
    const err = await vaultError(openVault({ file, keychain: missingKeychain() }));
    expect(err.code).toBe('no-keychain');
    expect(err.message).toMatch(/gnome-keyring/);
    expect(err.message).toContain(VAULT_PASSPHRASE_ENV);
    expect(err.message).toContain('AccessDenied');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('uses a passphrase instead: round trip across reopen, key source recorded, no plaintext', async () => {
    const file = path.join(tmp(), 'secrets.vault');
    const v = await openVault({ file, keychain: missingKeychain(), passphrase: 'correct horse battery staple' });
    expect(v.keySource).toBe('passphrase');
    await v.set('starface.adminPassword', SECRET);
    await v.set('microsoft.clientSecret', 'client-secret-xyz');
    const header = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(header).toMatchObject({ format: 'presence-bridge-vault', version: 1, keySource: 'passphrase', kdf: { name: 'scrypt' } });
    assertNoPlaintext(file, SECRET, 'client-secret-xyz', 'correct horse');

    const again = await openVault({ file, keychain: missingKeychain(), passphrase: 'correct horse battery staple' });
    expect(await again.get('starface.adminPassword')).toBe(SECRET);
    expect(await again.names()).toEqual(['microsoft.clientSecret', 'starface.adminPassword']);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('stores many secrets in one write (2,000 UCI passwords), readable after reopen, no plaintext', async () => {
    const file = path.join(tmp(), 'secrets.vault');
    const v = await openVault({ file, keychain: missingKeychain(), passphrase: 'pp' });
    await v.set('starface.user.0001.password', 'old');
    const writes = vi.spyOn(v, 'writeMap');
    const entries = Array.from({ length: 2000 }, (_, i) => [`starface.user.${1000 + i}.password`, `pw-${i}-${SECRET}`] as [string, string]);
    await setSecrets(v, [...entries, ['starface.user.0001.password', 'new']]);
    expect(writes).toHaveBeenCalledTimes(1);
    // Nothing changed: no write at all.
    await v.setMany(entries.slice(0, 10));
    expect(writes).toHaveBeenCalledTimes(1);
    assertNoPlaintext(file, `pw-1999-${SECRET}`);

    const again = await openVault({ file, keychain: missingKeychain(), passphrase: 'pp' });
    expect(await again.names()).toHaveLength(2001);
    expect(await again.get('starface.user.2999.password')).toBe(`pw-1999-${SECRET}`);
    expect(await again.get('starface.user.0001.password')).toBe('new');
  });

  it('stores none of a batch with a bad name, and leaves the file as it is', async () => {
    const file = path.join(tmp(), 'secrets.vault');
    const v = await openVault({ file, keychain: missingKeychain(), passphrase: 'pp' });
    await v.set('x', SECRET);
    const before = fs.readFileSync(file);
    expect((await vaultError(v.setMany([['a', '1'], ['', '2']]))).code).toBe('invalid-name');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(await v.names()).toEqual(['x']);
  });

  it('reads the file once for many gets, and still sees writes by another vault, edits on disk and deletion', async () => {
    const file = path.join(tmp(), 'secrets.vault');
    const writer = await openVault({ file, keychain: missingKeychain(), passphrase: 'pp' });
    const names = Array.from({ length: 2000 }, (_, i) => `starface.user.${1000 + i}.password`);
    await setSecrets(writer, names.map((n, i) => [n, `pw-${i}-${SECRET}`] as const));

    const reads = vi.spyOn(fs.promises, 'readFile');
    try {
      const v = await openVault({ file, keychain: missingKeychain(), passphrase: 'pp' });
      expect(reads).toHaveBeenCalledTimes(1); // opening proves the key by decrypting once
      // 2,000 UCI logins asking at once, then one by one: no further read of the file.
      const all = await Promise.all(names.map((n) => v.get(n)));
      expect(all[1999]).toBe(`pw-1999-${SECRET}`);
      for (const n of names.slice(0, 200)) expect(await v.get(n)).toBeDefined();
      expect(await v.names()).toHaveLength(2000);
      expect(reads).toHaveBeenCalledTimes(1);

      // Its own write updates what it holds, without reading the file back.
      await v.set('msal.cache', 'tokens-1');
      expect(await v.get('msal.cache')).toBe('tokens-1');
      expect(reads).toHaveBeenCalledTimes(1);

      // Another vault on the same file (as another process would): the next get loads the file once.
      await writer.set('msal.cache', 'tokens-2');
      expect(await v.get('msal.cache')).toBe('tokens-2');
      expect(await v.get(names[0]!)).toBe(`pw-0-${SECRET}`);
      const afterOther = reads.mock.calls.length;
      expect(afterOther).toBeGreaterThan(1);

      // An edit in place (same inode): an older version of the file copied back over it is seen.
      const older = fs.readFileSync(file);
      await v.set('msal.cache', 'tokens-3, a longer value');
      expect(await v.get('msal.cache')).toBe('tokens-3, a longer value');
      fs.writeFileSync(file, older);
      expect(await v.get('msal.cache')).toBe('tokens-2');

      // Damage on disk is reported, not hidden by the copy in memory.
      flipCiphertextByte(file);
      expect((await vaultError(v.get('msal.cache'))).code).toBe('tampered');

      // Deleted while open: the secrets it held are reported lost, never silently replaced by an empty vault.
      fs.writeFileSync(file, older);
      expect(await v.get('msal.cache')).toBe('tokens-2');
      fs.rmSync(file);
      const lost = await vaultError(v.get('msal.cache'));
      expect(lost.code).toBe('lost');
      expect(lost.message).toMatch(/was deleted while Presence Bridge was running; the 2001 secrets it held are lost/);
      expect((await vaultError(v.set('after', 'deletion'))).code).toBe('lost');
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      reads.mockRestore();
    }
  });

  it('an empty vault deleted while open is simply created again on the next write (nothing was lost)', async () => {
    const file = path.join(tmp(), 'secrets.vault');
    const v = await openVault({ file, keychain: missingKeychain(), passphrase: 'pp' });
    expect(v.created).toBe(true);
    fs.rmSync(file);
    expect(await v.names()).toEqual([]);
    await v.set('after', 'deletion');
    const again = await openVault({ file, keychain: missingKeychain(), passphrase: 'pp' });
    expect(again.created).toBe(false);
    expect(await again.names()).toEqual(['after']);
  });

  it('a keychain vault whose file was deleted keeps its key: the new vault says so, and a backup still opens (issue 13 item 7)', async () => {
    const file = path.join(tmp(), 'secrets.vault');
    const { keychain, store } = memoryKeychain();
    const v = await openVault({ file, keychain });
    await v.set('starface.adminPassword', SECRET);
    const backup = fs.readFileSync(file);
    const key = [...store.values()][0];
    fs.rmSync(file);

    const fresh = await openVault({ file, keychain });
    expect(fresh.created).toBe(true);
    expect(fresh.previousKeyFound).toBe(true);
    expect(await fresh.names()).toEqual([]);
    expect([...store.values()]).toEqual([key]);
    // Putting the backup back works: the key was never replaced.
    fs.writeFileSync(file, backup);
    expect(await (await openVault({ file, keychain })).get('starface.adminPassword')).toBe(SECRET);
  });

  it('takes the passphrase from PRESENCE_BRIDGE_VAULT_PASSPHRASE', async () => {
    const file = path.join(tmp(), 'secrets.vault');
    process.env[VAULT_PASSPHRASE_ENV] = 'from the environment';
    const v = await openVault({ file, keychain: lockedKeychain });
    await v.set('a', '1');
    expect(await (await openVault({ file, keychain: lockedKeychain })).get('a')).toBe('1');
    delete process.env[VAULT_PASSPHRASE_ENV];
    const err = await vaultError(openVault({ file, keychain: lockedKeychain }));
    expect(err.code).toBe('passphrase-required');
    expect(err.message).toContain(VAULT_PASSPHRASE_ENV);
  });

  it('reports a wrong passphrase as wrong-key and keeps the file', async () => {
    const file = path.join(tmp(), 'secrets.vault');
    const v = await openVault({ file, keychain: missingKeychain(), passphrase: 'right' });
    await v.set('x', SECRET);
    const before = fs.readFileSync(file);
    const err = await vaultError(openVault({ file, keychain: missingKeychain(), passphrase: 'wrong' }));
    expect(err.code).toBe('wrong-key');
    expect(err.message).toMatch(/passphrase does not open/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('detects a flipped byte as tampered and never overwrites the damaged file', async () => {
    const file = path.join(tmp(), 'secrets.vault');
    const v = await openVault({ file, keychain: missingKeychain(), passphrase: 'pp' });
    await v.set('x', SECRET);
    flipCiphertextByte(file);
    const damaged = fs.readFileSync(file);
    expect((await vaultError(openVault({ file, keychain: missingKeychain(), passphrase: 'pp' }))).code).toBe('tampered');
    // The already open vault refuses too, and leaves the file as it is.
    expect((await vaultError(v.set('y', 'z'))).code).toBe('tampered');
    expect((await vaultError(v.get('x'))).code).toBe('tampered');
    expect(fs.readFileSync(file).equals(damaged)).toBe(true);
  });

  it('detects a modified header (authenticated data) and a non-vault file', async () => {
    const file = path.join(tmp(), 'secrets.vault');
    const v = await openVault({ file, keychain: missingKeychain(), passphrase: 'pp' });
    await v.set('x', SECRET);
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as { kdf: { N: number } };
    j.kdf.N = 2 ** 14;
    fs.writeFileSync(file, JSON.stringify(j));
    const e1 = await vaultError(openVault({ file, keychain: missingKeychain(), passphrase: 'pp' }));
    expect(['wrong-key', 'tampered']).toContain(e1.code);

    fs.writeFileSync(file, 'hello, not json');
    const e2 = await vaultError(openVault({ file, keychain: missingKeychain(), passphrase: 'pp' }));
    expect(e2.code).toBe('tampered');
    expect(e2.message).toContain(file);
    expect(fs.readFileSync(file, 'utf8')).toBe('hello, not json');

    const backup = await moveVaultAside(file);
    expect(fs.readFileSync(backup, 'utf8')).toBe('hello, not json');
    const fresh = await openVault({ file, keychain: missingKeychain(), passphrase: 'pp' });
    expect(await fresh.names()).toEqual([]);
  });

  it('refuses key derivation parameters it never writes (scrypt N=2^20, r=32: 4 GiB) before deriving any key (issue 13 item 6)', async () => {
    const file = path.join(tmp(), 'secrets.vault');
    const v = await openVault({ file, keychain: missingKeychain(), passphrase: 'pp' });
    await v.set('x', SECRET);
    const good = JSON.parse(fs.readFileSync(file, 'utf8')) as { kdf: { N: number; r: number; p: number; salt: string }; iv: string };
    const scrypt = vi.spyOn(crypto, 'scrypt');
    try {
      for (const kdf of [{ N: 2 ** 20, r: 32 }, { N: 2 ** 15, r: 9 }, { p: 2 }, { N: 3 * 2 ** 14 }, { N: 2 ** 13 }, { salt: 'AA==' }]) {
        fs.writeFileSync(file, JSON.stringify({ ...good, kdf: { ...good.kdf, ...kdf } }));
        const err = await vaultError(openVault({ file, keychain: missingKeychain(), passphrase: 'pp' }));
        expect(err.code, JSON.stringify(kdf)).toBe('tampered');
        expect(err.message).toMatch(/damaged or from another program/);
        expect(err.message).not.toMatch(/passphrase does not open/);
      }
      fs.writeFileSync(file, JSON.stringify({ ...good, iv: Buffer.alloc(4096).toString('base64') }));
      expect((await vaultError(openVault({ file, keychain: missingKeychain(), passphrase: 'pp' }))).message).toMatch(/damaged or from another program/);
      expect(scrypt).not.toHaveBeenCalled();
    } finally {
      scrypt.mockRestore();
    }
    // The parameters this version writes still open it.
    fs.writeFileSync(file, JSON.stringify(good));
    expect(await (await openVault({ file, keychain: missingKeychain(), passphrase: 'pp' })).get('x')).toBe(SECRET);
    expect(good.kdf).toMatchObject({ N: 2 ** 15, r: 8, p: 1 });
  });

  it('opening a keychain vault while the keychain is locked says so (not "key missing")', async () => {
    const file = path.join(tmp(), 'secrets.vault');
    const { keychain: working } = memoryKeychain();
    const v = await openVault({ file, keychain: working });
    expect(v.keySource).toBe('keychain');
    await v.set('x', SECRET);
    const err = await vaultError(openVault({ file, keychain: lockedKeychain, passphrase: 'irrelevant' }));
    expect(err.code).toBe('no-keychain');
    expect(err.message).toMatch(/unlock/);
  });

  it('refuses a vault from a newer format version', async () => {
    const file = path.join(tmp(), 'secrets.vault');
    await openVault({ file, keychain: missingKeychain(), passphrase: 'pp' });
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number };
    j.version = 99;
    fs.writeFileSync(file, JSON.stringify(j));
    expect((await vaultError(openVault({ file, keychain: missingKeychain(), passphrase: 'pp' }))).code).toBe('unsupported');
  });
});

describe('MemorySecretStore', () => {
  it('stores, lists and deletes secrets', async () => {
    const s = new MemorySecretStore({ b: '2' });
    await s.set('a', '1');
    expect(await s.names()).toEqual(['a', 'b']);
    await s.delete('b');
    expect(await s.get('b')).toBeUndefined();
    await expect(s.set('', 'x')).rejects.toBeInstanceOf(VaultError);
  });

  it('stores many at once, all or nothing', async () => {
    const s = new MemorySecretStore({ a: '0' });
    await s.setMany(new Map([['a', '1'], ['b', '2']]));
    expect([await s.get('a'), await s.get('b')]).toEqual(['1', '2']);
    await expect(s.setMany([['c', '3'], ['', 'x']])).rejects.toBeInstanceOf(VaultError);
    expect(await s.names()).toEqual(['a', 'b']);
  });

  it('setSecrets falls back to one set per entry for a store without setMany', async () => {
    const calls: string[] = [];
    const plain: SecretStore = {
      get: async () => undefined,
      set: async (name) => { calls.push(name); },
      delete: async () => undefined,
      names: async () => [],
    };
    await setSecrets(plain, [['a', '1'], ['b', '2']]);
    expect(calls).toEqual(['a', 'b']);
  });
});

const haveKeychain = process.env.PRESENCE_BRIDGE_TEST_KEYCHAIN === '1';
const reason = haveKeychain ? '' : ' — SKIPPED: needs a real Secret Service; run `npm test` or `node scripts/run-tests.mjs test/integration/platform-vault.test.ts` (sets PRESENCE_BRIDGE_TEST_KEYCHAIN=1)';

describe.skipIf(!haveKeychain)(`vault with the real OS keychain${reason}`, () => {
  const service = `presence-bridge-test-${crypto.randomBytes(4).toString('hex')}`;
  const keychain = osKeychain();
  const accounts = new Set<string>();
  const vaultFile = (): string => {
    const f = path.join(tmp(), 'secrets.vault');
    accounts.add(keychainAccountFor(f));
    return f;
  };
  afterAll(async () => {
    for (const a of accounts) await keychain.delete(service, a).catch(() => false);
  });

  it('round trip across reopen; the key lives in the keychain, the file is 0600 and holds no plaintext', async () => {
    const file = vaultFile();
    const v = await openVault({ file, service });
    expect(v.keySource).toBe('keychain');
    await v.set('starface.user.1001.password', SECRET);
    await v.set('msal.cache', JSON.stringify({ RefreshToken: { x: { secret: 'refresh-abc' } } }));
    const key = await keychain.get(service, keychainAccountFor(file));
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    assertNoPlaintext(file, SECRET, 'refresh-abc', key!);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const header = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(header).toMatchObject({ keySource: 'keychain', keychain: { service, account: keychainAccountFor(file) } });

    const again = await openVault({ file, service });
    expect(await again.get('starface.user.1001.password')).toBe(SECRET);
    await again.delete('starface.user.1001.password');
    expect(await (await openVault({ file, service })).names()).toEqual(['msal.cache']);
  });

  it('gives two vault files two keychain entries that do not collide', async () => {
    const f1 = vaultFile();
    const f2 = vaultFile();
    expect(keychainAccountFor(f1)).not.toBe(keychainAccountFor(f2));
    const v1 = await openVault({ file: f1, service });
    const v2 = await openVault({ file: f2, service });
    await v1.set('n', 'one');
    await v2.set('n', 'two');
    expect(await (await openVault({ file: f1, service })).get('n')).toBe('one');
    expect(await (await openVault({ file: f2, service })).get('n')).toBe('two');
  });

  it('a replaced keychain entry is reported as wrong-key, and the file is kept', async () => {
    const file = vaultFile();
    const v = await openVault({ file, service });
    await v.set('x', SECRET);
    const before = fs.readFileSync(file);
    await keychain.set(service, keychainAccountFor(file), crypto.randomBytes(32).toString('base64'));
    const err = await vaultError(openVault({ file, service }));
    expect(err.code).toBe('wrong-key');
    expect(err.message).toMatch(/keychain entry was replaced/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('a deleted keychain entry is reported as key-missing', async () => {
    const file = vaultFile();
    await openVault({ file, service });
    await keychain.delete(service, keychainAccountFor(file));
    const err = await vaultError(openVault({ file, service }));
    expect(err.code).toBe('key-missing');
  });

  it('a flipped byte is reported as tampered', async () => {
    const file = vaultFile();
    const v = await openVault({ file, service });
    await v.set('x', SECRET);
    flipCiphertextByte(file);
    expect((await vaultError(openVault({ file, service }))).code).toBe('tampered');
  });

  it('serialises concurrent writes: none is lost', async () => {
    const file = vaultFile();
    const v = await openVault({ file, service });
    const other = await openVault({ file, service });
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? v : other).set(`k${i}`, `v${i}`)));
    const names = await (await openVault({ file, service })).names();
    expect(names).toHaveLength(30);
    expect(await v.get('k29')).toBe('v29');
    await v.set('__proto__', 'plain entry');
    expect(await (await openVault({ file, service })).get('__proto__')).toBe('plain entry');
  });
});
