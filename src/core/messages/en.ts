// English text of every message code ({name} is a param). Also the plain text for logs and the CLI.
import type { MessageCode } from '../errors.js';

export const en: Readonly<Record<MessageCode, string>> = {
  // Control dispatch and the settings page's connection
  'invalid-request': 'The request could not be read.',
  'unknown-method': 'This version of Presence Bridge does not know the requested action.',
  'invalid-params': 'The request contains invalid values.',
  'invalid-result': 'Presence Bridge gave an answer that could not be read.',
  'not-implemented': 'This action is not available in this version.',
  internal: 'An internal error occurred; the log has the details.',
  forbidden: 'Access denied.',
  'forbidden-host': 'Access denied: the page was opened under an address Presence Bridge does not serve.',
  'forbidden-origin': 'Access denied: the request came from another website.',
  unreachable: 'Presence Bridge cannot be reached. Check that the service is still running, then reload this page.',
  'bad-response': 'Presence Bridge gave an answer that could not be read.',
  'no-token': 'This page was opened without its access key. Open the settings page with the link Presence Bridge shows at start.',
  // Transport
  timeout: 'The counterpart did not answer in time.',
  connect: 'No connection could be established.',
  tls: 'The secure connection failed (certificate or TLS).',
  proxy: 'The proxy refused or failed the connection.',
  aborted: 'The request was cancelled.',
  'too-large': 'The answer was too large.',
  network: 'A network error occurred.',
  // Vault
  'no-keychain': 'No usable keychain and no passphrase: the secrets cannot be stored.',
  'passphrase-required': 'The secret store is protected by a passphrase; enter it.',
  'key-missing': 'The keychain holds no key for the secret store.',
  'wrong-key': 'The key does not open the secret store.',
  tampered: 'The secret store is damaged or was modified.',
  unsupported: 'This file was written by a newer version of Presence Bridge.',
  'invalid-name': 'Not a valid secret name.',
  lost: 'The secret store was deleted while in use.',
  io: 'A file could not be read or written.',
  // Settings
  invalid: 'Some values are not valid.',
  incomplete: 'The save leaves out values the stored settings have.',
  'secret-field': 'A secret must not be stored in the settings file.',
  // Application
  'not-configured': 'Not set up yet.',
  'not-ready': 'Presence Bridge is still connecting; try again in a moment.',
  'invalid-input': 'A value cannot be used.',
  failed: 'The action failed.',
  // Microsoft
  'needs-sign-in': 'Sign in to Microsoft again (Connections).',
  'sign-in-aborted': 'The Microsoft sign-in was cancelled.',
  'microsoft-sign-in-unavailable': 'Microsoft sign-in is failing for the moment; the bridge tries again on its own.',
  'microsoft-token-refused': 'Microsoft refused the sign-in of the app: check the app registration and its credential.',
  'graph-request-failed': 'A Microsoft Graph request failed.',
  'presence-read-failed': 'Reading the Teams presence failed.',
  'graph-write-ambiguous': 'A Teams presence write got no clear answer; it may have taken effect.',
  'no-teams-presence': 'The user has no Teams presence (no licence, or a guest).',
  'graph-unreadable-answer': 'Microsoft Graph gave an answer that could not be read.',
  // STARFACE
  'uci-request-failed': 'A STARFACE UCI request failed.',
  'uci-not-connected': 'The STARFACE UCI session is not connected.',
  'uci-unsupported': 'The STARFACE does not support this UCI function.',
  'starface-rest-failed': 'A STARFACE REST request failed.',
  'starface-auth-failed': 'The STARFACE refused the login.',
  // Sync status reasons
  'sync-stopped': 'stopped',
  'sync-stopped-restored': 'stopped; values restored',
  'sync-stopped-not-restored': 'stopped; {left} of {total} users not restored',
  'sync-not-configured': 'Not configured yet: {fields}',
  'sessions-down': '{down} of {total} STARFACE sessions are not connected; they log in again on their own',
  'roster-load-failed': 'Loading the user directories failed',
  'roster-load-failed-stale': 'Loading the user directories failed (using the last known users)',
};
