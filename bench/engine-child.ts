// The engine process of the benchmark: builds the engine exactly as `presence-bridge run --config` does
// (createEngineService: settings file, vault, journal, logger, real connections to both simulators), listens
// to the control API's events like a connected settings page would, and reports sync status events and
// resource samples (RSS, CPU, event-loop delay) to the harness over the IPC channel.
import { readdirSync, readlinkSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createEngineService, type EngineService } from '../src/control/service.js';
import type { ChildConfig, ChildMessage, ParentMessage, ResourceSample } from './protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();

function send(m: ChildMessage): void {
  process.send?.(m);
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Open sockets (TLS/HTTP keep-alive connections, servers) — explains native memory next to the JS heap. */
function openSockets(): number | null {
  try {
    let n = 0;
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) n++;
      } catch {
        // closed between readdir and readlink
      }
    }
    return n;
  } catch {
    return null;
  }
}

function sample(): ResourceSample {
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  const s: ResourceSample = {
    at: now(), rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external, cpuUser: cpu.user, cpuSystem: cpu.system,
    loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6, sockets: openSockets(),
  };
  loop.reset();
  return s;
}

let service: EngineService | undefined;
let stopping = false;

async function start(): Promise<void> {
  if (!service) throw new Error('The engine service is not ready.');
  const t0 = now();
  await service.start();
  send({ type: 'started', at: now(), t0, status: service.host.syncStatus() });
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(sampler);
  try {
    await service?.close({ restore: false });
  } finally {
    send({ type: 'stopped', at: now() });
    process.disconnect?.();
    // Let a pending --cpu-prof write finish through the normal exit path.
    process.exitCode = 0;
    setTimeout(() => process.exit(0), 2_000).unref();
  }
}

const sampler = setInterval(() => send({ type: 'sample', sample: sample() }), config.sampleEveryMs);

process.on('message', (m: ParentMessage) => {
  const run = m.type === 'start' ? start : stop;
  run().catch((err: unknown) => send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
});
process.on('disconnect', () => void stop());

try {
  service = await createEngineService({ settingsFile: config.settingsFile, vaultFile: config.vaultFile, logToConsole: false });
  service.api.subscribe((e) => {
    if (e.type === 'state.sync') send({ type: 'sync', at: now(), status: e.data });
  });
  send({ type: 'ready', at: now(), sample: sample() });
} catch (err) {
  send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  clearInterval(sampler);
  process.disconnect?.();
}
