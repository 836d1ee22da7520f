// Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over the target,
// fsync the directory. A reader (or a restart after power loss) sees the old file or the new one, never half.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface AtomicWriteOptions {
  /** File permissions; default: the existing file's mode, else 0o600 (app data is per user). */
  mode?: number;
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true });
  const mode = opts.mode ?? (await existingMode(file)) ?? 0o600;
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(tmp, 'wx', mode);
    // open() applies the umask; set the exact mode (ignored on Windows, harmless there).
    await fh.chmod(mode);
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await renameWithRetry(tmp, file);
  } catch (err) {
    await fh?.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw new Error(`Cannot write ${file}: ${(err as Error).message} — check the folder's permissions and free disk space.`, { cause: err });
  }
  await syncDir(dir);
}

/** The file's text (UTF-8), or undefined when it does not exist. Other errors (permissions) are thrown. */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Like readIfExists, as bytes. */
export async function readBytesIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function existingMode(file: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(file)).mode & 0o777;
  } catch {
    return undefined;
  }
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  // On Windows a virus scanner or indexer may hold the target open for a moment (EPERM/EBUSY/EACCES).
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp.rename(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt >= 5 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw err;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable on POSIX; directories cannot be opened for sync on Windows.
  if (process.platform === 'win32') return;
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    // best effort: some file systems refuse fsync on directories
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
