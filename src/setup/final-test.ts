// The final test, end to end for one test user: read their Teams presence (with the token sync will use),
// classify it, then set and clear DND on STARFACE and put back the value it had before.
import { classifyWithReason } from '../core/classify.js';
import { presenceFromGraph } from '../core/presence.js';
import { effectiveRows } from '../core/rules.js';
import { builtInRow, isBuiltInRowId } from '../core/status-rows.js';
import { UciUnsupportedError, type UciSession } from '../starface/index.js';
import { MicrosoftAuth } from '../teams/auth.js';
import { presenceItems } from '../teams/presence-reader.js';
import { loadAppCredential } from '../teams/index.js';
import type { SetupEnvironment } from './environment.js';
import { explainMicrosoftError, explainStarfaceError } from '../sync/explain.js';
import { setupGraph } from './microsoft.js';
import { rosterFrom, testUciSession, withDirectories, type Prerequisite } from './users.js';
import { checkResult, tr, type CheckOptions, type CheckResult, type Lang } from './types.js';

function onOff(v: boolean | undefined, lang: Lang): string {
  if (v === undefined) return tr(lang, 'unbekannt', 'unknown');
  return v ? tr(lang, 'an', 'on') : tr(lang, 'aus', 'off');
}

const microsoftAndStarfaceSetUp: Prerequisite = (settings, lang) => (settings.starface.baseUrl && settings.microsoft.clientId ? undefined : {
  message: tr(lang, 'Microsoft und STARFACE sind noch nicht eingerichtet.', 'Microsoft and STARFACE are not set up yet.'),
  fix: tr(lang, 'Schließen Sie zuerst die vorigen Schritte ab.', 'Complete the previous steps first.'),
});

export async function checkFinalTest(env: SetupEnvironment, lang: Lang, options: CheckOptions = {}): Promise<CheckResult> {
  const step = 'final-test' as const;
  return withDirectories(env, lang, step, async (settings, d, transport, now) => {
    const details: string[] = [];
    if (d.msError) return checkResult({ step, status: 'fail', message: d.msError.message, fix: d.msError.fix, details: [d.msError.detail] }, now);
    const { roster } = rosterFrom(settings, d);
    const wanted = options.testUser?.trim();
    // By default not the PBX administrator (the bridge's own login, not a person), unless it is the only one.
    const matched = roster.users.filter((u) => u.status === 'matched');
    const user = wanted
      ? roster.users.find((u) => u.login === wanted)
      : (matched.find((u) => u.login !== settings.starface.adminLogin) ?? matched[0]);
    if (!user) {
      return checkResult({
        step, status: 'fail',
        message: wanted
          ? tr(lang, `Der Testbenutzer ${wanted} ist nicht in der Benutzerauswahl.`, `The test user ${wanted} is not in the user selection.`)
          : tr(lang, 'Es gibt noch keinen synchronisierbaren Benutzer für den Test.', 'There is no syncable user to test with yet.'),
        fix: tr(lang, 'Wählen Sie einen Benutzer, der in der Vorschau „wird synchronisiert" zeigt.', 'Choose a user the preview shows as "will be synced".'),
      }, now);
    }
    if (user.status !== 'matched' || !user.microsoftId) {
      return checkResult({
        step, status: 'fail',
        message: tr(lang, `${user.login} kann nicht synchronisiert werden: ${user.detail ?? user.reason ?? ''}`, `${user.login} cannot be synced: ${user.detail ?? user.reason ?? ''}`),
        fix: tr(lang, 'Beheben Sie den Konflikt oder wählen Sie einen anderen Testbenutzer.', 'Fix the conflict or choose another test user.'),
      }, now);
    }
    const who = `${user.login}${user.displayName ? ` (${user.displayName})` : ''}`;

    // 1. Teams presence, with the token sync uses for reading.
    const m = settings.microsoft;
    const auth = env.microsoftAuth?.(settings, transport) ?? new MicrosoftAuth({
      tenantId: m.tenantId, clientId: m.clientId, authorityHost: m.authorityHost, graphBaseUrl: m.graphBaseUrl, cloud: m.cloud, transport, tokenStore: env.secrets,
      appCredential: await loadAppCredential(env.secrets, m), logger: env.logger,
    });
    if (m.presenceRead === 'delegated') await auth.init();
    const graph = setupGraph(settings, transport, m.presenceRead === 'delegated' ? auth.delegatedTokens : auth.appTokens);
    try {
      const body = await graph.post<unknown>('/communications/getPresencesByUserId', { ids: [user.microsoftId] });
      const raw = presenceItems(body).find((p) => typeof p === 'object' && p !== null && String((p as { id?: unknown }).id).toLowerCase() === user.microsoftId!.toLowerCase());
      if (!raw) throw new Error(tr(lang, 'Microsoft Graph hat für diesen Benutzer keinen Status geliefert.', 'Microsoft Graph returned no presence for this user.'));
      const p = presenceFromGraph(raw);
      const c = classifyWithReason(p, effectiveRows(settings));
      const label = isBuiltInRowId(c.rowId) ? builtInRow(c.rowId).label[lang] : (settings.customRows.find((r) => r.id === c.rowId)?.label ?? c.rowId);
      details.push(tr(lang, `Teams-Status von ${who}: ${p.availability} / ${p.activity}${p.outOfOffice ? ' (außer Haus)' : ''} → Zeile „${label}"`,
        `Teams presence of ${who}: ${p.availability} / ${p.activity}${p.outOfOffice ? ' (out of office)' : ''} → row "${label}"`));
    } catch (err) {
      const e = explainMicrosoftError(err, lang);
      return checkResult({ step, status: 'fail', message: tr(lang, `Teams-Status von ${who} nicht lesbar: ${e.message}`, `Cannot read the Teams presence of ${who}: ${e.message}`), fix: e.fix, details: [...details, e.detail] }, now);
    }

    // 2. DND on STARFACE: set, clear, restore.
    const session = testUciSession(settings, transport, env, user.login);
    try {
      if (!(await session.start())) throw new Error(session.lastError ?? 'UCI login failed');
      const before = await stateIfReadable(session);
      const readable = before?.dndFrom === 'pbx';
      const previous = readable ? before?.dnd : undefined;
      details.push(tr(lang, `DND vorher: ${onOff(previous, lang)}`, `DND before: ${onOff(previous, lang)}`));
      const verify = async (want: boolean): Promise<void> => {
        const s = await stateIfReadable(session);
        if (s?.dndFrom === 'pbx' && s.dnd !== want) {
          throw new Error(tr(lang, `Die STARFACE meldet DND ${onOff(s.dnd, lang)} statt ${onOff(want, lang)}.`, `STARFACE reports DND ${onOff(s.dnd, lang)} instead of ${onOff(want, lang)}.`));
        }
      };
      await session.setDnd(true);
      await verify(true);
      details.push(tr(lang, 'DND gesetzt: ok', 'DND set: ok'));
      await session.setDnd(false);
      await verify(false);
      details.push(tr(lang, 'DND gelöscht: ok', 'DND cleared: ok'));
      if (previous === true) {
        await session.setDnd(true);
        await verify(true);
      }
      details.push(previous === undefined
        ? tr(lang, 'Diese STARFACE meldet DND nicht zurück: Schreiben wurde angenommen, DND ist jetzt aus.', 'This STARFACE does not report DND back: the writes were accepted, DND is now off.')
        : tr(lang, `DND wiederhergestellt: ${onOff(previous, lang)}`, `DND restored: ${onOff(previous, lang)}`));
    } catch (err) {
      const e = explainStarfaceError(err, lang);
      return checkResult({ step, status: 'fail', message: tr(lang, `DND-Test bei ${who} fehlgeschlagen: ${e.message}`, `DND test for ${who} failed: ${e.message}`), fix: e.fix, details: [...details, e.detail] }, now);
    } finally {
      await session.stop();
    }
    return checkResult({
      step, status: 'ok',
      message: tr(lang, `Abschlusstest mit ${who} bestanden: Teams-Status gelesen, DND gesetzt, gelöscht und wiederhergestellt.`,
        `Final test with ${who} passed: Teams presence read, DND set, cleared and restored.`),
      details,
    }, now);
  }, microsoftAndStarfaceSetUp);
}

/** The user's state, or undefined where the PBX offers no getUserState (then only the writes are tested). */
async function stateIfReadable(session: UciSession): Promise<Awaited<ReturnType<UciSession['getUserState']>> | undefined> {
  try {
    return await session.getUserState();
  } catch (err) {
    if (err instanceof UciUnsupportedError) return undefined;
    throw err;
  }
}
