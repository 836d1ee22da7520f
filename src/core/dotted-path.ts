// Settings addressed by dotted path ('starface.baseUrl'): how setup steps name their fields. Pure, so the engine,
// the terminal assistant and the settings window share one implementation.

/** The value at a dotted path, or undefined when any part of the path is missing. */
export function getPath(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const k of dotted.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** A copy of obj with the value at a dotted path replaced. */
export function setPath<T>(obj: T, dotted: string, value: unknown): T {
  const keys = dotted.split('.');
  const root: Record<string, unknown> = { ...(obj as Record<string, unknown>) };
  let cur = root;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i]!;
    const next = cur[k];
    cur[k] = typeof next === 'object' && next !== null && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
  return root as T;
}

/** Whether a field applies under the current settings (its showIf condition). */
export function fieldApplies(f: { showIf?: { path: string; equals: readonly string[] } | undefined }, settings: unknown): boolean {
  if (!f.showIf) return true;
  const v = getPath(settings, f.showIf.path);
  return f.showIf.equals.includes(String(v));
}
