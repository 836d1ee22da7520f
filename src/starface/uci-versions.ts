// Which UCI generation to use per service (issue 14 item 6): public clients only show `ucp.v22.requests.userState.*`
// and no PBX is known to answer v30 userState, so the version is chosen per service from what the PBX lists in
// `service.getProvidedRequests` / `getProvidedEvents` (reference §3.1), preferring the configured one.
import { UCI_API_VERSIONS, type UciApiVersion } from './uci-names.js';

/** Service → generations the PBX lists for it, e.g. userState → {v22}. Entries may be services or full methods. */
export type ProvidedServices = Map<string, Set<UciApiVersion>>;

export function parseProvided(list: readonly string[], kind: 'requests' | 'events'): ProvidedServices {
  const out: ProvidedServices = new Map();
  const pattern = new RegExp(`^ucp\\.(v\\d\\d)\\.${kind}\\.([A-Za-z][A-Za-z0-9_]*)`);
  for (const entry of list) {
    const m = pattern.exec(entry.trim());
    if (!m || !(UCI_API_VERSIONS as readonly string[]).includes(m[1]!)) continue;
    const versions = out.get(m[2]!) ?? new Set<UciApiVersion>();
    versions.add(m[1] as UciApiVersion);
    out.set(m[2]!, versions);
  }
  return out;
}

/**
 * The generation for a service: the preferred one if the PBX lists it (or lists nothing usable at all),
 * else the other one it lists.
 */
export function pickVersion(provided: ProvidedServices | undefined, service: string, preferred: UciApiVersion): UciApiVersion {
  const listed = provided?.get(service);
  if (!listed || listed.size === 0 || listed.has(preferred)) return preferred;
  return UCI_API_VERSIONS.find((v) => listed.has(v)) ?? preferred;
}

export function otherVersion(v: UciApiVersion): UciApiVersion {
  return v === 'v30' ? 'v22' : 'v30';
}
