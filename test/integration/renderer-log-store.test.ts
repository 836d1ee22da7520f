// The renderer's live log (renderer/src/state/log-store.ts) with the real HTTP client against the real headless
// host over real sockets: an entry logged after the page's first fetch but before its event stream is connected
// must still reach the Log page (it reaches neither the fetch nor the stream otherwise).
import { expect, it, vi } from 'vitest';
import { startHttpHost } from '../../src/control/http-host.js';
import { HTTP_EVENTS_PATH } from '../../src/control/contract.js';
import { createHttpClient } from '../../renderer/src/control/http-client.js';
import { LogStore } from '../../renderer/src/state/log-store.js';
import { fakeEngineApi } from '../e2e/renderer-fake-engine.js';

it('keeps an entry logged while the event stream was still connecting', async () => {
  const engine = fakeEngineApi();
  const host = await startHttpHost({ api: engine });
  let openStream!: () => void;
  const streamMayOpen = new Promise<void>((resolve) => { openStream = resolve; });
  // The page's event stream takes longer to open than its first fetch (as on a loaded machine).
  const client = createHttpClient({
    token: host.token,
    baseUrl: host.url,
    fetch: async (input, init) => {
      if (String(input).endsWith(HTTP_EVENTS_PATH)) await streamMayOpen;
      return fetch(input, init);
    },
  });
  const logs = new LogStore(client);
  try {
    logs.start();
    await vi.waitFor(() => expect(logs.store.get().loaded).toBe(true));
    engine.log('info', 'logged while the stream connects');
    openStream();
    await vi.waitFor(() => expect(logs.store.get().entries.map((e) => e.msg)).toContain('logged while the stream connects'), { timeout: 3_000 });
    // Once connected, live entries arrive through the stream, each once.
    engine.log('warn', 'a live entry');
    await vi.waitFor(() => expect(logs.store.get().entries.map((e) => e.msg)).toEqual(['logged while the stream connects', 'a live entry']));
  } finally {
    logs.stop();
    client.close();
    await host.close();
  }
});
