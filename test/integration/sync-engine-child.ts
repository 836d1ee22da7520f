// A separate process running the engine service against simulators owned by the test (sync-crash.test.ts),
// so the test can kill -9 it mid-cycle and start it again. argv: settingsFile vaultFile; env: PB_TEST_PASSPHRASE.
import { createLogger } from '../../src/platform/logger.js';
import { createEngineService } from '../../src/control/service.js';
import { FAST_TUNING } from './sync-helpers.js';

const [settingsFile, vaultFile] = process.argv.slice(2);
if (!settingsFile || !vaultFile) {
  console.error('usage: sync-engine-child.ts <settings.json> <vault.json>');
  process.exit(2);
}
const service = await createEngineService({
  settingsFile,
  vaultFile,
  vaultPassphrase: process.env.PB_TEST_PASSPHRASE ?? '',
  logger: createLogger({ level: 'warn', console: true }),
  tuning: FAST_TUNING,
});
await service.start();
process.stdout.write(`READY ${service.host.syncStatus().state}\n`);
process.on('SIGTERM', () => {
  void service.close({ restore: false }).then(() => process.exit(0));
});
