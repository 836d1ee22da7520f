// Both simulators with the same people, plus a settings file and a vault that point the engine at them:
// what `presence-bridge demo` runs, and what the engine's integration tests run against.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Settings, SettingsInput } from '../core/settings.js';
import { STARFACE_ADMIN_PASSWORD_SECRET, uciPasswordSecretName } from '../core/uci-credentials.js';
import { createSettingsStore } from '../platform/product-settings.js';
import { openVault, type SecretStore } from '../platform/vault.js';
import { startGraphSimulator, type GraphSimulator } from '../simulators/graph/server.js';
import { startStarfaceSimulator, type StarfaceSimulator, type StarfaceSimBehaviour } from '../simulators/starface/index.js';

export interface DemoEnvironmentOptions {
  /** Simulated people (besides the PBX administrator 0001). Default 25. */
  users?: number;
  starfacePort?: number;
  graphPort?: number;
  pollIntervalSeconds?: number;
  /** Folder for settings.json, vault.json, journal.json; default a new temp folder (removed on close). */
  dir?: string;
  /** 'passphrase' (default: works everywhere, random passphrase) or 'auto' (the OS keychain where present). */
  vault?: 'passphrase' | 'auto';
  /** STARFACE simulator `--profile` presets (real-world PBX variants, docs/starface.md). */
  starfaceProfiles?: readonly string[];
  starfaceBehaviour?: Partial<StarfaceSimBehaviour>;
  /** Changes to the generated settings (e.g. ownership mode in tests). */
  settings?: (s: SettingsInput) => SettingsInput;
}

export interface DemoEnvironment {
  dir: string;
  settingsFile: string;
  vaultFile: string;
  journalFile: string;
  /** The vault's passphrase (only in 'passphrase' mode). */
  vaultPassphrase?: string;
  secrets: SecretStore;
  settings: Settings;
  starface: StarfaceSimulator;
  graph: GraphSimulator;
  /** The Microsoft object id of a STARFACE login. */
  microsoftIdOf(login: string): string;
  close(): Promise<void>;
}

/** The settings sections that point the engine at both simulators (app-only Graph access with a client secret). */
export function simulatorSettings(sims: { graph: GraphSimulator; starface: StarfaceSimulator }): Required<Pick<SettingsInput, 'microsoft' | 'starface'>> {
  const { graph, starface } = sims;
  return {
    microsoft: {
      tenantId: graph.tenant.tenantId,
      clientId: graph.app.clientId,
      authorityHost: graph.url,
      graphBaseUrl: graph.graphBaseUrl,
      presenceRead: 'application',
      credential: 'secret',
    },
    starface: { baseUrl: starface.url, adminLogin: starface.admin.login },
  };
}

export async function startDemoEnvironment(opts: DemoEnvironmentOptions = {}): Promise<DemoEnvironment> {
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'presence-bridge-demo-')));
  const starface = await startStarfaceSimulator({
    port: opts.starfacePort ?? 0,
    users: opts.users ?? 25,
    ...(opts.starfaceProfiles ? { profiles: opts.starfaceProfiles } : {}),
    ...(opts.starfaceBehaviour ? { behaviour: opts.starfaceBehaviour } : {}),
  });
  let graph: GraphSimulator;
  try {
    graph = await startGraphSimulator({
      port: opts.graphPort ?? 0,
      starfaceUsers: starface.users.map((u) => ({ login: u.login, email: u.email, firstName: u.firstName, familyName: u.familyName })),
      outDir: path.join(dir, 'graph-sim'),
    });
  } catch (err) {
    await starface.close();
    throw err;
  }

  const idByMail = new Map(graph.tenant.users.map((u) => [(u.mail ?? u.userPrincipalName).toLowerCase(), u.id]));
  const settingsFile = path.join(dir, 'settings.json');
  const vaultFile = path.join(dir, 'vault.json');
  const journalFile = path.join(dir, 'journal.json');
  const sim = simulatorSettings({ graph, starface });
  const base: SettingsInput = {
    microsoft: sim.microsoft,
    starface: { ...sim.starface, uciApi: 'v30' },
    network: { extraCaPem: [graph.caPem] },
    users: { selection: 'all', extraLoginIds: [] },
    sync: { enabled: true, pollIntervalSeconds: opts.pollIntervalSeconds ?? 2, ownershipMode: 'respect-manual', restoreOnStop: true },
    ui: { language: 'en' },
  };
  const store = createSettingsStore(settingsFile);
  let settings: Settings;
  let secrets: SecretStore;
  let vaultPassphrase: string | undefined;
  try {
    settings = await store.save(opts.settings ? opts.settings(base) : base);
    vaultPassphrase = opts.vault === 'auto' ? undefined : randomBytes(18).toString('base64url');
    secrets = await openVault({
      file: vaultFile,
      ...(vaultPassphrase ? { passphrase: vaultPassphrase, keySource: 'passphrase' as const } : {}),
    });
    await secrets.set('microsoft.clientSecret', graph.app.clientSecret ?? '');
    await secrets.set(STARFACE_ADMIN_PASSWORD_SECRET, starface.admin.password);
    for (const u of starface.users) await secrets.set(uciPasswordSecretName(u.login), u.password);
  } catch (err) {
    await Promise.allSettled([graph.close(), starface.close()]);
    throw err;
  }

  return {
    dir, settingsFile, vaultFile, journalFile, secrets, settings, starface, graph,
    ...(vaultPassphrase ? { vaultPassphrase } : {}),
    microsoftIdOf(login: string): string {
      const u = starface.users.find((x) => x.login === login);
      const id = u ? idByMail.get(u.email.toLowerCase()) : undefined;
      if (!id) throw new Error(`No Microsoft account for STARFACE login ${login}.`);
      return id;
    },
    async close(): Promise<void> {
      await Promise.allSettled([graph.close(), starface.close()]);
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface DemoPerson {
  login: string;
  email: string;
  firstName: string;
  familyName: string;
}

export interface LivelyMix {
  /** Left Available and off the phone, for the printed try-it lines. */
  person: DemoPerson;
  /** Ids of the calls running from the start (call-1, call-2). */
  callIds: string[];
  /** The id the printed curl lines use for the next call. */
  nextCallId: string;
  summary: { de: string; en: string };
}

/** Teams states people start in (own Teams client state; availability null = signed out). */
const MIX: { availability: string | null; activity?: string; de: string; en: string }[] = [
  { availability: 'Busy', activity: 'InAMeeting', de: 'In einer Besprechung', en: 'In a meeting' },
  { availability: 'DoNotDisturb', activity: 'Presenting', de: 'Präsentiert', en: 'Presenting' },
  { availability: 'Away', activity: 'Away', de: 'Abwesend', en: 'Away' },
  { availability: 'BeRightBack', activity: 'BeRightBack', de: 'Bin gleich zurück', en: 'Be right back' },
  { availability: 'Busy', activity: 'InACall', de: 'Im Anruf (Teams)', en: 'In a call (Teams)' },
  { availability: 'DoNotDisturb', activity: 'DoNotDisturb', de: 'Bitte nicht stören', en: 'Do not disturb' },
  { availability: null, de: 'Offline', en: 'Offline' },
];

/**
 * A demo that starts quiet shows nothing: put some people into Teams meetings, presentations, away…, and
 * start up to two answered PBX calls (an external caller, and two colleagues with each other). The first
 * person stays Available and off the phone for the printed lines. Call ids are call-1, call-2, ….
 */
export function startLivelyMix(env: DemoEnvironment): LivelyMix {
  const people = env.starface.users.filter((u) => !u.admin);
  const person = people[0] ?? env.starface.admin;
  const others = people.slice(1);
  const callIds: string[] = [];
  const notes: { de: string; en: string }[] = [];
  const pbx = env.starface.pbx;
  const call = (from: string, to: string): void => {
    const id = `call-${callIds.length + 1}`;
    pbx.answer(pbx.placeCall({ from, to, callId: id }).id);
    callIds.push(id);
  };
  const take = (): (typeof others)[number] | undefined => others.shift();
  const a = take();
  if (a) {
    call('+4972112345', a.login);
    notes.push({ de: `${a.login} telefoniert mit einem externen Anrufer`, en: `${a.login} is on a call with an outside caller` });
  }
  const [b, c] = [take(), take()];
  if (b && c) {
    call(b.login, c.login);
    notes.push({ de: `${b.login} telefoniert mit ${c.login}`, en: `${b.login} is on a call with ${c.login}` });
  } else if (b) others.unshift(b);
  for (const state of MIX) {
    const u = take();
    if (!u) break;
    env.graph.setUserPresence(u.email, { availability: state.availability, ...(state.activity ? { activity: state.activity } : {}) });
    notes.push({ de: `${u.login} ${state.de}`, en: `${u.login} ${state.en}` });
  }
  return {
    person,
    callIds,
    nextCallId: `call-${callIds.length + 1}`,
    summary: { de: notes.map((n) => n.de).join(', ') || 'alle verfügbar', en: notes.map((n) => n.en).join(', ') || 'everyone available' },
  };
}
