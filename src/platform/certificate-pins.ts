// Certificate pinning, for a server whose certificate cannot be verified the usual way (a PBX with a self-signed
// certificate issued for another name or by an unknown CA): the transport accepts exactly the certificate with
// the pinned SHA-256 fingerprint — whatever its name or issuer — and nothing else, not even a certificate that
// would verify. Verification is never switched off: the pinned connection is handed to the HTTP client only
// after its certificate was compared, so no byte of a request reaches a server that presents another one.
import https from 'node:https';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { normalizeFingerprint } from '../core/certificate-fingerprint.js';

export { normalizeFingerprint };

/** How pins are keyed: lower-case host name (IPv6 without brackets) and port. */
export function pinKey(host: string, port: number | string | undefined, defaultPort = 443): string {
  return `${host.replace(/^\[|\]$/g, '').toLowerCase()}:${Number(port) || defaultPort}`;
}

/** Pinned fingerprints by pinKey. */
export type PinTable = ReadonlyMap<string, string>;

export function pinTable(pins: Readonly<Record<string, string>> | undefined): PinTable {
  const out = new Map<string, string>();
  for (const [key, fp] of Object.entries(pins ?? {})) {
    const norm = normalizeFingerprint(fp);
    if (!norm) throw new Error(`The pinned certificate fingerprint for ${key} is not a SHA-256 fingerprint (64 hex digits).`);
    out.set(key.toLowerCase(), norm);
  }
  return out;
}

/** The error a pinned connection fails with when the server presents another certificate (code below). */
export const PIN_MISMATCH = 'ERR_CERTIFICATE_PIN_MISMATCH';

function pinMismatch(host: string, expected: string, actual: string | undefined): Error {
  const presented = actual ? `now presents the certificate with SHA-256 fingerprint ${actual}` : 'presented no certificate';
  return Object.assign(
    new Error(`The certificate of ${host} is not the pinned one: it ${presented} (pinned: ${expected}). ` +
      'If the PBX really has a new certificate, compare this fingerprint with the one in the STARFACE administration and pin the new one (Connections → STARFACE); otherwise something is intercepting the connection.'),
    { code: PIN_MISMATCH, expected, actual },
  );
}

type Callback = (err: Error | null, stream: Duplex) => void;

/** Waits for the TLS handshake and compares the certificate; calls back once (an error means: socket destroyed). */
function handOverIfPinned(socket: tls.TLSSocket, expected: string, host: string, timeoutMs: number, cb: Callback): void {
  let done = false;
  const finish = (err: Error | null): void => {
    if (done) return;
    done = true;
    socket.setTimeout(0);
    socket.removeListener('error', onError);
    if (err) socket.destroy();
    cb(err, socket);
  };
  const onError = (err: Error): void => finish(err);
  socket.once('error', onError);
  socket.setTimeout(timeoutMs, () => finish(Object.assign(new Error(`TLS handshake with ${host} timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
  socket.once('secureConnect', () => {
    const actual = socket.getPeerCertificate()?.fingerprint256?.toUpperCase();
    finish(actual === expected ? null : pinMismatch(host, expected, actual));
  });
}

/** The https agent of the transport: pinned hosts get a checked connection, every other host the usual one. */
export class PinningHttpsAgent extends https.Agent {
  constructor(options: https.AgentOptions, private readonly pins: PinTable, private readonly handshakeTimeoutMs: number) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: Callback): Duplex | null | undefined {
    const host = options.host ?? options.hostname ?? '';
    const expected = this.pins.get(pinKey(host, options.port ?? undefined));
    if (!expected || !callback) return super.createConnection(options, callback);
    // Chain and name are not what is checked here (the pin is): hence no rejection by the usual verification,
    // and no resumed session (it would skip the certificate).
    const socket = tls.connect({ ...(options as tls.ConnectionOptions), rejectUnauthorized: false, session: undefined });
    handOverIfPinned(socket, expected, `${host}:${options.port ?? 443}`, this.handshakeTimeoutMs, callback);
    return undefined;
  }
}

/** The same through an HTTP CONNECT proxy: the TLS connection inside the tunnel is checked before it is used. */
export class PinningProxyAgent extends HttpsProxyAgent<string> {
  constructor(proxy: string, options: ConstructorParameters<typeof HttpsProxyAgent<string>>[1], private readonly pins: PinTable, private readonly handshakeTimeoutMs: number) {
    super(proxy, options);
  }

  override async connect(req: Parameters<HttpsProxyAgent<string>['connect']>[0], opts: Parameters<HttpsProxyAgent<string>['connect']>[1]): Promise<net.Socket> {
    const expected = opts.secureEndpoint ? this.pins.get(pinKey(opts.host ?? '', opts.port)) : undefined;
    if (!expected) return super.connect(req, opts);
    const socket = await super.connect(req, { ...opts, rejectUnauthorized: false } as typeof opts);
    // A refused tunnel comes back as a plain socket that replays the proxy's answer; nothing to check then.
    if (!(socket instanceof tls.TLSSocket)) return socket;
    return new Promise<net.Socket>((resolve, reject) => {
      handOverIfPinned(socket, expected, `${opts.host}:${opts.port}`, this.handshakeTimeoutMs, (err) => (err ? reject(err) : resolve(socket)));
    });
  }
}
