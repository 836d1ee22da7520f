// What a UCI session learns about its PBX once (issue 14 item 6), kept in the pool's shared facts so it is not
// asked again on every (re-)login: the services and their generation (v30/v22) from getProvidedRequests /
// getProvidedEvents, whether getUserState exists, whether a chat presence setter exists. A probe that fails
// while the session is still logged in means "the PBX has no such method" — never "credentials not accepted".
import type { Logger } from '../platform/logger.js';
import type { ObservedPbxFacts } from './capabilities.js';
import { UciRequestError } from './errors.js';
import type { UciSessionSettings } from './options.js';
import { CHAT_PRESENCE_VALUES, uciRequest, type UciApiVersion } from './uci-names.js';
import { otherVersion, parseProvided, pickVersion } from './uci-versions.js';
import { asString, type XmlRpcInput, type XmlRpcValue } from './xmlrpc/index.js';
import { coded } from '../core/messages/log-line.js';

export interface ProbeContext {
  settings: UciSessionSettings;
  facts: ObservedPbxFacts;
  log: Logger;
  /** One request without recovery. */
  rpc(method: string, params: XmlRpcInput[]): Promise<XmlRpcValue>;
  /** keepAlive answered true. */
  stillLoggedIn(): Promise<boolean>;
}

/** The generation to use for a service: what a fallback or the PBX's own list settled, else the configured one. */
export function versionOf(ctx: Pick<ProbeContext, 'facts' | 'settings'>, service: string): UciApiVersion {
  return ctx.facts.serviceVersions?.[service] ?? ctx.settings.uciApi;
}

/** The event service to subscribe to: `call` in the generation the PBX lists. */
export function callEventVersion(ctx: Pick<ProbeContext, 'facts' | 'settings'>): UciApiVersion {
  return pickVersion(parseProvided(ctx.facts.providedEvents ?? [], 'events'), 'call', ctx.settings.uciApi);
}

/**
 * A failure of one request while the session is logged in: a fault, an HTTP error, an HTML page or an
 * unreadable answer — some PBXs answer an unknown method with HTTP 500 and an HTML page.
 */
export function mayBeMethodFailure(err: unknown): err is UciRequestError {
  return err instanceof UciRequestError && (err.kind === 'fault' || err.kind === 'http' || err.kind === 'html' || err.kind === 'malformed');
}

const running = new WeakMap<ObservedPbxFacts, Promise<void>>();

/**
 * Discovery once per PBX: sessions logging in together share the first one's discovery; if that fails (its
 * session was lost), the others go on without and a later login tries again.
 */
export async function discoverOnce(ctx: ProbeContext): Promise<void> {
  if (ctx.facts.providedRequests !== undefined) return;
  const pending = running.get(ctx.facts);
  if (pending) return pending.catch(() => undefined);
  const mine = discover(ctx).finally(() => running.delete(ctx.facts));
  running.set(ctx.facts, mine);
  return mine;
}

/**
 * getProvidedEvents/Requests of both generations and the server version; informative only, never fatal by itself.
 * Both lists are read: a PBX may list only the services of the generation asked (v30's list without userState,
 * v22's with it), and the union is what the PBX offers.
 */
async function discover(ctx: ProbeContext): Promise<void> {
  const lists: Record<'events' | 'requests', string[]> = { events: [], requests: [] };
  for (const kind of ['requests', 'events'] as const) {
    const method = kind === 'events' ? 'getProvidedEvents' : 'getProvidedRequests';
    for (const v of [ctx.settings.uciApi, otherVersion(ctx.settings.uciApi)]) {
      try {
        const list = await ctx.rpc(uciRequest(v, 'service', method), []);
        if (Array.isArray(list)) lists[kind].push(...list.map((e) => asString(e)).filter((e) => e && !lists[kind].includes(e)));
      } catch (err) {
        if (!mayBeMethodFailure(err)) throw err;
      }
    }
  }
  ctx.facts.providedEvents = lists.events;
  ctx.facts.providedRequests = lists.requests;
  const provided = parseProvided(ctx.facts.providedRequests, 'requests');
  const versions: Record<string, UciApiVersion> = { ...ctx.facts.serviceVersions };
  for (const service of provided.keys()) versions[service] = pickVersion(provided, service, ctx.settings.uciApi);
  ctx.facts.serviceVersions = versions;
  try {
    ctx.facts.serverVersion = asString(await ctx.rpc(uciRequest(versionOf(ctx, 'system'), 'system', 'getServerVersion'), [])) || undefined;
  } catch (err) {
    if (!mayBeMethodFailure(err)) throw err;
  }
  ctx.log.info('STARFACE UCI services', {
    events: ctx.facts.providedEvents, requests: ctx.facts.providedRequests, versions, serverVersion: ctx.facts.serverVersion, ...coded('log-uci-services'),
  });
}

/**
 * Calls a userState/… method on a session that just logged in; when it fails on a live session, tries the
 * other generation once (unless the PBX's list settled it), and returns undefined if neither exists — or, without
 * asking, when the PBX's lists name services but not this one.
 * A failure that is a lost session is thrown (the login fails).
 */
export async function probeMethod(ctx: ProbeContext, service: string, method: string, params: XmlRpcInput[]): Promise<{ value: XmlRpcValue } | undefined> {
  const first = versionOf(ctx, service);
  const provided = parseProvided(ctx.facts.providedRequests ?? [], 'requests');
  // The PBX's own lists name services but not this one: there is nothing to probe (an empty list decides nothing).
  if (provided.size > 0 && !provided.has(service)) return undefined;
  const candidates = provided.has(service) ? [first] : [first, otherVersion(first)];
  let last: unknown;
  for (const v of candidates) {
    try {
      const value = await ctx.rpc(uciRequest(v, service, method), params);
      if (v !== first) ctx.facts.serviceVersions = { ...ctx.facts.serviceVersions, [service]: v };
      return { value };
    } catch (err) {
      if (!mayBeMethodFailure(err) || !(await ctx.stillLoggedIn())) throw err;
      last = err;
    }
  }
  ctx.log.info(`STARFACE offers no ${service}.${method} (probed; not asked again)`, coded('log-uci-method-missing', { method: `${service}.${method}`, error: (last as Error).message }));
  return undefined;
}

/** Writes the current presence back once to learn whether `userState.setChatPresence` exists. */
export async function probeChatPresenceSetter(ctx: ProbeContext, current: string | undefined): Promise<void> {
  if (!current || !(CHAT_PRESENCE_VALUES as readonly string[]).includes(current)) return;
  const ok = await probeMethod(ctx, 'userState', 'setChatPresence', [current]);
  ctx.facts.chatPresenceSetter = ok !== undefined;
  ctx.log.debug('chat presence setter probed', { available: ctx.facts.chatPresenceSetter });
}
