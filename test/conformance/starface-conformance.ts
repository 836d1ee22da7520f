// Shared by the STARFACE conformance tests: the accounts of the reference's examples (§3.3 test vectors: login
// 123, password Pass123; §9: Max Muster), the literal answer `true`, and a plain XML-RPC callback target that
// records what the PBX posts to it.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SimUserInput } from '../../src/simulators/starface/index.js';

export const REFERENCE_USERS: SimUserInput[] = [
  { login: '123', password: 'Pass123', email: 'max@example.com', firstName: 'Max', familyName: 'Muster', groups: ['Support'] },
  { login: '0001', password: 'admin-pw', email: 'admin@example.com', admin: true },
];

/** §3.5: `login`, `keepAlive` and void methods answer boolean 1. */
export const OK_TRUE = '<methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>';

/** Member names of every struct in an XML-RPC text, in order. */
export const structNames = (xml: string): string[] => [...xml.matchAll(/<member><name>([^<]*)<\/name>/g)].map((m) => m[1]!);

export interface CallbackTarget {
  port: number;
  received: { url: string; body: string }[];
  close(): Promise<void>;
}

/** A plain http target, or https with the given certificate (as the bridge's callback server with starface.callbackTls). */
export async function callbackTarget(tls?: { key: string; cert: string }): Promise<CallbackTarget> {
  const received: { url: string; body: string }[] = [];
  const handler: http.RequestListener = (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      received.push({ url: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(`<?xml version="1.0"?>${OK_TRUE}`);
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, received, close: () => new Promise((r) => server.close(() => r())) };
}
