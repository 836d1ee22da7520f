// Process stop signals for the long-running commands (run, demo, the simulators).

/**
 * Resolves on the first SIGINT or SIGTERM, then stops listening. Call it before printing a "ready" line, so a
 * supervisor that signals as soon as it sees that line reaches the handler rather than Node's default exit.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
