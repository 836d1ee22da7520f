import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

// Proves the architecture rules bite: each forbidden import is linted as if it lived at the given path.
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleMessages(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('architecture lint rules', () => {
  it('rejects electron anywhere under src/', async () => {
    const msgs = await ruleMessages("import { app } from 'electron';\nexport const a = app;\n", 'src/sync/engine-fixture.ts');
    expect(msgs.join('\n')).toMatch(/must run without Electron/);
  });

  it('rejects renderer imports under src/', async () => {
    const msgs = await ruleMessages("import x from '../../renderer/src/App.js';\nexport const a = x;\n", 'src/control/fixture.ts');
    expect(msgs.join('\n')).toMatch(/must not import the renderer/);
  });

  it('rejects Node I/O modules in src/core/', async () => {
    for (const mod of ['fs', 'node:fs/promises', 'node:http', 'net', 'child_process']) {
      const msgs = await ruleMessages(`import * as m from '${mod}';\nexport const a = m;\n`, 'src/core/fixture.ts');
      expect(msgs.length, mod).toBeGreaterThan(0);
    }
  });

  it('rejects core importing outer layers', async () => {
    const msgs = await ruleMessages("import { x } from '../platform/logger.js';\nexport const a = x;\n", 'src/core/fixture.ts');
    expect(msgs.join('\n')).toMatch(/depends on nothing but itself/);
  });

  it('allows the same imports where they belong', async () => {
    expect(await ruleMessages("import * as fs from 'node:fs';\nexport const a = fs;\n", 'src/platform/fixture.ts')).toEqual([]);
    expect(await ruleMessages("import { app } from 'electron';\nexport const a = app;\n", 'electron/fixture.ts')).toEqual([]);
  });
});
