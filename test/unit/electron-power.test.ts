// Sleep/resume and network loss → pause/resume of sync, with Electron's powerMonitor replaced by a stand-in and
// manual timers, so every step is explicit.
import { describe, expect, it } from 'vitest';
import { createPowerCoordinator } from '../../electron/power-coordinator.js';
import { electronStandIn } from './electron-stand-in.js';

const silent = { info: () => {}, warn: () => {}, error: () => {} };

function manualTimers() {
  const timers: { fn: () => void; ms: number; cancelled: boolean; repeating: boolean }[] = [];
  const add = (repeating: boolean) => (fn: () => void, ms: number) => {
    const t = { fn, ms, cancelled: false, repeating };
    timers.push(t);
    return { cancel: () => { t.cancelled = true; } };
  };
  return {
    timers,
    setTimer: add(false),
    setRepeating: add(true),
    /** Runs pending one-shot timers once. */
    fire() { for (const t of timers.filter((x) => !x.repeating && !x.cancelled)) { t.cancelled = true; t.fn(); } },
    /** One network poll. */
    poll() { for (const t of timers.filter((x) => x.repeating && !x.cancelled)) t.fn(); },
  };
}

function setup(syncOn = true) {
  const { powerMonitor, network } = electronStandIn();
  const timers = manualTimers();
  const state = { on: syncOn };
  const calls: string[] = [];
  const power = createPowerCoordinator({
    powerMonitor,
    isOnline: () => network.online,
    isSyncOn: () => state.on,
    pause: async () => { calls.push('pause'); state.on = false; },
    resume: async () => { calls.push('resume'); state.on = true; },
    log: silent,
    resumeDelayMs: 3000,
    pollMs: 5000,
    setTimer: timers.setTimer,
    setRepeating: timers.setRepeating,
  });
  return { powerMonitor, network, timers, state, calls, power };
}

/** Paused because the network is gone; when it is back, the next poll resumes once. */
async function expectOfflinePauseThenResume({ network, timers, calls, power }: ReturnType<typeof setup>): Promise<void> {
  await power.idle();
  expect(calls).toEqual(['pause']);
  expect(power.reasons).toEqual(['offline']);
  network.online = true;
  timers.poll();
  await power.idle();
  expect(calls).toEqual(['pause', 'resume']);
}

describe('power and network handling (powerMonitor stand-in)', () => {
  it('pauses on sleep and resumes a few seconds after wake-up', async () => {
    const { powerMonitor, timers, calls, power } = setup();
    powerMonitor.emit('suspend');
    await power.idle();
    expect(calls).toEqual(['pause']);
    expect(power.reasons).toEqual(['suspend']);
    powerMonitor.emit('resume');
    await power.idle();
    expect(calls).toEqual(['pause']); // not yet: waits for the network to settle
    expect(timers.timers.find((t) => !t.repeating)?.ms).toBe(3000);
    timers.fire();
    await power.idle();
    expect(calls).toEqual(['pause', 'resume']);
    expect(power.pausedBySelf).toBe(false);
  });

  it('does not start a sync that was off before the machine slept', async () => {
    const { powerMonitor, timers, calls, power } = setup(false);
    powerMonitor.emit('suspend');
    powerMonitor.emit('resume');
    timers.fire();
    await power.idle();
    expect(calls).toEqual([]);
  });

  it('pauses while offline and resumes when the network is back', async () => {
    const ctx = setup();
    const { network, timers, calls } = ctx;
    timers.poll();
    expect(calls).toEqual([]);
    network.online = false;
    timers.poll();
    timers.poll();
    await expectOfflinePauseThenResume(ctx);
  });

  it('waits for the network after wake-up before resuming', async () => {
    const ctx = setup();
    const { powerMonitor, network, timers } = ctx;
    powerMonitor.emit('suspend');
    network.online = false;
    powerMonitor.emit('resume');
    timers.fire();
    await expectOfflinePauseThenResume(ctx);
  });

  it('a quick sleep/wake/sleep keeps it paused: the pending resume is cancelled', async () => {
    const { powerMonitor, timers, calls, power } = setup();
    powerMonitor.emit('suspend');
    powerMonitor.emit('resume');
    powerMonitor.emit('suspend');
    timers.fire();
    await power.idle();
    expect(calls).toEqual(['pause']);
    expect(power.reasons).toEqual(['suspend']);
  });

  it("leaves the admin's choice alone: no automatic resume after sync was switched off by hand", async () => {
    const { powerMonitor, timers, calls, power } = setup();
    powerMonitor.emit('suspend');
    await power.idle();
    power.userChangedSync();
    powerMonitor.emit('resume');
    timers.fire();
    await power.idle();
    expect(calls).toEqual(['pause']);
  });

  it('keeps going when a pause fails, and stops listening on dispose', async () => {
    const { powerMonitor, network, timers, power, state } = setup();
    const failing = createPowerCoordinator({
      powerMonitor, isOnline: () => network.online, isSyncOn: () => state.on,
      pause: async () => { throw new Error('engine busy'); }, resume: async () => {}, log: silent,
      setTimer: timers.setTimer, setRepeating: timers.setRepeating,
    });
    powerMonitor.emit('suspend');
    await expect(failing.idle()).resolves.toBeUndefined();
    power.dispose();
    failing.dispose();
    expect(powerMonitor.listenerCount('suspend')).toBe(0);
    expect(powerMonitor.listenerCount('resume')).toBe(0);
    expect(timers.timers.filter((t) => t.repeating).every((t) => t.cancelled)).toBe(true);
  });
});
