// The setup assistant's vocabulary, shared by the terminal (`presence-bridge setup`) and the settings window:
// steps are data (title, what to do, which fields to ask), and each step checks itself.
import type { Roster } from '../core/roster.js';

import type { Text } from '../core/lang.js';

export { tr, type Lang, type Text } from '../core/lang.js';

export const SETUP_STEP_IDS = [
  'microsoft-app',
  'microsoft-consent',
  'starface-connection',
  'starface-admin',
  'users',
  'uci-credentials',
  'final-test',
] as const;
export type SetupStepId = (typeof SETUP_STEP_IDS)[number];

export function isSetupStepId(v: unknown): v is SetupStepId {
  return typeof v === 'string' && (SETUP_STEP_IDS as readonly string[]).includes(v);
}

/** Where a field's value goes. */
export type FieldTarget =
  /** A settings field by dotted path (saved through the settings store, validated). */
  | { kind: 'setting'; path: string }
  /** A vault entry (never echoed, never in the settings file). */
  | { kind: 'secret'; name: string }
  /** The client secret's expiry date, entered by the admin (see expiry.ts for why). */
  | { kind: 'credential-expiry' }
  /** UCI passwords of the selected users: one vault entry per user, or a CSV import. */
  | { kind: 'uci-passwords' }
  /** A value handed to the check only (not stored), e.g. the final test's user. */
  | { kind: 'check-option'; name: 'testUser' };

export type FieldInput = 'text' | 'secret' | 'choice' | 'date' | 'list' | 'pem' | 'number' | 'passwords' | 'user';

export interface SetupField {
  id: string;
  target: FieldTarget;
  input: FieldInput;
  label: Text;
  help?: Text;
  required: boolean;
  choices?: { value: string; label: Text }[];
  /** Only relevant when the setting at `path` has one of these values. */
  showIf?: { path: string; equals: string[] };
  /** Rarely needed (other clouds, the simulators): the terminal asks only with --advanced. */
  advanced?: boolean;
  placeholder?: string;
}

export interface SetupStepDefinition {
  id: SetupStepId;
  title: Text;
  /** One sentence: what this step is for. */
  summary: Text;
  /** What to do, in order (outside Presence Bridge, e.g. in the Entra admin center). */
  instructions: Text[];
  fields: SetupField[];
}

/** The same step in one language, as the UI and the terminal show it. */
export interface LocalizedField extends Omit<SetupField, 'label' | 'help' | 'choices'> {
  label: string;
  help?: string;
  choices?: { value: string; label: string }[];
}
export interface LocalizedStep {
  id: SetupStepId;
  title: string;
  summary: string;
  instructions: string[];
  fields: LocalizedField[];
}

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** ISO times. */
  validFrom: string;
  validTo: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex (as browsers and PBX admin pages show it). */
  fingerprint256: string;
  selfSigned: boolean;
  isCa: boolean;
}

/**
 * "Trust this certificate?" — 'ca' (default): adding it to the extra CAs makes the connection verify. 'pin': no
 * certificate can do that (e.g. it is issued for another name), so the server's own certificate is offered for
 * pinning by its SHA-256 fingerprint (starface.certificateFingerprint): exactly that certificate is accepted.
 */
export interface TrustOffer {
  host: string;
  certificate: CertificateInfo;
  pem: string;
  kind?: 'ca' | 'pin';
}

export interface CheckResult {
  step: SetupStepId;
  /** True for 'ok' and 'warn'. */
  ok: boolean;
  status: CheckStatus;
  /** What was found, one or two sentences. */
  message: string;
  /** What to do about it (set when not ok, or for warnings). */
  fix?: string;
  /** Further lines: per-user results, the technical error, certificate details. */
  details: string[];
  /** A link to open (the admin-consent link). */
  link?: { label: string; url: string };
  trustOffer?: TrustOffer;
  /** Consent step with delegated reading: an admin sign-in is what is missing (the terminal offers a device code). */
  needsSignIn?: boolean;
  /** Users step: who would be synced and who not, and the PBX's groups to choose from. */
  roster?: Roster;
  groups?: string[];
  /** The client secret's/certificate's expiry and sign-in warnings found along the way. */
  warnings?: string[];
  checkedAt: string;
}

/** A finished check: `ok` follows the status (a warning passes), stamped with the time of the check. */
export function checkResult(partial: Omit<CheckResult, 'ok' | 'checkedAt' | 'details'> & { details?: string[] }, now: Date): CheckResult {
  // A passed step with warnings is shown as a warning (!), never as ✓ next to the warning.
  const status = partial.status === 'ok' && (partial.warnings?.length ?? 0) > 0 ? 'warn' : partial.status;
  return { ...partial, status, ok: status !== 'fail', details: partial.details ?? [], checkedAt: now.toISOString() };
}

export interface CheckOptions {
  /** Final test: the login of the test user (default: the first matched user). */
  testUser?: string;
}
