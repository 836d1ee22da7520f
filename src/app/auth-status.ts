// The Microsoft sign-in as the UI and the tray see it: state, account, the app credential and its notes as
// codes (src/core/messages). Microsoft's own words (an MSAL error with its trace id and timestamp) are only the
// detail of a code, never the main text.
import type { AuthStatus } from '../core/engine-state.js';
import type { Message } from '../core/errors.js';
import { codedNotes } from '../core/messages/index.js';
import type { Settings } from '../core/settings.js';
import type { Connections } from '../sync/connections.js';

export interface AuthStatusInputs {
  auth: Connections['auth'];
  presenceRead: Settings['microsoft']['presenceRead'];
  /** What the last connection test said about the app credential, while it stands. */
  appCredentialInvalid?: string | undefined;
  deviceCode?: { userCode: string; verificationUri: string } | undefined;
}

export function authStatusOf({ auth, presenceRead, appCredentialInvalid, deviceCode }: AuthStatusInputs): AuthStatus {
  if (!auth) return { state: 'not-configured', appCredential: 'missing', ...codedNotes([{ code: 'auth-not-configured' }]) };
  const appCredential: AuthStatus['appCredential'] = !auth.hasAppCredential ? 'missing' : appCredentialInvalid ? 'invalid' : 'ok';
  const s: AuthStatus = { state: auth.state, appCredential };
  const account = auth.account?.username;
  if (account) s.account = account;
  const messages: Message[] = [];
  if (auth.stateDetail) messages.push({ code: 'needs-sign-in', detail: auth.stateDetail });
  if (presenceRead === 'application' && auth.state !== 'signed-in') messages.push({ code: 'auth-no-sign-in-needed' });
  if (appCredential === 'missing') messages.push({ code: 'auth-credential-missing' });
  if (appCredentialInvalid) messages.push({ code: 'microsoft-token-refused', detail: appCredentialInvalid });
  Object.assign(s, codedNotes(messages));
  if (deviceCode && auth.state === 'signing-in') s.deviceCode = { userCode: deviceCode.userCode, verificationUri: deviceCode.verificationUri };
  return s;
}
