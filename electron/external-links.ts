// The only door from the app to the system browser. A URL is opened only if it is https, carries no
// credentials, and its host is one the admin needs: Microsoft's sign-in and admin portals, Microsoft's docs, and
// the configured STARFACE and sign-in (authority) hosts. Anything else is refused with a reason, never opened.
import type { ShellLogger, ShellPort } from './ports.js';

export const MICROSOFT_HOSTS: readonly string[] = [
  'login.microsoftonline.com',
  'portal.azure.com',
  'entra.microsoft.com',
  'learn.microsoft.com',
];

export type LinkCheck = { ok: true; url: string } | { ok: false; reason: string };

export function checkExternalUrl(raw: unknown, extraHosts: readonly string[] = []): LinkCheck {
  if (typeof raw !== 'string' || raw.length > 8192) return { ok: false, reason: 'not a URL' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: `only https links are opened (got ${url.protocol})` };
  if (url.username || url.password) return { ok: false, reason: 'links with a user name or password are not opened' };
  const host = url.host.toLowerCase();
  const allowed = [...MICROSOFT_HOSTS, ...extraHosts.map((h) => h.toLowerCase())];
  if (!allowed.includes(host) && !allowed.includes(url.hostname.toLowerCase())) {
    return { ok: false, reason: `${url.hostname} is not on the list of hosts Presence Bridge opens` };
  }
  return { ok: true, url: url.href };
}

/**
 * Hosts from the settings that links may also point to: the STARFACE web interface and a non-default sign-in
 * authority (sovereign clouds, or the simulator in demo mode). Settings are read loosely: a missing or
 * malformed value simply adds nothing.
 */
export function hostsFromSettings(settings: unknown): string[] {
  const s = settings as { starface?: { baseUrl?: unknown }; microsoft?: { authorityHost?: unknown } } | undefined;
  const out: string[] = [];
  for (const value of [s?.starface?.baseUrl, s?.microsoft?.authorityHost]) {
    if (typeof value !== 'string' || value === '') continue;
    try {
      out.push(new URL(value.includes('://') ? value : `https://${value}`).host.toLowerCase());
    } catch {
      // not a URL: nothing to allow
    }
  }
  return out;
}

export interface ExternalOpener {
  /** Opens the URL in the system browser if it passes checkExternalUrl; resolves to whether it did. */
  open(url: unknown): Promise<boolean>;
}

export function createExternalOpener(
  shell: ShellPort,
  extraHosts: () => readonly string[],
  log: ShellLogger,
): ExternalOpener {
  return {
    async open(raw) {
      const check = checkExternalUrl(raw, extraHosts());
      if (!check.ok) {
        // Log the host only: a full URL may carry a login hint or state.
        log.warn('refused to open a link in the browser', { reason: check.reason });
        return false;
      }
      await shell.openExternal(check.url);
      return true;
    },
  };
}
