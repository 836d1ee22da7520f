// Debounce of Teams → STARFACE changes (issue 17 item 2): which cycles may write.
import { describe, expect, it } from 'vitest';
import { ChangeDebouncer } from '../../src/sync/debounce.js';

const A = { dnd: false, chatText: 'Verfügbar' };
const B = { dnd: true, chatText: 'Beschäftigt – In einer Besprechung' };
const C = { dnd: true, chatText: 'Nicht stören' };

describe('change debouncer', () => {
  it('off (0 cycles): never holds a change', () => {
    const d = new ChangeDebouncer(() => 0);
    expect(d.hold('1001', B, A)).toBe(false);
  });

  it('1 cycle: a change waits one cycle, a flicker back within it is dropped', () => {
    const d = new ChangeDebouncer(() => 1);
    expect(d.hold('1001', B, A)).toBe(true); // read once: wait
    expect(d.hold('1001', B, A)).toBe(false); // read again: write
    expect(d.hold('1002', B, A)).toBe(true);
    expect(d.hold('1002', A, A)).toBe(false); // back to what the PBX shows: nothing to write
    expect(d.waiting).toBe(0);
    expect(d.hold('1002', B, A)).toBe(true); // a new change starts its own wait
  });

  it('a different new state restarts the wait', () => {
    const d = new ChangeDebouncer(() => 2);
    expect(d.hold('1001', B, A)).toBe(true);
    expect(d.hold('1001', C, A)).toBe(true);
    expect(d.hold('1001', C, A)).toBe(true);
    expect(d.hold('1001', C, A)).toBe(false);
  });

  it('the first state of a user is never held', () => {
    expect(new ChangeDebouncer(() => 3).hold('1001', B, undefined)).toBe(false);
  });
});
