// The secret vault: one file holding a JSON map name→secret, encrypted as a whole with AES-256-GCM under a
// random 256-bit data key that lives in the OS keychain (Secret Service, macOS Keychain, Windows Credential
// Manager). Where no keychain exists (headless Linux), a passphrase derives the key with scrypt instead.
// There is never a plaintext fallback, and a file that cannot be decrypted is never overwritten.
//
// File layout (JSON, mode 0600):
//   { format, version, keySource: 'keychain'|'passphrase', keychain?: {service, account}, kdf?: {scrypt params,
//     salt}, keyCheck, cipher, iv, tag, data }
// The header fields are authenticated as GCM additional data; keyCheck (an HMAC of a constant under the key)
// tells a wrong key apart from a damaged file.
import crypto from 'node:crypto';
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import { BridgeError, type VAULT_ERROR_CODES } from '../core/errors.js';
import { readIfExists, writeFileAtomic } from './atomic-file.js';

export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  /**
   * Many secrets at once (e.g. 2,000 imported UCI passwords): all names are checked first, then one write.
   * Optional: callers go through setSecrets(), which falls back to one set() per entry.
   */
  setMany?(entries: Iterable<readonly [string, string]>): Promise<void>;
  delete(name: string): Promise<void>;
  names(): Promise<string[]>;
}

/** Stores many secrets, in one write where the store supports it (the vault rewrites its whole file per set). */
export async function setSecrets(store: SecretStore, entries: Iterable<readonly [string, string]>): Promise<void> {
  if (store.setMany) {
    await store.setMany(entries);
    return;
  }
  for (const [name, value] of entries) await store.set(name, value);
}

export type VaultErrorCode = (typeof VAULT_ERROR_CODES)[number];

export class VaultError extends BridgeError {
  override readonly name = 'VaultError';
  constructor(readonly code: VaultErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The OS keychain, reduced to what the vault needs. Errors mean "keychain not usable". */
export interface KeychainBackend {
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, value: string): Promise<void>;
  delete(service: string, account: string): Promise<boolean>;
}

export type KeySource = 'keychain' | 'passphrase';

export interface OpenVaultOptions {
  file: string;
  /** Keychain service name; default 'presence-bridge'. */
  service?: string;
  /** Used where the keychain is unavailable (or keySource 'passphrase'); default env PRESENCE_BRIDGE_VAULT_PASSPHRASE. */
  passphrase?: string;
  /** For a new vault: 'auto' (default) prefers the keychain and falls back to a passphrase. */
  keySource?: 'auto' | KeySource;
  /** Injectable keychain (tests); default: the OS keychain through @napi-rs/keyring. */
  keychain?: KeychainBackend;
}

export const DEFAULT_VAULT_SERVICE = 'presence-bridge';
export const VAULT_PASSPHRASE_ENV = 'PRESENCE_BRIDGE_VAULT_PASSPHRASE';
const FORMAT = 'presence-bridge-vault';
const VERSION = 1;
const CIPHER = 'aes-256-gcm';
const KEY_CHECK_LABEL = 'presence-bridge vault key check v1';
const SCRYPT_DEFAULT = { N: 2 ** 15, r: 8, p: 1 } as const;
/**
 * The only key derivation parameters a vault may carry: what this version writes (N 2^15) and the documented
 * range around it (N a power of two from 2^14 to 2^17, i.e. 16–128 MiB and well under a second; r 8; p 1; a
 * 16–64 byte salt). Anything else is not our file, and is refused before any expensive work: a header asking
 * for N 2^20, r 32 would take 4 GiB and many seconds, only to end in "wrong passphrase".
 */
const SCRYPT_ACCEPTED = { minLog2N: 14, maxLog2N: 17, r: 8, p: 1, minSaltBytes: 16, maxSaltBytes: 64 } as const;
/** Sizes of the AES-256-GCM fields and of the key check (bytes). */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_CHECK_BYTES = 16;
const MAX_NAME = 200;

interface KdfParams { name: 'scrypt'; salt: string; N: number; r: number; p: number }
interface VaultHeader {
  format: typeof FORMAT;
  version: number;
  keySource: KeySource;
  keychain?: { service: string; account: string };
  kdf?: KdfParams;
  keyCheck: string;
}
interface VaultFile extends VaultHeader { cipher: typeof CIPHER; iv: string; tag: string; data: string }

// ---------------------------------------------------------------------------------------------------------

export class MemorySecretStore implements SecretStore {
  private readonly map = new Map<string, string>();
  constructor(initial?: Record<string, string>) {
    for (const [k, v] of Object.entries(initial ?? {})) this.map.set(k, v);
  }
  async get(name: string): Promise<string | undefined> {
    return this.map.get(name);
  }
  async set(name: string, value: string): Promise<void> {
    checkEntry(name, value);
    this.map.set(name, value);
  }
  async setMany(entries: Iterable<readonly [string, string]>): Promise<void> {
    for (const [name, value] of checkedEntries(entries)) this.map.set(name, value);
  }
  async delete(name: string): Promise<void> {
    this.map.delete(name);
  }
  async names(): Promise<string[]> {
    return [...this.map.keys()].sort();
  }
}

/** The keychain account for a vault file: derived from its absolute path, so two vaults never share a key. */
export function keychainAccountFor(file: string): string {
  const abs = path.resolve(file);
  const norm = process.platform === 'win32' ? abs.toLowerCase() : abs;
  return `vault-${crypto.createHash('sha256').update(norm).digest('hex').slice(0, 24)}`;
}

/** The OS keychain via @napi-rs/keyring, loaded on first use so a missing native binary means "no keychain". */
export function osKeychain(): KeychainBackend {
  type Mod = typeof import('@napi-rs/keyring');
  let mod: Promise<Mod> | undefined;
  const load = (): Promise<Mod> => (mod ??= import('@napi-rs/keyring'));
  return {
    async get(service, account) {
      const { AsyncEntry } = await load();
      return new AsyncEntry(service, account).getPassword();
    },
    async set(service, account, value) {
      const { AsyncEntry } = await load();
      await new AsyncEntry(service, account).setPassword(value);
    },
    async delete(service, account) {
      const { AsyncEntry } = await load();
      return new AsyncEntry(service, account).deletePassword();
    },
  };
}

export async function openVault(opts: OpenVaultOptions): Promise<Vault> {
  const file = path.resolve(opts.file);
  const keychain = opts.keychain ?? osKeychain();
  const passphrase = opts.passphrase ?? (process.env[VAULT_PASSPHRASE_ENV] || undefined);
  return withLock(file, async () => {
    const stamp = await fileStamp(file); // before the read: see Vault.readMap()
    const text = await readVaultText(file);
    if (text !== undefined) {
      const parsed = parseVaultFile(file, text);
      const key = await keyForExisting(file, parsed, keychain, passphrase);
      // Prove we can read it now rather than on first use; the result is the first cached copy.
      const map = decrypt(file, parsed, key);
      return new Vault(file, headerOf(parsed), key, { created: false, previousKeyFound: false }, stamp === undefined ? undefined : { stamp, map });
    }
    const { header, key, previousKeyFound } = await createKey(file, opts.service ?? DEFAULT_VAULT_SERVICE, opts.keySource ?? 'auto', keychain, passphrase);
    const vault = new Vault(file, header, key, { created: true, previousKeyFound });
    await vault.writeMap(new Map());
    return vault;
  });
}

/**
 * Moves an unreadable vault file aside (as `<file>.unreadable-<timestamp>`) so a fresh vault can be created;
 * returns the backup path. The data stays in the backup in case the right key turns up.
 */
export async function moveVaultAside(file: string): Promise<string> {
  const backup = `${path.resolve(file)}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await fsp.rename(path.resolve(file), backup);
  return backup;
}

/**
 * The decrypted map of the file as it was when `stamp` (see fileStamp) was taken. Every read compares the
 * file's current stamp with it, so a write by another Vault or process (or an edit) is seen on the next read,
 * while repeated reads of an unchanged file cost one stat instead of read + parse + decrypt of every secret.
 */
interface CachedMap { stamp: string; map: Map<string, string> }

export class Vault implements SecretStore {
  private cache?: CachedMap;
  /** The load in progress, shared by concurrent reads (2,000 UCI logins starting at once read it once). */
  private loading?: { stamp: string; promise: Promise<Map<string, string>> };
  /** How many secrets the file held when last read or written: a deletion with secrets in it is a loss. */
  private knownCount: number;
  /** True when openVault found no file and created this vault (first start, or the file was deleted). */
  readonly created: boolean;
  /**
   * True when the file was missing but the OS keychain still held a key for it: a vault existed here and was
   * deleted or moved. The key is kept (not replaced), so a backup of the file still opens.
   */
  readonly previousKeyFound: boolean;

  /** @internal created by openVault */
  constructor(readonly file: string, private readonly header: VaultHeader, private readonly key: Buffer, origin: { created: boolean; previousKeyFound: boolean }, initial?: CachedMap) {
    this.cache = initial;
    this.knownCount = initial?.map.size ?? 0;
    this.created = origin.created;
    this.previousKeyFound = origin.previousKeyFound;
  }

  get keySource(): KeySource {
    return this.header.keySource;
  }

  async get(name: string): Promise<string | undefined> {
    return (await this.readMap()).get(name);
  }

  async names(): Promise<string[]> {
    return [...(await this.readMap()).keys()].sort();
  }

  async set(name: string, value: string): Promise<void> {
    checkEntry(name, value);
    await withLock(this.file, async () => {
      const map = new Map(await this.readMap()); // a copy: the cached map must not change if the write fails
      if (map.get(name) === value) return;
      map.set(name, value);
      await this.writeMap(map);
    });
  }

  /** One read-modify-write for all entries (a later entry of the same name wins); no write when nothing changes. */
  async setMany(entries: Iterable<readonly [string, string]>): Promise<void> {
    const checked = checkedEntries(entries);
    if (checked.length === 0) return;
    await withLock(this.file, async () => {
      const map = new Map(await this.readMap());
      let changed = false;
      for (const [name, value] of checked) {
        if (map.get(name) === value) continue;
        map.set(name, value);
        changed = true;
      }
      if (changed) await this.writeMap(map);
    });
  }

  async delete(name: string): Promise<void> {
    await withLock(this.file, async () => {
      const map = new Map(await this.readMap());
      if (!map.delete(name)) return;
      await this.writeMap(map);
    });
  }

  /** @internal */
  async writeMap(map: Map<string, string>): Promise<void> {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv(CIPHER, this.key, iv);
    cipher.setAAD(aadOf(this.header));
    const data = Buffer.concat([cipher.update(JSON.stringify(Object.fromEntries(map)), 'utf8'), cipher.final()]);
    const out: VaultFile = {
      ...this.header,
      cipher: CIPHER,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    this.cache = undefined;
    try {
      await writeFileAtomic(this.file, `${JSON.stringify(out, null, 1)}\n`, { mode: 0o600 });
    } catch (err) {
      throw new VaultError('io', `Cannot save the secret vault ${this.file}: ${(err as Error).message}`, { cause: err });
    }
    // Stamp of the file just written (the rename gave it a new inode). Another process replacing it within the
    // microseconds before this stat would go unseen until the file changes again; writers in this process are
    // serialised by withLock.
    const stamp = await fileStamp(this.file).catch(() => undefined);
    if (stamp !== undefined) this.cache = { stamp, map: new Map(map) };
    this.knownCount = map.size;
  }

  /** The current secrets; shared with the cache, so callers that change it must copy it first. */
  private async readMap(): Promise<Map<string, string>> {
    // The stamp is taken before the content is read: a change in between leaves an older stamp in the cache,
    // which only causes one more load next time — never a stale answer.
    const stamp = await fileStamp(this.file);
    if (stamp === undefined) {
      this.cache = undefined;
      // Deleted behind our back. With secrets in it they are lost: say so on every use, never recreate it
      // silently. An empty vault lost nothing: the next write creates it again with the same key.
      if (this.knownCount > 0) {
        throw new VaultError('lost', `The secret vault ${this.file} was deleted while Presence Bridge was running; the ${this.knownCount} secrets it held are lost. Put the file back from a backup, or restart Presence Bridge and enter the secrets again (it lists which ones).`);
      }
      return new Map();
    }
    if (this.cache?.stamp === stamp) return this.cache.map;
    if (this.loading?.stamp !== stamp) {
      const loading = { stamp, promise: this.load(stamp) };
      this.loading = loading;
      const done = (): void => {
        if (this.loading === loading) this.loading = undefined;
      };
      loading.promise.then(done, done);
    }
    return this.loading.promise;
  }

  private async load(stamp: string): Promise<Map<string, string>> {
    const text = await readVaultText(this.file);
    if (text === undefined) return new Map();
    const parsed = parseVaultFile(this.file, text);
    if (parsed.keyCheck !== this.header.keyCheck) {
      throw new VaultError('wrong-key', `The secret vault ${this.file} was replaced by one with a different key while the app was running — restart the app.`);
    }
    const map = decrypt(this.file, parsed, this.key);
    this.cache = { stamp, map };
    this.knownCount = map.size;
    return map;
  }
}

// ---------------------------------------------------------------------------------------------------------

async function keyForExisting(file: string, v: VaultFile, keychain: KeychainBackend, passphrase: string | undefined): Promise<Buffer> {
  if (v.keySource === 'passphrase') {
    if (!passphrase) {
      throw new VaultError('passphrase-required', `The secret vault ${file} is protected by a passphrase — set the environment variable ${VAULT_PASSPHRASE_ENV} to it and start again.`);
    }
    const key = await deriveKey(passphrase, v.kdf!);
    if (keyCheckOf(key) !== v.keyCheck) {
      throw new VaultError('wrong-key', `The passphrase does not open the secret vault ${file} — check ${VAULT_PASSPHRASE_ENV}.`);
    }
    return key;
  }
  const { service, account } = v.keychain!;
  let stored: string | null;
  try {
    stored = await keychain.get(service, account);
  } catch (err) {
    throw noKeychainForExisting(file, err);
  }
  if (stored === null) {
    // Some keychains answer "nothing" when they are locked or absent; tell those apart from a lost key.
    const problem = await probeKeychain(keychain, service);
    if (problem) throw noKeychainForExisting(file, problem);
    throw new VaultError('key-missing', `The OS keychain holds no key for the secret vault ${file} (entry "${service}" / "${account}"); it was deleted or belongs to another user account. The stored secrets cannot be recovered: move the vault aside and enter the secrets again.`);
  }
  const key = Buffer.from(stored, 'base64');
  if (key.length !== 32 || keyCheckOf(key) !== v.keyCheck) {
    throw new VaultError('wrong-key', `The key in the OS keychain (entry "${service}" / "${account}") does not open the secret vault ${file} — the keychain entry was replaced. Restore it, or move the vault aside and enter the secrets again.`);
  }
  return key;
}

async function createKey(
  file: string,
  service: string,
  source: 'auto' | KeySource,
  keychain: KeychainBackend,
  passphrase: string | undefined,
): Promise<{ header: VaultHeader; key: Buffer; previousKeyFound: boolean }> {
  let keychainProblem: unknown;
  if (source !== 'passphrase') {
    const account = keychainAccountFor(file);
    const header = (key: Buffer): VaultHeader => ({ format: FORMAT, version: VERSION, keySource: 'keychain', keychain: { service, account }, keyCheck: keyCheckOf(key) });
    try {
      // A key already stored for this file means its vault was deleted or moved: keep that key (a backup of the
      // file must still open) and let the caller report the lost secrets.
      const existing = Buffer.from((await keychain.get(service, account)) ?? '', 'base64');
      if (existing.length === 32) return { key: existing, header: header(existing), previousKeyFound: true };
      const key = crypto.randomBytes(32);
      await keychain.set(service, account, key.toString('base64'));
      // Read it back: a keychain that silently drops writes must not leave us with an unopenable vault.
      if ((await keychain.get(service, account)) !== key.toString('base64')) throw new Error('the key read back differs from the key written');
      return { key, header: header(key), previousKeyFound: false };
    } catch (err) {
      keychainProblem = err;
    }
  }
  if (source !== 'keychain' && passphrase) {
    const kdf: KdfParams = { name: 'scrypt', salt: crypto.randomBytes(16).toString('base64'), ...SCRYPT_DEFAULT };
    const key = await deriveKey(passphrase, kdf);
    return { key, header: { format: FORMAT, version: VERSION, keySource: 'passphrase', kdf, keyCheck: keyCheckOf(key) }, previousKeyFound: false };
  }
  if (source === 'passphrase') {
    throw new VaultError('passphrase-required', `A passphrase-protected vault was requested for ${file} but no passphrase is set — set the environment variable ${VAULT_PASSPHRASE_ENV}.`);
  }
  throw new VaultError(
    'no-keychain',
    `No OS keychain is available to protect the secret vault ${file} (${describe(keychainProblem)}). ` +
      `Install and unlock a Secret Service such as gnome-keyring (Linux: the packages gnome-keyring and dbus, in a logged-in desktop session), ` +
      `or set the environment variable ${VAULT_PASSPHRASE_ENV} to a long passphrase to encrypt the vault with it instead.`,
    { cause: keychainProblem },
  );
}

async function probeKeychain(keychain: KeychainBackend, service: string): Promise<unknown> {
  const account = `probe-${crypto.randomBytes(6).toString('hex')}`;
  try {
    await keychain.set(service, account, 'probe');
    await keychain.delete(service, account);
    return undefined;
  } catch (err) {
    return err;
  }
}

function noKeychainForExisting(file: string, err: unknown): VaultError {
  return new VaultError(
    'no-keychain',
    `The secret vault ${file} is protected by a key in the OS keychain, but the keychain is not usable (${describe(err)}) — ` +
      `unlock the keychain (log in to the desktop session; on Linux start and unlock gnome-keyring) and try again.`,
    { cause: err },
  );
}

function parseVaultFile(file: string, text: string): VaultFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw damaged(file, 'it is not valid JSON');
  }
  const o = v as Partial<VaultFile> | null;
  if (!o || typeof o !== 'object' || o.format !== FORMAT) throw damaged(file, 'it is not a Presence Bridge vault');
  if (typeof o.version !== 'number') throw damaged(file, 'its version is missing');
  if (o.version > VERSION) {
    throw new VaultError('unsupported', `The secret vault ${file} was written by a newer version of Presence Bridge (format ${o.version}) — update the app.`);
  }
  const b64 = (x: unknown): boolean => typeof x === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(x);
  if (o.cipher !== CIPHER || !b64(o.iv) || !b64(o.tag) || !b64(o.data) || !b64(o.keyCheck)) throw damaged(file, 'its fields are incomplete');
  if (bytes(o.iv!) !== IV_BYTES || bytes(o.tag!) !== TAG_BYTES || bytes(o.keyCheck!) !== KEY_CHECK_BYTES) throw damaged(file, 'its cipher fields have the wrong size');
  if (o.keySource === 'keychain') {
    if (typeof o.keychain?.service !== 'string' || typeof o.keychain.account !== 'string') throw damaged(file, 'its keychain entry name is missing');
  } else if (o.keySource === 'passphrase') {
    const problem = kdfProblem(o.kdf);
    if (problem) throw damaged(file, problem);
  } else {
    throw damaged(file, 'its key source is unknown');
  }
  return o as VaultFile;
}

function bytes(b64: string): number {
  return Buffer.from(b64, 'base64').length;
}

/** Why these key derivation parameters are not ones this version accepts (see SCRYPT_ACCEPTED), if they are not. */
function kdfProblem(k: Partial<KdfParams> | undefined): string | undefined {
  const a = SCRYPT_ACCEPTED;
  if (!k || k.name !== 'scrypt' || typeof k.salt !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(k.salt)) return 'its key derivation parameters are missing';
  const log2N = Number.isInteger(k.N) && k.N! > 0 ? Math.log2(k.N!) : NaN;
  const saltBytes = bytes(k.salt);
  if (!Number.isInteger(log2N) || log2N < a.minLog2N || log2N > a.maxLog2N || k.r !== a.r || k.p !== a.p || saltBytes < a.minSaltBytes || saltBytes > a.maxSaltBytes) {
    const shown = (n: unknown): string => (typeof n === 'number' && Number.isFinite(n) ? String(n) : '?');
    return `its key derivation parameters (scrypt N=${shown(k.N)}, r=${shown(k.r)}, p=${shown(k.p)}, ${saltBytes}-byte salt) are not ones Presence Bridge writes ` +
      `(N 2^${a.minLog2N}–2^${a.maxLog2N}, r ${a.r}, p ${a.p}, ${a.minSaltBytes}–${a.maxSaltBytes}-byte salt)`;
  }
  return undefined;
}

function decrypt(file: string, v: VaultFile, key: Buffer): Map<string, string> {
  let plain: string;
  try {
    const decipher = crypto.createDecipheriv(CIPHER, key, Buffer.from(v.iv, 'base64'));
    decipher.setAAD(aadOf(headerOf(v)));
    decipher.setAuthTag(Buffer.from(v.tag, 'base64'));
    plain = Buffer.concat([decipher.update(Buffer.from(v.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new VaultError('tampered', `The secret vault ${file} is damaged or was modified (its authentication check failed). It was left as it is; restore it from a backup, or move it aside and enter the secrets again.`);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(plain);
  } catch {
    throw damaged(file, 'its decrypted content is not JSON');
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw damaged(file, 'its content is not a map of secrets');
  // A Map, not a plain object: a secret named "__proto__" must stay an ordinary entry.
  return new Map(Object.entries(obj).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function damaged(file: string, why: string): VaultError {
  return new VaultError('tampered', `The secret vault ${file} is damaged or from another program: ${why}. It was left as it is; restore it from a backup, or move it aside and enter the secrets again.`);
}

function headerOf(v: VaultHeader): VaultHeader {
  const h: VaultHeader = { format: v.format, version: v.version, keySource: v.keySource, keyCheck: v.keyCheck };
  if (v.keychain) h.keychain = { service: v.keychain.service, account: v.keychain.account };
  if (v.kdf) h.kdf = { name: v.kdf.name, salt: v.kdf.salt, N: v.kdf.N, r: v.kdf.r, p: v.kdf.p };
  return h;
}

function aadOf(h: VaultHeader): Buffer {
  // Fixed field order so the same header always gives the same bytes.
  return Buffer.from(JSON.stringify([h.format, h.version, h.keySource, h.keychain?.service ?? null, h.keychain?.account ?? null, h.kdf ?? null, h.keyCheck]));
}

function keyCheckOf(key: Buffer): string {
  return crypto.createHmac('sha256', key).update(KEY_CHECK_LABEL).digest().subarray(0, 16).toString('base64');
}

function deriveKey(passphrase: string, kdf: KdfParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * What identifies one version of the file without reading it: inode, size, modification and change time (ns).
 * An atomic replace (ours or another process's) always gives a new inode; an in-place edit changes size or the
 * times. Undefined when the file does not exist.
 */
async function fileStamp(file: string): Promise<string | undefined> {
  try {
    const st = await fsp.stat(file, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new VaultError('io', `Cannot read the secret vault ${file}: ${(err as Error).message} — check its permissions.`, { cause: err });
  }
}

async function readVaultText(file: string): Promise<string | undefined> {
  try {
    return await readIfExists(file);
  } catch (err) {
    throw new VaultError('io', `Cannot read the secret vault ${file}: ${(err as Error).message} — check its permissions.`, { cause: err });
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME || [...name].some((c) => c.charCodeAt(0) < 0x20)) {
    throw new VaultError('invalid-name', `Secret name must be 1–${MAX_NAME} printable characters.`);
  }
}

function checkEntry(name: string, value: string): void {
  checkName(name);
  if (typeof value !== 'string') throw new VaultError('invalid-name', `Secret "${name}" must be a string.`);
}

/** All entries checked before any is stored, so a bad one leaves the store unchanged. */
function checkedEntries(entries: Iterable<readonly [string, string]>): (readonly [string, string])[] {
  const list = [...entries];
  for (const [name, value] of list) checkEntry(name, value);
  return list;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return err === undefined ? 'keychain not tried' : String(err);
}

// Writes to one vault file are serialised within the process (also across Vault instances of the same file).
const locks = new Map<string, Promise<unknown>>();
function withLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const prev = locks.get(file) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  locks.set(file, tail);
  void tail.then(() => {
    if (locks.get(file) === tail) locks.delete(file);
  });
  return run;
}
