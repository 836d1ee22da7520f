// Comparing settings by value. Key order does not matter (an edit may re-create an object with its keys in
// another order), and NaN equals NaN (an emptied number field holds NaN until the admin types again).

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  // A key holding undefined counts as absent (that is how JSON stores and the host returns it).
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!sameValue(ra[k], rb[k])) return false;
  return true;
}

/** Top-level settings sections whose values differ between the two (e.g. ['rules', 'switches']). */
export function changedSections(draft: object | null, saved: object | null): Set<string> {
  const out = new Set<string>();
  if (!draft || !saved) return out;
  const d = draft as Record<string, unknown>;
  const s = saved as Record<string, unknown>;
  for (const k of new Set([...Object.keys(d), ...Object.keys(s)])) if (!sameValue(d[k], s[k])) out.add(k);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Three-way merge of settings edited here (`mine`, started from `base`) with settings stored elsewhere meanwhile
 * (`theirs`): every value the admin changed here is kept, everything else follows what is stored. Lists are
 * single values (a changed list is kept whole).
 */
export function mergeEdits<T>(base: T, mine: T, theirs: T): T {
  if (sameValue(mine, base)) return theirs;
  if (!isPlainObject(base) || !isPlainObject(mine) || !isPlainObject(theirs)) return mine;
  const out: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(theirs), ...Object.keys(mine)])) {
    const v = mergeEdits(base[k], mine[k], theirs[k]);
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}
