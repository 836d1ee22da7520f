// STARFACE UCI credentials, the pure parts shared by the engine (sync/) and the setup assistant (setup/): the
// vault entry name of a user's UCI password, and the password list as CSV.
//
// CSV: `login;password` or `login,password`, one user per line, header optional (docs/admin-guide*.md §4.3).
// The password is the rest of the line after the first separator (so it may contain ; or ,); surrounding
// spaces are removed, and a password in double quotes is taken literally ("" = one quote). A login that appears
// twice keeps its first line. Never logs or returns a password in a message.

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

export function parseStarfaceCsv(text: string): CsvParseResult {
  const entries: CsvEntry[] = [];
  const errors: CsvParseResult['errors'] = [];
  const firstLineOf = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
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
    if (!login) {
      errors.push({ line, message: 'the login ID is empty' });
      return;
    }
    if (/[\s:*]/.test(login)) {
      errors.push({ line, message: `"${login.slice(0, 40)}" is not a STARFACE login ID (no spaces, ":" or "*")` });
      return;
    }
    if (!password) {
      errors.push({ line, message: `the password of ${login} is empty` });
      return;
    }
    const first = firstLineOf.get(login);
    if (first !== undefined) {
      errors.push({ line, message: `${login} already appears in line ${first}; this line was ignored` });
      return;
    }
    firstLineOf.set(login, line);
    entries.push({ login, password, line });
  });
  return { entries, errors };
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
