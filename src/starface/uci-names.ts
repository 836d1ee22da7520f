// UCI wire names (reference §3.1): `ucp.<api>.requests.<service>.<method>` and `ucp.<api>.events.<service>`.
// v22 and v30 use the same service and method names; only the generation segment differs.
export type UciApiVersion = 'v30' | 'v22';

export const UCI_API_VERSIONS: readonly UciApiVersion[] = ['v30', 'v22'];

export function uciRequest(api: UciApiVersion, service: string, method: string): string {
  return `ucp.${api}.requests.${service}.${method}`;
}

export function uciEventService(api: UciApiVersion, service = 'call'): string {
  return `ucp.${api}.events.${service}`;
}

/** Methods the PBX calls on our callback server (v20 uses `ucp.v20.client.communication.call`). */
export const CALLBACK_METHODS = {
  receiveCallState: ['ucp.v30.events.call.receiveCallState', 'ucp.v22.events.call.receiveCallState', 'ucp.v20.client.communication.call.receiveCallState'],
  callChangesId: ['ucp.v30.events.call.callChangesIdEvent', 'ucp.v22.events.call.callChangesIdEvent'],
  messageWaiting: ['ucp.v30.events.call.newMessageWaitingIndicationEvent', 'ucp.v22.events.call.newMessageWaitingIndicationEvent'],
  reset: ['ucp.v20.client.connection.reset'],
} as const;

/** Query parameters of the UCI endpoint (reference §3.2). */
export const UCI_PARAM = {
  auth: 'de.vertico.starface.auth',
  jwt: 'de.vertico.starface.jwt',
  user: 'de.vertico.starface.user',
  callbackType: 'de.vertico.starface.callback.type',
  callbackHost: 'de.vertico.starface.callback.host',
  callbackPort: 'de.vertico.starface.callback.port',
  callbackPath: 'de.vertico.starface.callback.path',
} as const;

/** Chat presence and telephony state constants (reference §3.7). */
export const CHAT_PRESENCE_VALUES = ['AVAILABLE', 'AWAY', 'DO_NOT_DISTURB', 'EXTENDED_AWAY', 'FREE_FOR_CHAT', 'UNAVAILABLE'] as const;
export type ChatPresence = (typeof CHAT_PRESENCE_VALUES)[number];
export const TELEPHONY_STATE_VALUES = ['ACTIVE', 'AVAILABLE', 'QUEUE_PAUSE', 'RINGING', 'UNAVAILABLE'] as const;
export type PbxTelephonyState = (typeof TELEPHONY_STATE_VALUES)[number];

/** Masks the secret query parameters of a UCI URL (the token is a password equivalent). */
export function redactUciUrl(url: string | URL): string {
  let u: URL;
  try {
    u = new URL(String(url));
  } catch {
    return '(invalid URL)';
  }
  for (const key of [UCI_PARAM.auth, UCI_PARAM.jwt]) if (u.searchParams.has(key)) u.searchParams.set(key, '***');
  return u.toString().replace(/%2A%2A%2A/g, '***');
}
