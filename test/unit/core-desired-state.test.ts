import { describe, expect, it } from 'vitest';
import {
  RULE_FIELDS,
  TEAMS_SESSION_STATES,
  UCI_CAPABILITIES,
  applyCallEvent,
  desiredPbxState,
  desiredTeamsSession,
  isCallEnded,
  telephonyFromCallStates,
  telephonyFromUserState,
  unavailableRuleFields,
  type ForwardSwitches,
  type ReverseSwitches,
} from '../../src/core/desired-state.js';
import type { SettableCapabilities, TelephonyState } from '../../src/core/pbx-state.js';
import { BUILT_IN_ROW_IDS, CHAT_PRESENCES, DND_ACTIONS, defaultRuleFor, type Rule } from '../../src/core/status-rows.js';

const ALL_ON: ForwardSwitches = { setDnd: true, setChatStatus: true, setTelephonyState: true };
const FULL: SettableCapabilities = { canSetDnd: true, canSetChatPresenceMessage: true, canSetChatPresence: true, canSetTelephonyState: true };

const bools = [false, true] as const;
const allSwitches: ForwardSwitches[] = bools.flatMap((setDnd) =>
  bools.flatMap((setChatStatus) => bools.map((setTelephonyState) => ({ setDnd, setChatStatus, setTelephonyState }))),
);
const allCaps: SettableCapabilities[] = bools.flatMap((canSetDnd) =>
  bools.flatMap((canSetChatPresenceMessage) =>
    bools.flatMap((canSetChatPresence) => bools.map((canSetTelephonyState) => ({ canSetDnd, canSetChatPresenceMessage, canSetChatPresence, canSetTelephonyState }))),
  ),
);

describe('desiredPbxState: every built-in row with defaults, all switches on, documented UCI', () => {
  it.each([
    ['available', { dnd: false, chatText: 'Verfügbar' }],
    ['available-oof', { dnd: false, chatText: 'Verfügbar – Außer Haus' }],
    ['busy', { chatText: 'Beschäftigt' }],
    ['busy-in-call', { dnd: true, chatText: 'Im Anruf (MS Teams)' }],
    ['busy-in-conference-call', { dnd: true, chatText: 'In einer Telefonkonferenz (MS Teams)' }],
    ['busy-in-meeting', { dnd: true, chatText: 'Beschäftigt – In einer Besprechung' }],
    ['busy-oof', { dnd: true, chatText: 'Beschäftigt – Außer Haus' }],
    ['dnd', { dnd: true, chatText: 'Nicht stören' }],
    ['dnd-presenting', { dnd: true, chatText: 'Nicht stören – Präsentiert' }],
    ['dnd-urgent-only', { dnd: true, chatText: 'Nur dringende Unterbrechungen' }],
    ['away', { dnd: false, chatText: 'Abwesend' }],
    ['away-oof', { dnd: false, chatText: 'Abwesend – Außer Haus' }],
    ['be-right-back', { dnd: false, chatText: 'Bin gleich zurück' }],
    ['offline', { dnd: false, chatText: 'Offline' }],
    ['offline-oof', { dnd: false, chatText: 'Offline – Außer Haus' }],
    ['offline-unknown', { chatText: 'Offline – Unbekannt' }],
    ['unknown', { chatText: 'Unbekannt' }],
  ] as const)('%s → %j', (id, want) => {
    expect(desiredPbxState(defaultRuleFor(id), ALL_ON, UCI_CAPABILITIES)).toEqual(want);
  });

  it('with a PBX that can do everything, the in-call rows also show as in call', () => {
    const inCall = BUILT_IN_ROW_IDS.filter((id) => desiredPbxState(defaultRuleFor(id), ALL_ON, FULL).telephonyInCall === true);
    expect(inCall).toEqual(['busy-in-call', 'busy-in-conference-call', 'dnd-presenting']);
    for (const id of BUILT_IN_ROW_IDS) expect(desiredPbxState(defaultRuleFor(id), ALL_ON, FULL).telephonyInCall, id).toBeTypeOf('boolean');
  });
});

describe('desiredPbxState: every rule field × switch × capability', () => {
  const rules: Rule[] = DND_ACTIONS.flatMap((dnd) =>
    ['', 'Text'].flatMap((chatText) =>
      [undefined, 'AWAY' as const].flatMap((chatPresence) =>
        bools.map((showAsInCall) => (chatPresence ? { dnd, chatText, chatPresence, showAsInCall } : { dnd, chatText, showAsInCall })),
      ),
    ),
  );
  const cases = rules.flatMap((rule) => allSwitches.flatMap((sw) => allCaps.map((caps) => [rule, sw, caps] as const)));

  it('covers 24 rules × 8 switch sets × 16 capability sets', () => expect(cases).toHaveLength(24 * 8 * 16));

  it('sets each field exactly when its switch is on, the PBX can, and the rule says so', () => {
    for (const [rule, sw, caps] of cases) {
      const got = desiredPbxState(rule, sw, caps);
      const ctx = JSON.stringify({ rule, sw, caps });
      expect(got.dnd, ctx).toBe(sw.setDnd && caps.canSetDnd && rule.dnd !== 'unchanged' ? rule.dnd === 'on' : undefined);
      expect(got.chatText, ctx).toBe(sw.setChatStatus && caps.canSetChatPresenceMessage && rule.chatText !== '' ? rule.chatText : undefined);
      expect(got.chatPresence, ctx).toBe(sw.setChatStatus && caps.canSetChatPresence ? rule.chatPresence : undefined);
      expect(got.telephonyInCall, ctx).toBe(sw.setTelephonyState && caps.canSetTelephonyState ? rule.showAsInCall : undefined);
      // undefined fields are absent, so the result is a minimal object
      for (const [k, v] of Object.entries(got)) expect(v, `${ctx} ${k}`).not.toBeUndefined();
    }
  });

  it('every chat presence passes through', () => {
    for (const cp of CHAT_PRESENCES) {
      expect(desiredPbxState({ dnd: 'unchanged', chatText: '', chatPresence: cp, showAsInCall: false }, ALL_ON, FULL)).toEqual({
        chatPresence: cp,
        telephonyInCall: false,
      });
    }
  });

  it('with every switch off nothing is desired', () => {
    const off = { setDnd: false, setChatStatus: false, setTelephonyState: false };
    for (const id of BUILT_IN_ROW_IDS) expect(desiredPbxState(defaultRuleFor(id), off, FULL)).toEqual({});
  });
});

describe('unavailableRuleFields', () => {
  it('names nothing when all is possible and on', () => {
    expect(unavailableRuleFields(ALL_ON, FULL)).toEqual({});
  });

  it('explains the documented UCI limits (German default, English alternative)', () => {
    expect(Object.keys(unavailableRuleFields(ALL_ON, UCI_CAPABILITIES))).toEqual(['chatPresence', 'showAsInCall']);
    expect(unavailableRuleFields(ALL_ON, UCI_CAPABILITIES).showAsInCall).toMatch(/Telefoniestatus/);
    expect(unavailableRuleFields(ALL_ON, UCI_CAPABILITIES, 'en').showAsInCall).toMatch(/telephony state/);
  });

  it('prefers the PBX reason over the switch reason, for every combination', () => {
    for (const sw of allSwitches)
      for (const caps of allCaps)
        for (const lang of ['de', 'en'] as const) {
          const got = unavailableRuleFields(sw, caps, lang);
          const can = { dnd: caps.canSetDnd, chatText: caps.canSetChatPresenceMessage, chatPresence: caps.canSetChatPresence, showAsInCall: caps.canSetTelephonyState };
          const on = { dnd: sw.setDnd, chatText: sw.setChatStatus, chatPresence: sw.setChatStatus, showAsInCall: sw.setTelephonyState };
          for (const f of RULE_FIELDS) {
            if (can[f] && on[f]) expect(got[f]).toBeUndefined();
            else if (!can[f]) expect(got[f]).toMatch(lang === 'en' ? /STARFACE (does not|offers no)/ : /Diese STARFACE/);
            else expect(got[f]).toMatch(lang === 'en' ? /^Turned off/ : /^Ausgeschaltet/);
          }
        }
  });
});

describe('desiredTeamsSession: telephony × every reverse switch', () => {
  const reverses: ReverseSwitches[] = bools.flatMap((enabled) =>
    (['busy-inacall', 'dnd-presenting'] as const).flatMap((teamsState) => bools.map((ringingCounts) => ({ enabled, teamsState, ringingCounts }))),
  );
  const states: TelephonyState[] = ['idle', 'ringing', 'in-call'];

  it.each(reverses.flatMap((r) => states.map((t) => [t, r] as const)))('%s with %j', (telephony, reverse) => {
    const got = desiredTeamsSession(telephony, reverse);
    const active = reverse.enabled && (telephony === 'in-call' || (telephony === 'ringing' && reverse.ringingCounts));
    if (!active) expect(got).toBeNull();
    else expect(got).toEqual(reverse.teamsState === 'busy-inacall' ? { availability: 'Busy', activity: 'InACall' } : { availability: 'DoNotDisturb', activity: 'Presenting' });
  });

  it('uses only pairs setPresence supports, and hands out copies', () => {
    expect(TEAMS_SESSION_STATES).toEqual({
      'busy-inacall': { availability: 'Busy', activity: 'InACall' },
      'dnd-presenting': { availability: 'DoNotDisturb', activity: 'Presenting' },
    });
    const s = desiredTeamsSession('in-call', { enabled: true, teamsState: 'busy-inacall', ringingCounts: false });
    s!.activity = 'X';
    expect(TEAMS_SESSION_STATES['busy-inacall'].activity).toBe('InACall');
  });
});

describe('telephony state from STARFACE', () => {
  it.each([
    ['ACTIVE', 'in-call'],
    ['active', 'in-call'],
    ['RINGING', 'ringing'],
    ['AVAILABLE', 'idle'],
    ['UNAVAILABLE', 'idle'],
    ['QUEUE_PAUSE', 'idle'],
    ['', 'idle'],
    ['SOMETHING_NEW', 'idle'],
  ])('getUserState telephonyState %j → %s', (v, want) => {
    expect(telephonyFromUserState(v)).toBe(want);
  });

  it.each([
    [[], 'idle'],
    [['HANGUP'], 'idle'],
    [[''], 'idle'],
    [['INCOMING'], 'ringing'],
    [['RINGING'], 'ringing'],
    [['ringing', 'HANGUP'], 'ringing'],
    [['CONNECTED'], 'in-call'],
    [['PROCEEDING'], 'in-call'],
    [['RINGBACK'], 'in-call'],
    [['PARKED'], 'in-call'],
    [['RINGING', 'CONNECTED'], 'in-call'],
    [['CONNECTED', 'RINGING'], 'in-call'],
  ] as const)('call states %j → %s', (states, want) => {
    expect(telephonyFromCallStates(states)).toBe(want);
  });

  it('tracks calls through events', () => {
    let calls: Record<string, string> = {};
    const seen: TelephonyState[] = [];
    const step = (id: string, state: string): void => {
      calls = applyCallEvent(calls, { id, state });
      seen.push(telephonyFromCallStates(Object.values(calls)));
    };
    step('c1', ''); // first event without a state: no information
    step('c1', 'INCOMING');
    step('c1', 'RINGING');
    step('c1', 'CONNECTED');
    step('c2', 'RINGING'); // second call rings while talking
    step('c1', 'HANGUP');
    step('c2', 'HANGUP'); // missed
    expect(seen).toEqual(['idle', 'ringing', 'ringing', 'in-call', 'in-call', 'ringing', 'idle']);
    expect(calls).toEqual({});
  });

  it('does not change its input and ignores events without an id', () => {
    const calls = Object.freeze({ a: 'RINGING' });
    expect(applyCallEvent(calls, { id: 'a', state: 'hangup' })).toEqual({});
    expect(applyCallEvent(calls, { id: '', state: 'CONNECTED' })).toEqual({ a: 'RINGING' });
    expect(calls).toEqual({ a: 'RINGING' });
    expect(isCallEnded(' HangUp ')).toBe(true);
    expect(isCallEnded('CONNECTED')).toBe(false);
  });
});

describe('fits the settings', () => {
  it('takes settings.switches and settings.switches.reverse as they are', async () => {
    const { defaultSettings } = await import('../../src/core/settings.js');
    const s = defaultSettings();
    const forward: ForwardSwitches = s.switches;
    const reverse: ReverseSwitches = s.switches.reverse;
    expect(desiredPbxState(s.rules['busy-in-call'], forward, UCI_CAPABILITIES)).toEqual({ dnd: true, chatText: 'Im Anruf (MS Teams)' });
    expect(desiredTeamsSession('in-call', reverse)).toEqual({ availability: 'Busy', activity: 'InACall' });
    expect(desiredTeamsSession('ringing', reverse)).toBeNull();
  });
});
