// Notices changes to one file made by other processes. Watches the file's folder, not the file: an atomic save
// (write a temporary file, rename it over the old one) replaces the file, and a watch on the old one goes quiet.
import fs from 'node:fs';
import path from 'node:path';

export interface FileWatch {
  close(): void;
}

/**
 * Calls `onChange` once the file has been quiet for `debounceMs` after a change (an editor may write in several
 * steps). Where the platform cannot watch, nothing is called: changes then take effect on the next start.
 */
export function watchFile(file: string, onChange: () => void, debounceMs = 250): FileWatch {
  const name = path.basename(file);
  let timer: NodeJS.Timeout | undefined;
  let watcher: fs.FSWatcher | undefined;
  const changed = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
    timer.unref();
  };
  try {
    // Some platforms do not name the file in the event: then any change in the folder counts.
    watcher = fs.watch(path.dirname(file), { persistent: false }, (_event, changedName) => {
      if (changedName === null || changedName === name) changed();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = undefined;
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      watcher?.close();
    },
  };
}
