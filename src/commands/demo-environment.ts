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
