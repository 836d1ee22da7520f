// PBX capabilities as data, with a reason for every missing one.
import { describe, expect, it } from 'vitest';
import { deriveCapabilities } from '../../src/starface/capabilities.js';

const probe = { dndSource: 'auto', chatPresenceSetter: 'probe' } as const;

describe('deriveCapabilities', () => {
  it('before any session observed the PBX: DND writable, presence and DND readability unknown', () => {
    const c = deriveCapabilities(probe, {});
    expect(c).toMatchObject({ canSetDnd: true, canSetChatPresenceMessage: true, canSetChatPresence: false, canSetTelephonyState: false, dndReadable: false });
    expect(c.reasons.canSetChatPresence).toMatch(/Not known yet/);
    expect(c.reasons.dndReadable).toMatch(/Not known yet/);
    expect(c.reasons.canSetTelephonyState).toMatch(/no request to set it/);
    // The same reasons as codes for the UI's language (the English above is rendered from the same table).
    expect(c.reasonCodes).toEqual({
      canSetChatPresence: { code: 'cap-chat-presence-unknown' }, dndReadable: { code: 'cap-dnd-unknown' }, canSetTelephonyState: { code: 'cap-telephony-derived' },
    });
  });

  it('reflects what the sessions found', () => {
    expect(deriveCapabilities(probe, { chatPresenceSetter: true, dndInUserState: true })).toMatchObject({ canSetChatPresence: true, dndReadable: true });
    const none = deriveCapabilities(probe, { chatPresenceSetter: false, dndInUserState: false });
    expect(none).toMatchObject({ canSetChatPresence: false, dndReadable: false });
    expect(none.reasons.canSetChatPresence).toMatch(/only the status text can be set/);
    expect(none.reasons.dndReadable).toMatch(/relies on the DND value it wrote/);
    expect(none.reasons).not.toHaveProperty('canSetDnd');
  });

  it('honours the options and rejected writes', () => {
    expect(deriveCapabilities({ dndSource: 'written', chatPresenceSetter: 'never' }, { dndInUserState: true, chatPresenceSetter: true }))
      .toMatchObject({ dndReadable: false, canSetChatPresence: false, reasons: { dndReadable: expect.stringMatching(/dndSource/), canSetChatPresence: expect.stringMatching(/"never"/) } });
    expect(deriveCapabilities({ dndSource: 'auto', chatPresenceSetter: 'assume' }, {}).canSetChatPresence).toBe(true);
    const rejected = deriveCapabilities(probe, { dndWriteRejected: 'UciIllegalAccessException', chatMessageWriteRejected: 'nope' });
    expect(rejected).toMatchObject({ canSetDnd: false, canSetChatPresenceMessage: false });
    expect(rejected.reasons.canSetDnd).toContain('UciIllegalAccessException');
    // The PBX's fault is the detail, not part of the coded text.
    expect(rejected.reasonCodes?.canSetDnd).toEqual({ code: 'cap-dnd-write-rejected', detail: 'UciIllegalAccessException' });
    expect(rejected.reasonCodes?.canSetChatPresenceMessage).toEqual({ code: 'cap-chat-message-write-rejected', detail: 'nope' });
  });

  it('a PBX whose lists name no userState service in any generation: DND and chat text cannot be set, said before any write', () => {
    const lists = { providedRequests: ['ucp.v30.requests.connection', 'ucp.v30.requests.call', 'ucp.v22.requests.connection'] };
    const c = deriveCapabilities(probe, lists);
    expect(c).toMatchObject({ canSetDnd: false, canSetChatPresenceMessage: false, canSetChatPresence: false });
    expect(c.reasons.canSetDnd).toMatch(/offers no userState service/);
    expect(c.reasons.canSetChatPresenceMessage).toMatch(/offers no userState service/);
    expect(c.reasonCodes).toMatchObject({ canSetDnd: { code: 'cap-no-user-state' }, canSetChatPresenceMessage: { code: 'cap-no-user-state' } });
    // A list naming userState in either generation, or no usable list at all, decides nothing.
    expect(deriveCapabilities(probe, { providedRequests: [...lists.providedRequests, 'ucp.v22.requests.userState'] }).canSetDnd).toBe(true);
    expect(deriveCapabilities(probe, { providedRequests: [] }).canSetDnd).toBe(true);
  });
});
