// Checks the browser can make at once, with messages in the admin's language. The host validates again on
// save (settings.validate/save); these only catch the obvious before anything is sent.
import type { Settings } from '../api/types.js';
import type { Translate } from '../i18n/core.js';
import type { LocalIssue } from '../i18n/engine-text.js';
import { MAX_CHAT_TEXT_LENGTH } from '../../../src/core/status-rows.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[?[0-9A-Fa-f:.]+\]?)$/;
const LOGIN_ID = /^[\p{L}\p{N}._@-]{1,64}$/u;
const THUMBPRINT = /^([0-9A-F]{40}|[0-9A-F]{64})$/;
const PEM_CERT = /^-----BEGIN CERTIFICATE-----\s*[A-Za-z0-9+/=\s]+\s*-----END CERTIFICATE-----$/;
const PEM_KEY = /^-----BEGIN ((RSA|EC|ENCRYPTED) )?PRIVATE KEY-----\s*[A-Za-z0-9+/=\s:,-]+\s*-----END ((RSA|EC|ENCRYPTED) )?PRIVATE KEY-----$/;

export function isUrl(value: string, protocols: readonly string[] = ['http:', 'https:']): boolean {
  try {
    const u = new URL(value.trim());
    return protocols.includes(u.protocol) && u.hostname !== '';
  } catch {
    return false;
  }
}

export const isGuid = (v: string): boolean => GUID.test(v.trim());
export const isTenant = (v: string): boolean => GUID.test(v.trim()) || DOMAIN.test(v.trim());
export const isHost = (v: string): boolean => HOST.test(v.trim()) && (v.match(/:/g) ?? []).length !== 1;
export const isLoginId = (v: string): boolean => LOGIN_ID.test(v);
export const normalizeThumbprint = (v: string): string => v.replace(/[\s:]/g, '').toUpperCase();

/** One PEM certificate (header, base64 body, footer). */
export const isPemCertificate = (v: string): boolean => PEM_CERT.test(v.trim());
export const isPemPrivateKey = (v: string): boolean => PEM_KEY.test(v.trim());

/** Splits pasted text holding one or more certificates (a bundle) into single PEM blocks; null if any part is not PEM. */
export function splitPemCertificates(text: string): string[] | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const blocks = trimmed.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (!blocks) return null;
  const rest = blocks.reduce((acc, b) => acc.replace(b, ''), trimmed).trim();
  if (rest !== '') return null;
  const certs = blocks.map((b) => b.trim());
  return certs.every(isPemCertificate) ? certs : null;
}

/** "0001, 123\n456" → ['0001', '123', '456'] (one per line or comma list; blanks and duplicates dropped). */
export function parseLoginIds(text: string): string[] {
  const ids = text.split(/[\n\r,]+/).map((s) => s.trim()).filter((s) => s !== '');
  return [...new Set(ids)];
}

export function checkSettings(s: Settings, t: Translate): LocalIssue[] {
  const out: LocalIssue[] = [];
  const add = (path: string, message: string): void => {
    out.push({ path, message });
  };
  const ms = s.microsoft;
  if (ms.tenantId.trim() !== '' && !isTenant(ms.tenantId)) add('microsoft.tenantId', t('v.tenant'));
  if (ms.clientId.trim() !== '' && !isGuid(ms.clientId)) add('microsoft.clientId', t('v.guid'));
  if (!isUrl(ms.authorityHost, ['https:'])) add('microsoft.authorityHost', t('v.httpsUrl'));
  if (!isUrl(ms.graphBaseUrl, ['https:'])) add('microsoft.graphBaseUrl', t('v.httpsUrl'));
  if (ms.credential === 'certificate') {
    const tp = normalizeThumbprint(ms.certificateThumbprint ?? '');
    if (tp === '') add('microsoft.certificateThumbprint', t('v.required'));
    else if (!THUMBPRINT.test(tp)) add('microsoft.certificateThumbprint', t('v.thumbprint'));
  }

  const sf = s.starface;
  if (sf.baseUrl.trim() !== '' && !isUrl(sf.baseUrl)) add('starface.baseUrl', t('v.url'));
  if (sf.callbackHost.trim() !== '' && !isHost(sf.callbackHost)) add('starface.callbackHost', t('v.host'));
  if (!Number.isInteger(sf.callbackPort) || sf.callbackPort < 0 || sf.callbackPort > 65535) add('starface.callbackPort', t('v.port'));

  const proxy = s.network.proxyUrl ?? '';
  if (proxy.trim() !== '' && !isUrl(proxy)) add('network.proxyUrl', t('v.url'));
  s.network.extraCaPem.forEach((pem, i) => {
    if (!isPemCertificate(pem)) add(`network.extraCaPem.${i}`, t('v.pem'));
  });

  if (s.users.selection === 'group' && (s.users.group ?? '').trim() === '') add('users.group', t('v.group'));
  const badIds = s.users.extraLoginIds.filter((id) => !isLoginId(id));
  if (badIds.length > 0) add('users.extraLoginIds', t('v.loginIds', { ids: badIds.map((id) => `"${id}"`).join(', ') }));

  for (const [id, rule] of Object.entries(s.rules)) {
    if (rule.chatText.length > MAX_CHAT_TEXT_LENGTH) add(`rules.${id}.chatText`, t('v.chatText', { max: MAX_CHAT_TEXT_LENGTH }));
  }
  s.customRows.forEach((row, i) => {
    if (row.rule.chatText.length > MAX_CHAT_TEXT_LENGTH) add(`customRows.${i}.rule.chatText`, t('v.chatText', { max: MAX_CHAT_TEXT_LENGTH }));
  });

  const poll = s.sync.pollIntervalSeconds;
  if (!Number.isFinite(poll) || poll < 0.25 || poll > 300) add('sync.pollIntervalSeconds', t('v.poll'));
  return out;
}

/** Issues for one field: exact path or anything below it ('users.extraLoginIds' matches 'users.extraLoginIds.2'). */
export function issuesAt<I extends { path: string }>(issues: readonly I[], path: string): I[] {
  return issues.filter((i) => i.path === path || i.path.startsWith(`${path}.`));
}
