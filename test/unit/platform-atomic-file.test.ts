import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readBytesIfExists, readIfExists, writeFileAtomic } from '../../src/platform/atomic-file.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-atomic-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates missing folders, writes the content and leaves no temp file behind', async () => {
    const dir = tmp();
    const file = path.join(dir, 'a', 'b', 'state.json');
    await writeFileAtomic(file, '{"v":1}');
    expect(fs.readFileSync(file, 'utf8')).toBe('{"v":1}');
    await writeFileAtomic(file, Buffer.from('{"v":2}'));
    expect(fs.readFileSync(file, 'utf8')).toBe('{"v":2}');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['state.json']);
  });

  it('sets the exact mode, defaults to 0600 and keeps an existing mode', async () => {
    if (process.platform === 'win32') return;
    const dir = tmp();
    const a = path.join(dir, 'a');
    await writeFileAtomic(a, 'x');
    expect(fs.statSync(a).mode & 0o777).toBe(0o600);
    await writeFileAtomic(a, 'y', { mode: 0o640 });
    expect(fs.statSync(a).mode & 0o777).toBe(0o640);
    await writeFileAtomic(a, 'z');
    expect(fs.statSync(a).mode & 0o777).toBe(0o640);
  });

  it('never leaves a half-written file: concurrent writers each land whole', async () => {
    const dir = tmp();
    const file = path.join(dir, 'c.json');
    const payloads = Array.from({ length: 20 }, (_, i) => JSON.stringify({ i, pad: String(i).repeat(50_000) }));
    await Promise.all(payloads.map((p) => writeFileAtomic(file, p)));
    expect(payloads).toContain(fs.readFileSync(file, 'utf8'));
    expect(fs.readdirSync(dir)).toEqual(['c.json']);
  });

  it('keeps the old file and removes the temp file when the rename fails', async () => {
    const dir = tmp();
    const target = path.join(dir, 'is-a-dir');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep'), 'k');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow(/Cannot write .*is-a-dir/);
    expect(fs.readdirSync(dir)).toEqual(['is-a-dir']);
    expect(fs.readFileSync(path.join(target, 'keep'), 'utf8')).toBe('k');
  });
});

describe('readIfExists', () => {
  it('returns undefined for a missing file and the content otherwise', async () => {
    const dir = tmp();
    expect(await readIfExists(path.join(dir, 'none'))).toBeUndefined();
    expect(await readBytesIfExists(path.join(dir, 'none'))).toBeUndefined();
    fs.writeFileSync(path.join(dir, 'f'), 'hällo');
    expect(await readIfExists(path.join(dir, 'f'))).toBe('hällo');
    expect((await readBytesIfExists(path.join(dir, 'f')))?.length).toBe(6);
  });

  it('throws for other errors such as reading a directory', async () => {
    await expect(readIfExists(tmp())).rejects.toThrow();
  });
});
