// Sleep and network loss: while the machine sleeps or has no network the bridge can neither read Teams nor
// write the PBX, so it pauses sync (a stop without restore: nothing can be written anyway, and the journal lets
// it carry on) and resumes once the machine is awake and online again. It resumes only what it paused itself:
// if the admin switches sync off in between, that choice wins.
import type { PowerMonitorPort, ShellLogger } from './ports.js';

export type PauseReason = 'suspend' | 'offline';

export interface PowerCoordinatorOptions {
  powerMonitor: PowerMonitorPort;
  isOnline: () => boolean;
  /** Is sync switched on right now? */
  isSyncOn: () => boolean;
  pause: () => Promise<unknown>;
  resume: () => Promise<unknown>;
  log: ShellLogger;
  /** How often to check connectivity (Electron has no network-change event in the main process). */
  pollMs?: number;
  /** Wait after wake-up before resuming: networks often need a few seconds to come back. */
  resumeDelayMs?: number;
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
  setRepeating?: (fn: () => void, ms: number) => { cancel(): void };
}

export interface PowerCoordinator {
  /** The admin switched sync on or off: forget any automatic pause. */
  userChangedSync(): void;
  readonly reasons: readonly PauseReason[];
  readonly pausedBySelf: boolean;
  /** Resolves when queued pause/resume calls have finished (for tests and orderly quit). */
  idle(): Promise<void>;
  dispose(): void;
}

const defaultTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
};
const defaultRepeating = (fn: () => void, ms: number) => {
  const t = setInterval(fn, ms);
  t.unref?.();
  return { cancel: () => clearInterval(t) };
};

export function createPowerCoordinator(opts: PowerCoordinatorOptions): PowerCoordinator {
  const setTimer = opts.setTimer ?? defaultTimer;
  const setRepeating = opts.setRepeating ?? defaultRepeating;
  const reasons = new Set<PauseReason>();
  let pausedBySelf = false;
  let queue: Promise<void> = Promise.resolve();
  let resumeTimer: { cancel(): void } | undefined;
  let disposed = false;

  // Pause and resume run one after another, in the order they were decided.
  function enqueue(what: 'pause' | 'resume'): void {
    queue = queue.then(async () => {
      try {
        await (what === 'pause' ? opts.pause() : opts.resume());
      } catch (err) {
        opts.log.warn(`could not ${what} sync`, { error: err instanceof Error ? err.message : String(err) });
      }
    });
  }

  function addReason(reason: PauseReason): void {
    reasons.add(reason);
    if (!pausedBySelf && opts.isSyncOn()) {
      pausedBySelf = true;
      opts.log.info('pausing sync', { reason });
      enqueue('pause');
    }
  }

  function maybeResume(): void {
    if (disposed || reasons.size > 0 || !pausedBySelf) return;
    pausedBySelf = false;
    opts.log.info('resuming sync');
    enqueue('resume');
  }

  const onSuspend = (): void => {
    resumeTimer?.cancel();
    resumeTimer = undefined;
    addReason('suspend');
  };
  const onResume = (): void => {
    resumeTimer?.cancel();
    resumeTimer = setTimer(() => {
      resumeTimer = undefined;
      reasons.delete('suspend');
      checkNetwork();
      maybeResume();
    }, opts.resumeDelayMs ?? 3000);
  };
  function checkNetwork(): void {
    if (disposed) return;
    const online = opts.isOnline();
    if (!online && !reasons.has('offline')) addReason('offline');
    else if (online && reasons.has('offline')) {
      reasons.delete('offline');
      if (!reasons.has('suspend')) maybeResume();
    }
  }

  opts.powerMonitor.on('suspend', onSuspend);
  opts.powerMonitor.on('resume', onResume);
  const poll = setRepeating(checkNetwork, opts.pollMs ?? 5000);

  return {
    userChangedSync() {
      pausedBySelf = false;
    },
    get reasons() { return [...reasons]; },
    get pausedBySelf() { return pausedBySelf; },
    idle: () => queue,
    dispose() {
      disposed = true;
      poll.cancel();
      resumeTimer?.cancel();
      opts.powerMonitor.removeListener('suspend', onSuspend);
      opts.powerMonitor.removeListener('resume', onResume);
    },
  };
}
