// Line prompts for the terminal assistant on node:readline/promises. Lines are queued as they arrive, so
// answers piped in ahead of their question are not lost. Secret answers are not echoed: on a terminal the
// output is muted while the admin types; piped input is never echoed anyway.
import { createInterface, type Interface } from 'node:readline/promises';
import { Writable } from 'node:stream';

/** The input ended (Ctrl-D, closed pipe) or the admin pressed Ctrl-C. */
export class InputClosedError extends Error {
  override readonly name = 'InputClosedError';
  constructor(readonly interrupted: boolean) {
    super(interrupted ? 'Interrupted.' : 'The input ended.');
  }
}

class MutableOutput extends Writable {
  muted = false;
  constructor(private readonly target: NodeJS.WritableStream) {
    super();
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (error?: Error | null) => void): void {
    if (!this.muted) this.target.write(chunk);
    cb();
  }
}

export class Prompter {
  private readonly rl: Interface;
  private readonly out: MutableOutput;
  private readonly lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private closed = false;
  private interrupted = false;
  private readonly tty: boolean;

  constructor(input: NodeJS.ReadableStream & { isTTY?: boolean }, private readonly output: NodeJS.WritableStream) {
    this.tty = input.isTTY === true;
    this.out = new MutableOutput(output);
    this.rl = createInterface({ input, output: this.out, terminal: this.tty });
    this.rl.on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(line);
      } else {
        this.lines.push(line);
      }
    });
    this.rl.on('close', () => {
      this.closed = true;
      this.waiting?.(undefined);
      this.waiting = undefined;
    });
    this.rl.on('SIGINT', () => {
      this.interrupted = true;
      this.out.muted = false;
      this.output.write('\n');
      this.rl.close();
    });
  }

  print(text = ''): void {
    this.output.write(`${text}\n`);
  }

  /** Asks one question; returns the answer without surrounding whitespace (secrets: exactly as typed). */
  async ask(question: string, opts: { secret?: boolean } = {}): Promise<string> {
    this.output.write(question);
    const queued = this.lines.shift();
    let line: string | undefined;
    if (queued !== undefined) {
      line = queued;
    } else if (this.closed) {
      line = undefined;
    } else {
      if (opts.secret) this.out.muted = true;
      line = await new Promise<string | undefined>((resolve) => {
        this.waiting = resolve;
      });
      this.out.muted = false;
    }
    if (line === undefined) throw new InputClosedError(this.interrupted);
    if (opts.secret || !this.tty) this.output.write('\n');
    return opts.secret ? line.replace(/\r$/, '') : line.trim();
  }

  close(): void {
    this.rl.close();
  }
}
