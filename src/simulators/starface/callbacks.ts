// Delivers call-state events to the clients' XML-RPC servers (reference §3.8, §8.4): POST
// `ucp.vNN.events.call.receiveCallState` to `{type}://{host}:{port}{path}?de.vertico.starface.user=<login>`,
// in order per session, a short timeout and a few retries. The agents' maxTotalSockets bound how many
// deliveries are in flight at once (per scheme); further requests queue in the agent.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../platform/logger.js';
import { fingerprintHex } from './options.js';
import type { CallbackTarget, SimCall, SimCallLeg, SimPbx, SimSession } from './pbx.js';
import { eventService, Q, receiveCallState } from './wire.js';
import { encodeCall, WireDateTime, type WireValue } from './xmlrpc.js';

export interface CallbackStats {
  queued: number;
  sent: number;
  failed: number;
  retried: number;
  dropped: number;
}

export class CallbackDispatcher {
  private readonly chains = new Map<string, Promise<void>>();
  private httpAgent: http.Agent;
  private httpsAgent: https.Agent;
  private readonly retiredAgents: http.Agent[] = [];
  private agentConfig = { concurrency: 0, verifyTls: false, trusted: '' };
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  readonly stats: CallbackStats = { queued: 0, sent: 0, failed: 0, retried: 0, dropped: 0 };

  constructor(private readonly pbx: SimPbx, private readonly log: Logger) {
    this.httpAgent = this.makeHttpAgent();
    this.httpsAgent = this.makeHttpsAgent();
    pbx.onLeg((login, call, leg) => this.onLeg(login, call, leg));
  }

  /** Applies changed behaviour options (concurrency, TLS verification, trusted fingerprints). */
  reconfigure(): void {
    const b = this.pbx.behaviour;
    if (b.callbackConcurrency === this.agentConfig.concurrency && b.callbackVerifyTls === this.agentConfig.verifyTls
      && b.callbackTrustedFingerprints.join() === this.agentConfig.trusted) return;
    // Deliveries in flight finish on the old agents (destroy() would cut them); those close with the dispatcher.
    this.retiredAgents.push(this.httpAgent, this.httpsAgent);
    this.httpAgent = this.makeHttpAgent();
    this.httpsAgent = this.makeHttpsAgent();
  }

  /** Resolves once every queued delivery has finished (tests and benchmarks wait on it). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const a of [this.httpAgent, this.httpsAgent, ...this.retiredAgents]) a.destroy();
  }

  private makeHttpAgent(): http.Agent {
    const b = this.pbx.behaviour;
    const n = b.callbackConcurrency;
    this.agentConfig = { concurrency: n, verifyTls: b.callbackVerifyTls, trusted: b.callbackTrustedFingerprints.join() };
    return new http.Agent({ keepAlive: true, maxSockets: n, maxTotalSockets: n });
  }

  private makeHttpsAgent(): https.Agent {
    const b = this.pbx.behaviour;
    const options = { keepAlive: true, maxSockets: b.callbackConcurrency, maxTotalSockets: b.callbackConcurrency, rejectUnauthorized: b.callbackVerifyTls };
    const trusted = new Set(b.callbackTrustedFingerprints.map(fingerprintHex));
    return trusted.size ? new TrustedCertificateAgent(options, trusted) : new https.Agent(options);
  }

  private onLeg(login: string, call: SimCall, leg: SimCallLeg): void {
    if (this.closed) return;
    const sessions = this.pbx.aliveSessions(login);
    if (!sessions.length) return;
    const b = this.pbx.behaviour;
    const withQuirk = b.emptyFirstCallEvent && !leg.quirkSent;
    leg.quirkSent = true;
    for (const s of sessions) {
      if (!s.callback) continue;
      for (const api of b.uciApis) {
        if (!s.subscriptions.has(eventService(api))) continue;
        const method = receiveCallState(api);
        if (withQuirk) this.enqueue(s, s.callback, method, this.payload(call, '', true));
        this.enqueue(s, s.callback, method, this.payload(call, leg.state, false));
      }
    }
  }

  private payload(call: SimCall, state: string, blank: boolean): Record<string, WireValue> {
    const now = new Date();
    const ts = this.pbx.behaviour.callbackTimestamp;
    return {
      id: call.id,
      state,
      timestamp: ts === 'dateTime' ? new WireDateTime(now) : ts === 'epochMs' ? String(now.getTime()) : now.toISOString(),
      callerNumber: blank ? '' : call.callerNumber,
      callerName: blank ? '' : call.callerName,
      calledNumber: blank ? '' : call.calledNumber,
      calledName: blank ? '' : call.calledName,
      groupID: call.groupID,
    };
  }

  private enqueue(session: SimSession, target: CallbackTarget, method: string, payload: Record<string, WireValue>): void {
    const body = encodeCall(method, [payload]);
    this.pending++;
    this.stats.queued++;
    const prev = this.chains.get(session.id) ?? Promise.resolve();
    const next = prev.then(() => this.deliver(session, target, body, method, String(payload.state)));
    this.chains.set(session.id, next);
    void next.finally(() => {
      if (this.chains.get(session.id) === next) this.chains.delete(session.id);
      this.pending--;
      if (this.pending === 0) for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  private async deliver(session: SimSession, target: CallbackTarget, body: string, method: string, state: string): Promise<void> {
    const b = this.pbx.behaviour;
    for (let attempt = 0; attempt <= b.callbackRetries; attempt++) {
      if (this.closed || session.closed) {
        this.stats.dropped++;
        return;
      }
      if (attempt > 0) {
        this.stats.retried++;
        await new Promise((r) => setTimeout(r, Math.min(1000, 100 * 2 ** (attempt - 1))));
      }
      try {
        const status = await this.post(target, session, body);
        if (status >= 200 && status < 300) {
          this.stats.sent++;
          this.pbx.count(`callback ${method}`);
          return;
        }
        this.log.debug('callback answered with an HTTP error', { login: session.login, status, state });
      } catch (err) {
        this.log.debug('callback delivery failed', { login: session.login, error: (err as Error).message, state });
      }
      this.stats.failed++;
    }
    this.stats.dropped++;
    this.log.warn('callback dropped after retries', { login: session.login, target: `${target.type}://${target.host}:${target.port}`, state });
  }

  /** The callback URL's query: the user (§3.8), and with `callbackAuthParam` the session's token (addendum). */
  private query(session: SimSession): string {
    const q = `${Q.user}=${encodeURIComponent(session.login)}`;
    return this.pbx.behaviour.callbackAuthParam && session.authToken ? `${q}&${Q.auth}=${encodeURIComponent(session.authToken)}` : q;
  }

  private post(target: CallbackTarget, session: SimSession, body: string): Promise<number> {
    const sep = target.path.includes('?') ? '&' : '?';
    const path = `${target.path.startsWith('/') ? '' : '/'}${target.path}${sep}${this.query(session)}`;
    const secure = target.type === 'https';
    const payload = Buffer.from(body, 'utf8');
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request({
        method: 'POST',
        host: target.host.replace(/^\[|\]$/g, ''),
        port: target.port,
        path,
        agent: secure ? this.httpsAgent : this.httpAgent,
        headers: { 'Content-Type': 'text/xml; charset=UTF-8', 'Content-Length': String(payload.length), 'User-Agent': 'STARFACE-Simulator' },
        timeout: this.pbx.behaviour.callbackTimeoutMs,
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.pbx.behaviour.callbackTimeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/**
 * An https agent that hands a connection to the request only after the server showed a certificate whose SHA-256
 * fingerprint is trusted (name and issuer are not what is checked), so no event reaches another server.
 */
class TrustedCertificateAgent extends https.Agent {
  constructor(options: https.AgentOptions, private readonly trusted: ReadonlySet<string>) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    if (!callback) throw new Error('TrustedCertificateAgent needs the connection callback');
    const socket = tls.connect({ ...(options as tls.ConnectionOptions), rejectUnauthorized: false, session: undefined });
    const fail = (err: Error): void => {
      socket.destroy();
      callback(err, socket);
    };
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      socket.removeListener('error', fail);
      const fp = fingerprintHex(socket.getPeerCertificate().fingerprint256 ?? '');
      if (this.trusted.has(fp)) callback(null, socket);
      else fail(new Error(`callback certificate not trusted (SHA-256 ${fp || 'none'})`));
    });
    return undefined;
  }
}
