// Expiry watch: warn ahead of the app credential's expiry and when the delegated sign-in is lost.
//
// Where the expiry date comes from (a deliberate choice):
//  - certificate: read from the certificate itself when its PEM is stored with the private key in the vault;
//  - client secret: a secret value carries no date, and reading the app registration's passwordCredentials from
//    Graph would need Application.Read.All — one more application permission with tenant-wide reach, just for a
//    date. So the admin enters the date when storing the secret (the assistant asks for it). It is kept in the
//    vault next to the secret it describes (entry `microsoft.credentialExpiresAt`, ISO date), so replacing the
//    secret through the assistant replaces the date too; the settings file stays free of credential metadata.
import { X509Certificate } from 'node:crypto';
import type { Settings } from '../core/settings.js';
import type { SecretStore } from '../platform/vault.js';
import { CERTIFICATE_KEY_NAME, CLIENT_SECRET_NAME } from '../teams/index.js';
import { tr, type Lang } from './types.js';

export const CREDENTIAL_EXPIRY_SECRET = 'microsoft.credentialExpiresAt';
/** Warn this many days ahead: first notice, then "renew now". */
export const EXPIRY_WARN_DAYS = [30, 7] as const;
const DAY_MS = 86_400_000;

export type ExpiryKind = 'client-secret' | 'certificate' | 'sign-in';
export type ExpirySeverity = 'info' | 'warning' | 'error';

export interface ExpiryWarning {
  kind: ExpiryKind;
  severity: ExpirySeverity;
  /** ISO time the credential expires (credentials only). */
  expiresAt?: string;
  /** Whole days left (negative = expired that many days ago). */
  daysLeft?: number;
  /** The threshold crossed (30 or 7), for "warn once per threshold". */
  threshold?: number;
  message: string;
  fix?: string;
}

export interface ExpiryInputs {
  credential: 'secret' | 'certificate';
  /** Whether a secret / certificate key is stored at all. */
  credentialStored: boolean;
  /** The admin-entered expiry of the client secret (or of a certificate stored without its PEM). */
  enteredExpiry?: Date;
  /** notAfter of the stored certificate, when its PEM is stored with the key. */
  certificateNotAfter?: Date;
  /** Delegated presence reading: the sign-in state. */
  presenceRead: 'delegated' | 'application';
  signInState?: 'signed-out' | 'signing-in' | 'signed-in' | 'needs-sign-in';
  signInDetail?: string;
}

/** Parses YYYY-MM-DD (end of that day, UTC) or a full ISO time; undefined for anything else. */
export function parseExpiryDate(text: string): Date | undefined {
  const t = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59));
    return d.getUTCDate() === Number(m[3]) && d.getUTCMonth() === Number(m[2]) - 1 ? d : undefined;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const d = new Date(t);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

function credentialWarning(kind: 'client-secret' | 'certificate', expiresAt: Date, now: Date, lang: Lang): ExpiryWarning {
  const daysLeft = Math.floor((expiresAt.getTime() - now.getTime()) / DAY_MS);
  const what = kind === 'client-secret' ? tr(lang, 'Der geheime Clientschlüssel', 'The client secret') : tr(lang, 'Das Zertifikat der App', 'The app certificate');
  const date = expiresAt.toISOString().slice(0, 10);
  const base = { kind, expiresAt: expiresAt.toISOString(), daysLeft };
  const renew = kind === 'client-secret'
    ? tr(lang, 'Legen Sie in der App-Registrierung einen neuen geheimen Schlüssel an und tragen Sie ihn samt Ablaufdatum in Presence Bridge ein; danach den alten löschen.',
      'Create a new client secret in the app registration and enter it with its expiry date in Presence Bridge; then delete the old one.')
    : tr(lang, 'Laden Sie ein neues Zertifikat in die App-Registrierung hoch und speichern Sie Schlüssel, Zertifikat und Fingerabdruck in Presence Bridge.',
      'Upload a new certificate to the app registration and store its key, certificate and thumbprint in Presence Bridge.');
  if (expiresAt.getTime() <= now.getTime()) {
    return { ...base, severity: 'error', message: tr(lang, `${what} ist am ${date} abgelaufen: Presence Bridge kann sich nicht mehr bei Microsoft anmelden.`, `${what} expired on ${date}: Presence Bridge can no longer sign in to Microsoft.`), fix: renew };
  }
  const threshold = [...EXPIRY_WARN_DAYS].sort((a, b) => a - b).find((d) => daysLeft <= d);
  if (threshold !== undefined) {
    return {
      ...base,
      severity: 'warning',
      threshold,
      message: tr(lang, `${what} läuft am ${date} ab (in ${daysLeft} ${daysLeft === 1 ? 'Tag' : 'Tagen'}).`, `${what} expires on ${date} (in ${daysLeft} ${daysLeft === 1 ? 'day' : 'days'}).`),
      fix: renew,
    };
  }
  return { ...base, severity: 'info', message: tr(lang, `${what} ist gültig bis ${date}.`, `${what} is valid until ${date}.`) };
}

/** The warnings for these inputs; pure, so the tray, the status board and the assistant agree. */
export function expiryWarnings(inputs: ExpiryInputs, now: Date, lang: Lang): ExpiryWarning[] {
  const out: ExpiryWarning[] = [];
  if (inputs.credentialStored) {
    const kind = inputs.credential === 'secret' ? 'client-secret' : 'certificate';
    const expiresAt = inputs.credential === 'certificate' ? (inputs.certificateNotAfter ?? inputs.enteredExpiry) : inputs.enteredExpiry;
    if (expiresAt) {
      out.push(credentialWarning(kind, expiresAt, now, lang));
    } else {
      out.push({
        kind,
        severity: 'info',
        message: kind === 'client-secret'
          ? tr(lang, 'Das Ablaufdatum des geheimen Clientschlüssels ist nicht eingetragen – Presence Bridge kann nicht rechtzeitig warnen.',
            'The client secret\'s expiry date is not entered – Presence Bridge cannot warn in time.')
          : tr(lang, 'Das Ablaufdatum des Zertifikats ist unbekannt (nur der private Schlüssel ist gespeichert).',
            'The certificate\'s expiry date is unknown (only the private key is stored).'),
        fix: kind === 'client-secret'
          ? tr(lang, 'Tragen Sie das Ablaufdatum aus „Zertifikate & Geheimnisse" der App-Registrierung ein.', 'Enter the expiry date shown under "Certificates & secrets" of the app registration.')
          : tr(lang, 'Speichern Sie das Zertifikat (PEM) zusammen mit dem privaten Schlüssel, oder tragen Sie das Ablaufdatum ein.',
            'Store the certificate (PEM) together with the private key, or enter the expiry date.'),
      });
    }
  }
  if (inputs.presenceRead === 'delegated' && (inputs.signInState === 'needs-sign-in' || inputs.signInState === 'signed-out')) {
    out.push({
      kind: 'sign-in',
      severity: 'error',
      message: inputs.signInState === 'needs-sign-in'
        ? tr(lang, `Die Microsoft-Anmeldung ist verloren gegangen${inputs.signInDetail ? ` (${inputs.signInDetail})` : ''}: der Status wird nicht mehr gelesen.`,
          `The Microsoft sign-in was lost${inputs.signInDetail ? ` (${inputs.signInDetail})` : ''}: presence is no longer read.`)
        : tr(lang, 'Kein Administrator ist bei Microsoft angemeldet: der Status wird nicht gelesen.', 'No administrator is signed in to Microsoft: presence is not read.'),
      fix: tr(lang, 'Melden Sie sich erneut an (Einstellungen → Microsoft → Anmelden, oder `presence-bridge setup`).',
        'Sign in again (Settings → Microsoft → Sign in, or `presence-bridge setup`).'),
    });
  }
  return out;
}

/** The AuthStatus.appCredential value for these warnings (control contract). */
export function appCredentialState(warnings: readonly ExpiryWarning[], credentialStored: boolean): 'ok' | 'missing' | 'invalid' | 'expiring' {
  if (!credentialStored) return 'missing';
  const cred = warnings.filter((w) => w.kind !== 'sign-in');
  if (cred.some((w) => w.severity === 'error')) return 'invalid';
  if (cred.some((w) => w.severity === 'warning')) return 'expiring';
  return 'ok';
}

/** notAfter of the first certificate in a PEM text (key + certificate), if any. */
export function certificateNotAfter(pemText: string | undefined): Date | undefined {
  const block = pemText ? /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pemText)?.[0] : undefined;
  if (!block) return undefined;
  try {
    return new Date(new X509Certificate(block).validTo);
  } catch {
    return undefined;
  }
}

/** Reads what expiryWarnings needs from the vault and settings. */
export async function readExpiryInputs(
  secrets: Pick<SecretStore, 'get'>,
  settings: Pick<Settings, 'microsoft'>,
  signIn?: { state: ExpiryInputs['signInState']; detail?: string },
): Promise<ExpiryInputs> {
  const m = settings.microsoft;
  const stored = m.credential === 'secret' ? await secrets.get(CLIENT_SECRET_NAME) : await secrets.get(CERTIFICATE_KEY_NAME);
  const entered = await secrets.get(CREDENTIAL_EXPIRY_SECRET);
  return {
    credential: m.credential,
    credentialStored: Boolean(stored),
    enteredExpiry: entered ? parseExpiryDate(entered) : undefined,
    certificateNotAfter: m.credential === 'certificate' ? certificateNotAfter(stored) : undefined,
    presenceRead: m.presenceRead,
    signInState: signIn?.state,
    signInDetail: signIn?.detail,
  };
}

export interface ExpiryWatchOptions {
  /** Current inputs (read fresh at every check). */
  inputs: () => Promise<ExpiryInputs>;
  lang: () => Lang;
  /** Called when the set of warning/error items changes (new threshold crossed, fixed, …). */
  onChange: (warnings: ExpiryWarning[]) => void;
  /** Default every 6 hours. */
  intervalMs?: number;
  now?: () => Date;
}

/**
 * Re-evaluates the warnings periodically and reports changes — what the tray and the status board hook into.
 * A threshold is reported once: the change key is kind + severity + threshold, not the day count.
 */
export class ExpiryWatch {
  private timer: NodeJS.Timeout | undefined;
  private lastKey = '';
  private current: ExpiryWarning[] = [];

  constructor(private readonly opts: ExpiryWatchOptions) {}

  get warnings(): ExpiryWarning[] {
    return [...this.current];
  }

  async check(): Promise<ExpiryWarning[]> {
    const now = (this.opts.now ?? (() => new Date()))();
    const warnings = expiryWarnings(await this.opts.inputs(), now, this.opts.lang());
    this.current = warnings;
    const key = warnings.filter((w) => w.severity !== 'info').map((w) => `${w.kind}:${w.severity}:${w.threshold ?? ''}`).join('|');
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.opts.onChange(warnings);
    }
    return warnings;
  }

  start(): void {
    if (this.timer) return;
    const tick = (): void => {
      void this.check().catch(() => undefined);
    };
    tick();
    this.timer = setInterval(tick, this.opts.intervalMs ?? 6 * 3_600_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
