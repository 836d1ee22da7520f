import { useId, useState } from 'react';
import type { ChatPresence, CustomRow, DndAction, PbxCapabilitiesView, Rule, Settings } from '../api/types.js';
import { toCallError } from '../api/types.js';
import { useDraft, useFieldError, useLive, useServices } from '../app/context.js';
import { AVAILABILITIES, KNOWN_ACTIVITIES } from '../app/rows.js';
import { Checkbox, Field, FieldErrorText, RadioGroup } from '../components/Field.js';
import { Dialog } from '../components/Dialog.js';
import { SaveBar } from '../components/SaveBar.js';
import { capabilityReasonText, type EngineText } from '../i18n/engine-text.js';
import { useI18n, type Translate } from '../i18n/index.js';
import {
  CHAT_PRESENCES, DND_ACTIONS, MAX_CHAT_TEXT_LENGTH, STATUS_ROWS, type BuiltInRowId, type RowMatch,
} from '../../../src/core/status-rows.js';
import { availabilityAndActivityName } from '../../../src/core/teams-names.js';

type Capability = 'canSetDnd' | 'canSetChatPresenceMessage' | 'canSetChatPresence' | 'canSetTelephonyState';

/**
 * Whether the PBX can do it (unknown capabilities count as possible: the host decides) and why not: the reason
 * in the page's language (by capability name), with the host's own words as `detail`.
 */
function capability(caps: PbxCapabilitiesView | null, name: Capability, t: Translate): { ok: boolean; reason?: EngineText } {
  if (!caps || caps[name]) return { ok: true };
  return { ok: false, reason: capabilityReasonText(name, caps, t) };
}

/** Tooltip of a control the PBX cannot serve: the reason, then the host's words. */
function reasonTitle(reason: EngineText | undefined, t: Translate): string | undefined {
  if (!reason) return undefined;
  return reason.detail ? `${reason.text}\n${t('app.engineDetail', { message: reason.detail })}` : reason.text;
}

function describeMatch(match: RowMatch, t: Translate): string {
  const av = match.availability.filter((a) => !/idle$/i.test(a)).join(', ');
  if (match.kind === 'exact') return `${av} / ${match.activity.join(', ')}`;
  if (match.kind === 'oof') return `${av} ${t('rules.oofSuffix')}`;
  return `${av} / ${t('rules.anyActivity')}`;
}

function describeCustom(row: CustomRow, t: Translate): string {
  if (row.activity === '*') return `${row.availability} / ${t('rules.anyActivity')}`;
  if (row.activity.toLowerCase() === 'outofoffice') return `${row.availability} ${t('rules.oofSuffix')}`;
  return `${row.availability} / ${row.activity}`;
}

/** (availability/activity) pairs the built-in rows already cover, lower-cased like the engine compares. */
const BUILT_IN_PAIRS = new Set(
  STATUS_ROWS.flatMap((row) => {
    const acts = row.match.kind === 'exact' ? row.match.activity : row.match.kind === 'oof' ? ['OutOfOffice'] : ['*'];
    return row.match.availability.flatMap((a) => acts.map((act) => `${a.toLowerCase()}/${act.toLowerCase()}`));
  }),
);

function customRowId(availability: string, activity: string, taken: readonly string[]): string {
  const base = `${availability}-${activity}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 44) || 'row';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

/** Characters used of the most STARFACE takes; red once over. */
function ChatTextCounter({ length }: { length: number }) {
  const { t } = useI18n();
  const over = length > MAX_CHAT_TEXT_LENGTH;
  return (
    <span className={`char-count${over ? ' char-count-over' : ''}`} title={t('rules.charCountTitle', { max: MAX_CHAT_TEXT_LENGTH })}>
      {length}/{MAX_CHAT_TEXT_LENGTH}
    </span>
  );
}

interface RuleRowProps {
  rowKey: string;
  label: string;
  match: string;
  isNew: boolean;
  custom: boolean;
  rule: Rule;
  errorPath: string;
  caps: PbxCapabilitiesView | null;
  reasonIds: Partial<Record<Capability, string>>;
  onChange: (rule: Rule) => void;
  onRemove?: () => void;
  showActions: boolean;
  /** Columns on the page: one this PBX cannot serve is only shown under "Erweitert". */
  shown: Record<Capability, boolean>;
}

function RuleRow({ rowKey, label, match, isNew, custom, rule, errorPath, caps, reasonIds, onChange, onRemove, showActions, shown }: RuleRowProps) {
  const { t } = useI18n();
  const chatError = useFieldError(errorPath);
  const dndCap = capability(caps, 'canSetDnd', t);
  const textCap = capability(caps, 'canSetChatPresenceMessage', t);
  const presenceCap = capability(caps, 'canSetChatPresence', t);
  const callCap = capability(caps, 'canSetTelephonyState', t);
  const ids = {
    dnd: `rule-${rowKey}-dnd`,
    text: `rule-${rowKey}-text`,
    presence: `rule-${rowKey}-presence`,
    call: `rule-${rowKey}-call`,
    error: `rule-${rowKey}-error`,
  };
  return (
    <tr>
      {/* One line per row (all 17 fit at 1366×860); the Graph values are the tooltip. */}
      <th scope="row" className="rule-status" title={match}>
        <span className="rule-label">
          {label}
          {isNew && <span className="badge badge-info">{t('rules.new')}</span>}
          {custom && <span className="badge badge-muted">{t('rules.custom')}</span>}
        </span>
        <span className="visually-hidden"> ({match})</span>
      </th>
      {shown.canSetDnd && <td>
        <label htmlFor={ids.dnd} className="visually-hidden">{t('rules.dndFor', { row: label })}</label>
        <select
          id={ids.dnd}
          value={dndCap.ok ? rule.dnd : 'unchanged'}
          disabled={!dndCap.ok}
          {...(!dndCap.ok && reasonIds.canSetDnd ? { 'aria-describedby': reasonIds.canSetDnd } : {})}
          onChange={(e) => onChange({ ...rule, dnd: e.target.value as DndAction })}
        >
          {DND_ACTIONS.map((a) => (
            <option key={a} value={a}>{a === 'unchanged' ? t('common.unchanged') : a === 'on' ? t('common.on') : t('common.off')}</option>
          ))}
        </select>
      </td>}
      {shown.canSetChatPresenceMessage && <td>
        <label htmlFor={ids.text} className="visually-hidden">{t('rules.chatTextFor', { row: label })}</label>
        <input
          id={ids.text}
          type="text"
          value={rule.chatText}
          maxLength={MAX_CHAT_TEXT_LENGTH + 50}
          placeholder={t('rules.chatTextPlaceholder')}
          disabled={!textCap.ok}
          {...(chatError ? { 'aria-invalid': true, 'aria-describedby': ids.error } : !textCap.ok && reasonIds.canSetChatPresenceMessage ? { 'aria-describedby': reasonIds.canSetChatPresenceMessage } : {})}
          onChange={(e) => onChange({ ...rule, chatText: e.target.value })}
        />
        <ChatTextCounter length={rule.chatText.length} />
        {chatError && <FieldErrorText id={ids.error} message={chatError} />}
      </td>}
      {shown.canSetChatPresence && <td>
        <label htmlFor={ids.presence} className="visually-hidden">{t('rules.chatPresenceFor', { row: label })}</label>
        <select
          id={ids.presence}
          value={presenceCap.ok ? (rule.chatPresence ?? 'unchanged') : 'unchanged'}
          disabled={!presenceCap.ok}
          title={reasonTitle(presenceCap.reason, t)}
          {...(!presenceCap.ok && reasonIds.canSetChatPresence ? { 'aria-describedby': reasonIds.canSetChatPresence } : {})}
          onChange={(e) => {
            const v = e.target.value;
            const next: Rule = { ...rule };
            if (v === 'unchanged') delete next.chatPresence;
            else next.chatPresence = v as ChatPresence;
            onChange(next);
          }}
        >
          <option value="unchanged">{t('rules.presence.unchanged')}</option>
          {CHAT_PRESENCES.map((p) => (
            <option key={p} value={p}>{t(`rules.presence.${p}`)}</option>
          ))}
        </select>
      </td>}
      {shown.canSetTelephonyState && <td className="cell-center">
        <input
          id={ids.call}
          type="checkbox"
          // Never ticked and disabled: what the PBX cannot do is not shown as if it happened.
          checked={callCap.ok && rule.showAsInCall}
          disabled={!callCap.ok}
          title={reasonTitle(callCap.reason, t)}
          aria-label={t('rules.inCallFor', { row: label })}
          {...(!callCap.ok && reasonIds.canSetTelephonyState ? { 'aria-describedby': reasonIds.canSetTelephonyState } : {})}
          onChange={(e) => onChange({ ...rule, showAsInCall: e.target.checked })}
        />
      </td>}
      {showActions && (
        <td className="cell-center">
          {onRemove && (
            <button type="button" className="btn btn-small btn-danger" aria-label={t('rules.removeRow', { row: label })} onClick={onRemove}>
              {t('common.remove')}
            </button>
          )}
        </td>
      )}
    </tr>
  );
}

function AddCustomRow({ draft, onAdd }: { draft: Settings; onAdd: (row: CustomRow) => void }) {
  const { t } = useI18n();
  const listId = useId();
  const [availability, setAvailability] = useState<string>('Busy');
  const [activity, setActivity] = useState('');
  const [error, setError] = useState<string | undefined>();

  const add = () => {
    const act = activity.trim();
    if (!/^[A-Za-z0-9]{1,64}$/.test(act)) {
      setError(t('rules.addActivityRequired'));
      return;
    }
    const key = `${availability.toLowerCase()}/${act.toLowerCase()}`;
    const dup = BUILT_IN_PAIRS.has(key) || draft.customRows.some((r) => `${r.availability.toLowerCase()}/${r.activity.toLowerCase()}` === key);
    if (dup) {
      setError(t('rules.addDuplicate'));
      return;
    }
    const id = customRowId(availability, act, [...STATUS_ROWS.map((r) => r.id), ...draft.customRows.map((r) => r.id)]);
    onAdd({ id, label: `${availability} – ${act}`, availability, activity: act, rule: { dnd: 'unchanged', chatText: '', showAsInCall: false } });
    setActivity('');
    setError(undefined);
  };

  return (
    <section className="card" aria-labelledby="add-row-title">
      <h2 id="add-row-title">{t('rules.addTitle')}</h2>
      <p className="section-intro">{t('rules.addIntro')}</p>
      <div className="form-row">
        <Field label={t('rules.addAvailability')}>
          {(p) => (
            <select {...p} value={availability} onChange={(e) => setAvailability(e.target.value)}>
              {AVAILABILITIES.map((a) => <option key={a} value={a}>{a}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('rules.addActivity')} hint={t('rules.addActivityHint')} error={error}>
          {(p) => (
            <input
              {...p}
              type="text"
              list={listId}
              value={activity}
              onChange={(e) => { setActivity(e.target.value); setError(undefined); }}
              onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } }}
            />
          )}
        </Field>
        <datalist id={listId}>
          {KNOWN_ACTIVITIES.map((a) => <option key={a} value={a} />)}
        </datalist>
        <div className="form-row-action">
          <button type="button" className="btn" onClick={add}>{t('rules.addButton')}</button>
        </div>
      </div>
    </section>
  );
}

export function StatusRules() {
  const { t, lang } = useI18n();
  const { client } = useServices();
  const { draft, update } = useDraft();
  const live = useLive();
  const caps = live.capabilities;
  const reasonBase = useId();
  const [confirmReset, setConfirmReset] = useState(false);
  const [advanced, setAdvanced] = useState(false);
  const [note, setNote] = useState('');
  const pollError = useFieldError('sync.pollIntervalSeconds');

  const unsupported = (['canSetDnd', 'canSetChatPresenceMessage', 'canSetChatPresence', 'canSetTelephonyState'] as const)
    .map((name) => ({ name, ...capability(caps, name, t) }))
    .filter((c) => !c.ok);
  const reasonIds: Partial<Record<Capability, string>> = Object.fromEntries(unsupported.map((c) => [c.name, `${reasonBase}-${c.name}`]));
  const shown = Object.fromEntries(
    (['canSetDnd', 'canSetChatPresenceMessage', 'canSetChatPresence', 'canSetTelephonyState'] as const).map((c) => [c, advanced || capability(caps, c, t).ok]),
  ) as Record<Capability, boolean>;
  const capLabel: Record<Capability, string> = {
    canSetDnd: t('rules.col.dnd'),
    canSetChatPresenceMessage: t('rules.col.chatText'),
    canSetChatPresence: t('rules.col.chatPresence'),
    canSetTelephonyState: t('rules.col.inCall'),
  };

  const setRule = (id: BuiltInRowId, rule: Rule) => update((d) => ({ ...d, rules: { ...d.rules, [id]: rule } }));
  const setCustomRule = (index: number, rule: Rule) =>
    update((d) => ({ ...d, customRows: d.customRows.map((r, i) => (i === index ? { ...r, rule } : r)) }));
  const setSwitches = (edit: (s: Settings['switches']) => Settings['switches']) => update((d) => ({ ...d, switches: edit(d.switches) }));
  const setSync = (edit: (s: Settings['sync']) => Settings['sync']) => update((d) => ({ ...d, sync: edit(d.sync) }));
  const telephonyCap = capability(caps, 'canSetTelephonyState', t);
  const hasCustom = draft.customRows.length > 0;

  const reset = async () => {
    setConfirmReset(false);
    try {
      const res = await client.call('settings.reset', { section: 'rules' });
      update((d) => ({ ...d, rules: res.settings.rules, customRows: res.settings.customRows }));
      setNote(t('rules.resetDone'));
    } catch (err) {
      setNote(t('common.error', { message: toCallError(err).message }));
    }
  };

  return (
    <section className="page" aria-labelledby="rules-title">
      <header className="page-head page-head-actions">
        <div>
          <h1 id="rules-title">{t('rules.title')}</h1>
          <p className="page-intro">{t('rules.intro')}</p>
        </div>
        <button type="button" className="btn" onClick={() => setConfirmReset(true)}>{t('rules.reset')}</button>
      </header>
      <p className="sr-status" role="status" aria-live="polite">{note}</p>

      {unsupported.length > 0 && (
        <div className="rules-advanced">
          <button type="button" className="btn btn-small" aria-expanded={advanced} aria-controls={`${reasonBase}-advanced`}
            onClick={() => setAdvanced((v) => !v)}>
            {advanced ? t('rules.advancedHide') : t('rules.advancedShow', { count: unsupported.length })}
          </button>
          {!advanced && <span className="muted">{t('rules.advancedHint', { columns: unsupported.map((c) => capLabel[c.name]).join(', ') })}</span>}
        </div>
      )}
      {unsupported.length > 0 && advanced && (
        <div className="notice notice-info" id={`${reasonBase}-advanced`}>
          <ul>
            {unsupported.map((c) => (
              <li key={c.name} id={reasonIds[c.name]}>
                <strong>{capLabel[c.name]}:</strong> {c.reason?.text}
                {c.reason?.detail && <span className="engine-detail">{t('app.engineDetail', { message: c.reason.detail })}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="table-wrap">
        <table className="rules-table">
          <caption className="visually-hidden">{t('rules.table')}</caption>
          <thead>
            <tr>
              <th scope="col" className="th-status">{t('rules.col.status')}</th>
              {shown.canSetDnd && <th scope="col" className="th-dnd">{t('rules.col.dnd')}</th>}
              {shown.canSetChatPresenceMessage && <th scope="col" className="th-text">{t('rules.col.chatText')}</th>}
              {shown.canSetChatPresence && <th scope="col" className="th-presence">{t('rules.col.chatPresence')}</th>}
              {shown.canSetTelephonyState && <th scope="col" className="cell-center th-incall">{t('rules.col.inCall')}</th>}
              {hasCustom && <th scope="col" className="cell-center th-actions"><span className="visually-hidden">{t('rules.col.actions')}</span></th>}
            </tr>
          </thead>
          <tbody>
            {STATUS_ROWS.map((row) => {
              const id = row.id as BuiltInRowId;
              return (
                <RuleRow
                  key={id}
                  rowKey={id}
                  label={row.label[lang]}
                  match={describeMatch(row.match, t)}
                  isNew={row.isNew}
                  custom={false}
                  rule={draft.rules[id]}
                  errorPath={`rules.${id}.chatText`}
                  caps={caps}
                  reasonIds={reasonIds}
                  showActions={hasCustom}
                  shown={shown}
                  onChange={(rule) => setRule(id, rule)}
                />
              );
            })}
            {draft.customRows.map((row, i) => (
              <RuleRow
                key={row.id}
                rowKey={`custom-${row.id}`}
                label={row.label}
                match={describeCustom(row, t)}
                isNew={false}
                custom
                rule={row.rule}
                errorPath={`customRows.${i}`}
                caps={caps}
                reasonIds={reasonIds}
                showActions
                shown={shown}
                onChange={(rule) => setCustomRule(i, rule)}
                onRemove={() => update((d) => ({ ...d, customRows: d.customRows.filter((_, j) => j !== i) }))}
              />
            ))}
          </tbody>
        </table>
      </div>

      <AddCustomRow
        draft={draft}
        onAdd={(row) => {
          update((d) => ({ ...d, customRows: [...d.customRows, row] }));
          setNote(t('rules.added', { row: row.label }));
        }}
      />

      <div className="card-grid">
        <section className="card" aria-labelledby="switches-title">
          <h2 id="switches-title">{t('switches.title')}</h2>
          <Checkbox label={t('switches.setDnd')} checked={draft.switches.setDnd} onChange={(v) => setSwitches((s) => ({ ...s, setDnd: v }))} />
          <Checkbox
            label={t('switches.setChatStatus')}
            checked={draft.switches.setChatStatus}
            onChange={(v) => setSwitches((s) => ({ ...s, setChatStatus: v }))}
          />
          <Checkbox
            label={t('switches.setTelephonyState')}
            checked={telephonyCap.ok && draft.switches.setTelephonyState}
            disabled={!telephonyCap.ok}
            disabledReason={telephonyCap.reason?.text}
            onChange={(v) => setSwitches((s) => ({ ...s, setTelephonyState: v }))}
          />
        </section>

        <section className="card" aria-labelledby="reverse-title">
          <h2 id="reverse-title">{t('reverse.title')}</h2>
          <Checkbox
            label={t('reverse.enabled')}
            checked={draft.switches.reverse.enabled}
            onChange={(v) => setSwitches((s) => ({ ...s, reverse: { ...s.reverse, enabled: v } }))}
          />
          <Field label={t('reverse.teamsState')}>
            {(p) => (
              <select
                {...p}
                value={draft.switches.reverse.teamsState}
                disabled={!draft.switches.reverse.enabled}
                onChange={(e) =>
                  setSwitches((s) => ({ ...s, reverse: { ...s.reverse, teamsState: e.target.value as 'busy-inacall' | 'dnd-presenting' } }))
                }
              >
                <option value="busy-inacall">{availabilityAndActivityName('Busy', 'InACall', lang)}</option>
                <option value="dnd-presenting">{availabilityAndActivityName('DoNotDisturb', 'Presenting', lang)}</option>
              </select>
            )}
          </Field>
          <Checkbox
            label={t('reverse.ringingCounts')}
            checked={draft.switches.reverse.ringingCounts}
            disabled={!draft.switches.reverse.enabled}
            onChange={(v) => setSwitches((s) => ({ ...s, reverse: { ...s.reverse, ringingCounts: v } }))}
          />
          <p className="field-hint">{t('reverse.note')}</p>
        </section>

        <section className="card" aria-labelledby="syncopts-title">
          <h2 id="syncopts-title">{t('syncopts.title')}</h2>
          <Field label={t('syncopts.poll')} hint={t('syncopts.pollHint')} error={pollError}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={0.25}
                max={300}
                step={0.25}
                className="input-short"
                value={Number.isFinite(draft.sync.pollIntervalSeconds) ? draft.sync.pollIntervalSeconds : ''}
                onChange={(e) => setSync((s) => ({ ...s, pollIntervalSeconds: e.target.value === '' ? Number.NaN : Number(e.target.value) }))}
              />
            )}
          </Field>
          <RadioGroup
            legend={t('syncopts.ownership')}
            name="ownership"
            value={draft.sync.ownershipMode}
            options={[
              { value: 'respect-manual', label: t('syncopts.respect-manual'), hint: t('syncopts.respect-manualHint') },
              { value: 'teams-leads', label: t('syncopts.teams-leads'), hint: t('syncopts.teams-leadsHint') },
            ]}
            onChange={(v) => setSync((s) => ({ ...s, ownershipMode: v }))}
          />
          <Checkbox
            label={t('syncopts.restoreOnStop')}
            checked={draft.sync.restoreOnStop}
            onChange={(v) => setSync((s) => ({ ...s, restoreOnStop: v }))}
          />
        </section>
      </div>

      <SaveBar page="rules" />

      <Dialog
        open={confirmReset}
        title={t('rules.resetTitle')}
        onClose={() => setConfirmReset(false)}
        actions={
          <>
            <button type="button" className="btn" onClick={() => setConfirmReset(false)}>{t('common.cancel')}</button>
            <button type="button" className="btn btn-danger" onClick={() => void reset()}>{t('rules.resetConfirm')}</button>
          </>
        }
      >
        <p>{t('rules.resetText')}</p>
      </Dialog>
    </section>
  );
}
