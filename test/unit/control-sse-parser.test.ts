import { describe, expect, it } from 'vitest';
import { SseParser, backoffDelay, type SseMessage } from '../../renderer/src/control/http-client.js';

function parseAll(chunks: string[]): { messages: SseMessage[]; retries: number[] } {
  const messages: SseMessage[] = [];
  const retries: number[] = [];
  const p = new SseParser((m) => messages.push(m), (ms) => retries.push(ms));
  for (const c of chunks) p.push(c);
  return { messages, retries };
}

const STREAM = 'retry: 2000\n: connected\n\nid: 1\nevent: state.sync\ndata: {"a":1}\n\n: ping\n\nid: 2\nevent: log.entry\ndata: {"msg":"x"}\n\n';

describe('SseParser', () => {
  it('parses what the host sends: events, ids, comments and retry', () => {
    const { messages, retries } = parseAll([STREAM]);
    expect(messages).toEqual([
      { event: 'state.sync', data: '{"a":1}', lastEventId: '1' },
      { event: 'log.entry', data: '{"msg":"x"}', lastEventId: '2' },
    ]);
    expect(retries).toEqual([2000]);
  });

  it('gives the same messages however the stream is split into chunks', () => {
    const whole = parseAll([STREAM]).messages;
    for (let i = 0; i <= STREAM.length; i++) {
      expect(parseAll([STREAM.slice(0, i), STREAM.slice(i)]).messages, `split at ${i}`).toEqual(whole);
    }
    expect(parseAll([...STREAM]).messages).toEqual(whole); // one character at a time
  });

  it('accepts CRLF and CR line ends, also when a CRLF is split between chunks', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n');
    const cr = STREAM.replace(/\n/g, '\r');
    const expected = parseAll([STREAM]).messages;
    expect(parseAll([crlf]).messages).toEqual(expected);
    expect(parseAll([cr]).messages).toEqual(expected);
    for (let i = 0; i <= crlf.length; i++) {
      expect(parseAll([crlf.slice(0, i), crlf.slice(i)]).messages, `split at ${i}`).toEqual(expected);
    }
  });

  it('keeps a CR at a chunk end pending across empty chunks', () => {
    const { messages } = parseAll(['data: a\r', '', '\ndata: b\r\n\r\n']);
    expect(messages).toEqual([{ event: 'message', data: 'a\nb', lastEventId: '' }]);
  });

  it('joins multi-line data with newlines and strips exactly one leading space', () => {
    const { messages } = parseAll(['data:  two spaces\ndata:no space\ndata\n\n']);
    expect(messages).toEqual([{ event: 'message', data: ' two spaces\nno space\n', lastEventId: '' }]);
  });

  it('does not dispatch a message without data, and resets the event name after each message', () => {
    const { messages } = parseAll(['event: lonely\n\ndata: a\n\n']);
    expect(messages).toEqual([{ event: 'message', data: 'a', lastEventId: '' }]);
  });

  it('holds back an unterminated message until its blank line arrives', () => {
    const messages: SseMessage[] = [];
    const p = new SseParser((m) => messages.push(m));
    p.push('event: x\ndata: 1\n');
    expect(messages).toHaveLength(0);
    p.push('\n');
    expect(messages).toEqual([{ event: 'x', data: '1', lastEventId: '' }]);
  });

  it('ignores a leading BOM, unknown fields, ids with NUL and non-numeric retry', () => {
    const { messages, retries } = parseAll(['\uFEFFid: 7\nfoo: bar\nretry: soon\nid: bad\0id\ndata: d\n\n']);
    expect(messages).toEqual([{ event: 'message', data: 'd', lastEventId: '7' }]);
    expect(retries).toEqual([]);
  });

  it('keeps unicode intact', () => {
    const { messages } = parseAll(['data: {"t":"Im Gespräch – 😀"}\n\n']);
    expect(JSON.parse(messages[0]!.data)).toEqual({ t: 'Im Gespräch – 😀' });
  });

  it('refuses endless lines instead of growing without bound', () => {
    const p = new SseParser(() => undefined, undefined, 1024);
    expect(() => p.push('data: ' + 'x'.repeat(2048))).toThrow(/too long/);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base up to the maximum, with bounded jitter', () => {
    for (let i = 0; i < 50; i++) {
      const first = backoffDelay(0, 1000, 15_000);
      expect(first).toBeGreaterThanOrEqual(800);
      expect(first).toBeLessThanOrEqual(1200);
      const third = backoffDelay(2, 1000, 15_000);
      expect(third).toBeGreaterThanOrEqual(3200);
      expect(third).toBeLessThanOrEqual(4800);
      expect(backoffDelay(40, 1000, 15_000)).toBeLessThanOrEqual(18_000);
    }
  });
});
