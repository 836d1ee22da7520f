// The React side of Store, kept apart so the stores themselves run (and are tested) without React.
import { useSyncExternalStore } from 'react';
import type { Store } from './store.js';

export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
