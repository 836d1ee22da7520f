// STARFACE UCI credentials, the pure parts shared by the engine (sync/) and the setup assistant (setup/): the
// vault entry name of a user's UCI password, and the password list as CSV.
//
// CSV: `login;password` or `login,password`, one user per line, header optional (docs/admin-guide*.md §4.3).
// The password is the rest of the line after the first separator (so it may contain ; or ,); surrounding
// spaces are removed, and a password in double quotes is taken literally ("" = one quote). A login that appears
// twice keeps its first line. A login must look like a STARFACE login ID (see looksLikeStarfaceLogin), so swapped
// columns never store a password as a login name. Errors name the line only, never a field's content: any field
// of a bad line may be a password.
import { findUnsafeCharacter, unsafeCharacterText } from './safe-text.js';

export interface CsvEntry {
  login: string;
  password: string;
  line: number;
}

export interface CsvParseResult {
  entries: CsvEntry[];
  errors: { line: number; message: string }[];
}

const LOGIN_HEADERS = new Set(['login', 'loginid', 'login-id', 'login id', 'benutzer', 'user', 'username']);
const PASSWORD_HEADERS = new Set(['password', 'passwort', 'kennwort', 'pass', 'pwd']);

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/""/g, '"');
  return t;
}

/** Longest login ID accepted (the settings' limit for login IDs too). */
export const MAX_LOGIN_LENGTH = 64;

/**
 * Whether a text can be a STARFACE login ID: digits (the login numbers STARFACE assigns, e.g. 0001, 123), or any
 * login the PBX directory knows (e.g. Active Directory users), when the caller has the directory's logins.
 */
export function looksLikeStarfaceLogin(login: string, knownLogins?: ReadonlySet<string>): boolean {
  if (login === '' || login.length > MAX_LOGIN_LENGTH) return false;
  return /^[0-9]+$/.test(login) || (knownLogins?.has(login) ?? false);
}

export interface CsvParseOptions {
  /** Login IDs of the PBX directory, when it is reachable: non-numeric logins are accepted only from this set. */
  knownLogins?: ReadonlySet<string>;
}

const HIDDEN = 'the field is not shown, it may be a password';

export function parseStarfaceCsv(text: string, opts: CsvParseOptions = {}): CsvParseResult {
  const entries: CsvEntry[] = [];
  const errors: CsvParseResult['errors'] = [];
  const firstLineOf = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const isLogin = (v: string): boolean => looksLikeStarfaceLogin(v, opts.knownLogins);
  let seenContent = false;
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const sep = raw.search(/[;,]/);
    if (sep < 0) {
      errors.push({ line, message: 'no separator: write login;password (or login,password)' });
      seenContent = true;
      return;
    }
    const login = unquote(raw.slice(0, sep));
    const password = unquote(raw.slice(sep + 1));
    const isHeader = !seenContent && LOGIN_HEADERS.has(login.toLowerCase()) && PASSWORD_HEADERS.has(password.toLowerCase());
    seenContent = true;
    if (isHeader) return;
    const problem = lineProblem(login, password, isLogin);
    if (problem) {
      errors.push({ line, message: problem });
      return;
    }
    const first = firstLineOf.get(login);
    if (first !== undefined) {
      errors.push({ line, message: `the login ID already appears in line ${first}; this line was ignored` });
      return;
    }
    firstLineOf.set(login, line);
    entries.push({ login, password, line });
  });
  return { entries, errors };
}

/** What is wrong with one line, in words that never repeat a field (either may be a password). */
function lineProblem(login: string, password: string, isLogin: (v: string) => boolean): string | undefined {
  if (!login) return 'the login ID is empty';
  if (!isLogin(login)) {
    if (isLogin(password)) return 'the columns look swapped: write the login ID first, then the password (login;password)';
    if (login.length > MAX_LOGIN_LENGTH) return `the first field is longer than ${MAX_LOGIN_LENGTH} characters, so it is not a login ID; ${HIDDEN}`;
    return `the first field is not a STARFACE login ID (its digits, or a login the PBX directory knows); ${HIDDEN}`;
  }
  if (!password) return 'the password is empty';
  const bad = findUnsafeCharacter(password);
  if (bad) return `the password contains ${unsafeCharacterText(bad)}; STARFACE cannot receive it`;
  return undefined;
}

/** The vault entry of the STARFACE administrator's password (REST directory login). */
export const STARFACE_ADMIN_PASSWORD_SECRET = 'starface.adminPassword';
/** Vault entry of the OAuth client secret (settings.starface.uciCredential "oauth"), if the PBX requires one. */
export const STARFACE_OAUTH_CLIENT_SECRET = 'starface.oauthClientSecret';

/** The vault entry of a user's UCI password: `starface.user.<login>.password`. */
export function uciPasswordSecretName(login: string): string {
  return `starface.user.${login}.password`;
}

/** The logins that have a UCI password in the vault, from the vault's entry names (in their order). */
export function loginsWithPassword(secretNames: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const n of secretNames) {
    const m = /^starface\.user\.(.+)\.password$/.exec(n);
    if (m) out.add(m[1]!);
  }
  return out;
}
