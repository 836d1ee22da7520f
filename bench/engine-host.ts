// Runs the engine in a child process (so its RSS and CPU are its own, apart from the simulators and the
// harness) and relays what the child reports: resource samples and the engine's sync status events.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { COMPILED_CHILD } from './engine-build.js';
import type { ChildConfig, ChildMessage, ParentMessage, ResourceSample } from './protocol.js';
import type { SyncStatus } from '../src/control/contract.js';

export interface SyncRecord {
  /** When the harness received the event. */
  at: number;
  status: SyncStatus;
}

export interface EngineHostOptions {
  config: ChildConfig;
  env: Record<string, string>;
  /** 'compiled': the JavaScript from buildEngine() (as the product runs); 'tsx': the TypeScript sources. */
  runtime: 'compiled' | 'tsx';
  /** Write a V8 CPU profile of the engine into this directory (node --cpu-prof). */
  cpuProfileDir?: string;
  /** Called for every sync status event (in the harness process, on arrival). */
  onSync?: (r: SyncRecord) => void;
}

export class EngineHost {
  readonly samples: ResourceSample[] = [];
  readonly syncs: SyncRecord[] = [];
  readyAt = 0;
  baseline: ResourceSample | undefined;
  private child: ChildProcess | undefined;
  private readonly waiters = new Map<string, { resolve: (m: ChildMessage) => void; reject: (e: Error) => void }>();
  private exitError: Error | undefined;
  private stderr = '';

  constructor(private readonly opts: EngineHostOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the child and waits until it has loaded the engine's modules (not started yet). */
  async spawn(): Promise<void> {
    const entry = this.opts.runtime === 'tsx' ? fileURLToPath(new URL('./engine-child.ts', import.meta.url)) : COMPILED_CHILD;
    const execArgv = this.opts.runtime === 'tsx' ? ['--import', 'tsx'] : [];
    if (this.opts.cpuProfileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${this.opts.cpuProfileDir}`);
    const child = fork(entry, [JSON.stringify(this.opts.config)], {
      execArgv,
      env: { ...process.env, ...this.opts.env },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-8_000);
    });
    child.on('message', (m: ChildMessage) => this.onMessage(m));
    child.on('exit', (code, signal) => {
      this.exitError = new Error(`The engine process ended (code ${code ?? '-'}, signal ${signal ?? '-'}).${this.stderr ? `\n${this.stderr.trim()}` : ''}`);
      for (const w of this.waiters.values()) w.reject(this.exitError);
      this.waiters.clear();
    });
    const ready = await this.next('ready', 60_000);
    if (ready.type === 'ready') {
      this.readyAt = ready.at;
      this.baseline = ready.sample;
    }
  }

  /** Starts the engine; resolves with the child's timestamp taken right before it called start. */
  async start(): Promise<{ t0: number; status: SyncStatus }> {
    const reply = this.next('started', 120_000);
    this.send({ type: 'start' });
    const m = await reply;
    if (m.type !== 'started') throw new Error('unexpected reply');
    return { t0: m.t0, status: m.status };
  }

  /**
   * Stops the engine (service.close without restore: the benchmark throws the PBX state away) and waits for
   * the process to end. Returns how long the engine took to close, or null if it had to be killed.
   */
  async stop(timeoutMs = 120_000): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || this.exitError) return null;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const stopped = this.next('stopped', timeoutMs).catch(() => undefined);
    const t0 = Date.now();
    this.send({ type: 'stop' });
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const m = await stopped;
    await exited;
    clearTimeout(timer);
    return killed || !m ? null : Date.now() - t0;
  }

  lastSync(): SyncRecord | undefined {
    return this.syncs[this.syncs.length - 1];
  }

  private send(m: ParentMessage): void {
    if (this.exitError) throw this.exitError;
    this.child?.send(m);
  }

  private next(type: ChildMessage['type'], timeoutMs: number): Promise<ChildMessage> {
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(type);
        reject(new Error(`The engine process did not report "${type}" within ${timeoutMs} ms.${this.stderr ? `\n${this.stderr.trim()}` : ''}`));
      }, timeoutMs);
      this.waiters.set(type, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  private onMessage(m: ChildMessage): void {
    if (m.type === 'sample') this.samples.push(m.sample);
    if (m.type === 'sync') {
      const r = { at: Date.now(), status: m.status };
      this.syncs.push(r);
      this.opts.onSync?.(r);
    }
    if (m.type === 'error') {
      const w = [...this.waiters.values()];
      this.waiters.clear();
      for (const x of w) x.reject(new Error(`The engine failed: ${m.message}`));
      return;
    }
    const w = this.waiters.get(m.type);
    if (w) {
      this.waiters.delete(m.type);
      w.resolve(m);
    }
  }
}
