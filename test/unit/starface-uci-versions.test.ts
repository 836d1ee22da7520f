// Choosing the UCI generation per service from the PBX's own lists (reference §3.1, addendum).
import { describe, expect, it } from 'vitest';
import { otherVersion, parseProvided, pickVersion } from '../../src/starface/uci-versions.js';

describe('UCI generation per service', () => {
  const provided = parseProvided([
    'ucp.v30.requests.connection', 'ucp.v22.requests.connection', 'ucp.v22.requests.userState', ' ucp.v30.requests.call.getCallIds ',
    'ucp.v31.requests.future', 'garbage', 'ucp.v30.events.call',
  ], 'requests');

  it('reads services and full method names, ignores unknown generations and other kinds', () => {
    expect([...provided.keys()].sort()).toEqual(['call', 'connection', 'userState']);
    expect([...provided.get('connection')!].sort()).toEqual(['v22', 'v30']);
    expect(parseProvided(['ucp.v30.events.call', 'ucp.v22.events.call'], 'events').get('call')!.size).toBe(2);
  });

  it('prefers the configured generation where listed, else the one listed, else the configured one', () => {
    expect(pickVersion(provided, 'connection', 'v30')).toBe('v30');
    expect(pickVersion(provided, 'userState', 'v30')).toBe('v22');
    expect(pickVersion(provided, 'call', 'v22')).toBe('v30');
    expect(pickVersion(provided, 'redirect', 'v30')).toBe('v30');
    expect(pickVersion(undefined, 'userState', 'v22')).toBe('v22');
    expect(otherVersion('v30')).toBe('v22');
  });
});
