// Messages between the benchmark harness and the engine child process (Node IPC channel, JSON).
import type { SyncStatus } from '../src/control/contract.js';

/** What the child needs to build the engine the way the product does. */
export interface ChildConfig {
  /** The settings file (product format); the journal and logs go next to it, as with `run --config`. */
  settingsFile: string;
  /** The secret vault file (passphrase key source; the passphrase comes in the environment). */
  vaultFile: string;
  /** Milliseconds between resource samples. */
  sampleEveryMs: number;
}

export interface ResourceSample {
  at: number;
  rss: number;
  heapUsed: number;
  external: number;
  /** Cumulative CPU time of the process (µs), as process.cpuUsage(). */
  cpuUser: number;
  cpuSystem: number;
  /** Event-loop delay since the previous sample (ms): p99 and max. */
  loopP99: number;
  loopMax: number;
  /** Open sockets of the process (Linux: socket fds in /proc/self/fd), null where not available. */
  sockets: number | null;
}

export type ChildMessage =
  | { type: 'ready'; at: number; sample: ResourceSample }
  | { type: 'started'; at: number; t0: number; status: SyncStatus }
  | { type: 'sync'; at: number; status: SyncStatus }
  | { type: 'sample'; sample: ResourceSample }
  | { type: 'error'; message: string }
  | { type: 'stopped'; at: number };

export type ParentMessage = { type: 'start' } | { type: 'stop' };
