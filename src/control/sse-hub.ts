// Fans engine events out to the browser pages connected to GET /api/events (Server-Sent Events).
// Events are validated against the contract before they leave; a client that cannot keep up is dropped
// rather than buffered without bound (it reconnects and reloads a snapshot).
import type { ServerResponse } from 'node:http';
import { ControlEventSchema, type ControlApi, type ControlEvent } from './contract.js';
import { coded } from '../core/messages/log-line.js';

export interface SseLogger {
  warn(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
}

export interface SseHubOptions {
  api: ControlApi;
  heartbeatMs: number;
  /** Bytes queued for one client beyond which it counts as stuck and is disconnected. */
  maxBufferedBytes: number;
  maxClients: number;
  /** Reconnect delay the browser should use (SSE `retry:` field). */
  retryMs: number;
  logger?: SseLogger;
}

export interface SseHub {
  /** Takes over the response; returns false (and leaves it untouched) when the client limit is reached. */
  add(res: ServerResponse, headers: Record<string, string>): boolean;
  clientCount(): number;
  close(): void;
}

export function createSseHub(opts: SseHubOptions): SseHub {
  const clients = new Set<ServerResponse>();
  let unsubscribe: (() => void) | undefined;
  let nextId = 1;
  let closed = false;

  const heartbeat = setInterval(() => broadcast(': ping\n\n'), opts.heartbeatMs);
  heartbeat.unref();

  function drop(res: ServerResponse, why: string): void {
    if (!clients.delete(res)) return;
    opts.logger?.debug('event stream client disconnected', { why, clients: clients.size });
    res.destroy();
    if (clients.size === 0 && unsubscribe) {
      unsubscribe();
      unsubscribe = undefined;
    }
  }

  function write(res: ServerResponse, chunk: string): void {
    if (res.writableLength > opts.maxBufferedBytes) {
      opts.logger?.warn('event stream client too slow: disconnected it (it will reconnect)', { buffered: res.writableLength, ...coded('log-events-client-slow') });
      drop(res, 'slow');
      return;
    }
    res.write(chunk);
  }

  function broadcast(chunk: string): void {
    for (const res of [...clients]) write(res, chunk);
  }

  function onEvent(event: ControlEvent): void {
    if (clients.size === 0) return;
    const checked = ControlEventSchema.safeParse(event);
    if (!checked.success) {
      // Logging a bad log.entry would feed the log stream another event: skip logging for that type.
      const type = (event as { type?: unknown } | null)?.type;
      if (type !== 'log.entry') {
        opts.logger?.warn('engine emitted an event that breaks the control contract; dropped', {
          issues: checked.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
          ...coded('log-events-invalid-event', { type: typeof type === 'string' ? type : null }),
        });
      }
      return;
    }
    let data: string;
    try {
      data = JSON.stringify(checked.data.data);
    } catch {
      return; // not serialisable (e.g. a BigInt in log fields): nothing sensible to send
    }
    broadcast(`id: ${nextId++}\nevent: ${checked.data.type}\ndata: ${data}\n\n`);
  }

  return {
    add(res, headers) {
      if (closed || clients.size >= opts.maxClients) return false;
      res.writeHead(200, {
        ...headers,
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.socket?.setNoDelay(true);
      // The first bytes flush the headers so the client knows the stream is open.
      res.write(`retry: ${opts.retryMs}\n: connected\n\n`);
      clients.add(res);
      res.on('close', () => drop(res, 'closed'));
      res.on('error', () => drop(res, 'error'));
      unsubscribe ??= opts.api.subscribe(onEvent);
      return true;
    },
    clientCount: () => clients.size,
    close() {
      closed = true;
      clearInterval(heartbeat);
      for (const res of [...clients]) {
        clients.delete(res);
        res.end();
      }
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}
