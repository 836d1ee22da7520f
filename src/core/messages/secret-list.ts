// The secrets to enter again after a lost vault (the vault-lost / vault-missing notes' {secrets} param): a list of
// secret-* codes, the administrator's login in brackets, e.g. "secret-starface-admin-password(0001);secret-uci-
// passwords". The note stays one message; each page renders the list in its language (renderMessage, codedText).
import type { Message } from '../errors.js';

export type LostSecretCode = 'secret-microsoft-client-secret' | 'secret-microsoft-certificate-key' | 'secret-starface-admin-password' | 'secret-uci-passwords';
export interface LostSecret {
  code: LostSecretCode;
  /** The STARFACE administrator's login (secret-starface-admin-password). */
  login?: string;
}

export function secretListParam(secrets: readonly LostSecret[]): string {
  return secrets.map((s) => (s.login !== undefined ? `${s.code}(${s.login})` : s.code)).join(';');
}

/** The list's entries as messages (an entry that is no secret-* code stays as it is: a newer engine). */
export function secretListMessages(param: string): (Message | string)[] {
  return param.split(';').filter(Boolean).map((item) => {
    const m = /^(secret-[a-z-]+)(?:\((.*)\))?$/.exec(item);
    if (!m) return item;
    return { code: m[1] as LostSecretCode, ...(m[2] !== undefined ? { params: { login: m[2] } } : {}) };
  });
}

/** The list in one language: each entry rendered by `render`, joined as the English note joins them. */
export function secretListText(param: string, render: (msg: Message) => string): string {
  return secretListMessages(param).map((m) => (typeof m === 'string' ? m : render(m))).join('; ');
}
