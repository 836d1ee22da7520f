// Plays the user's browser for the simulator's sign-in page: opens the authorize URL, and delivers the answer
// to the app's loopback redirect the way a browser does (auto-submitted form_post, or a followed redirect).
// Used by tests, benchmarks and the demo to complete an interactive sign-in without a real browser.
import http from 'node:http';
import https from 'node:https';

export interface BrowserResult {
  /** Status the app's loopback answered with. */
  status: number;
  body: string;
  /** The parameters delivered to the redirect URI (code, state, client_info, or error). */
  delivered: Record<string, string>;
}

export async function completeSignInAsBrowser(authorizeUrl: string, opts: { caPem: string }): Promise<BrowserResult> {
  const page = await get(authorizeUrl, opts.caPem);
  if (page.status === 302 && page.location) {
    const target = new URL(page.location);
    const delivered = Object.fromEntries(target.searchParams);
    const res = await send(loopbackUrl(target), 'GET');
    return { ...res, delivered };
  }
  if (page.status !== 200) throw new Error(`The sign-in page answered HTTP ${page.status}: ${stripTags(page.body).slice(0, 300)}`);
  const form = /<form[^>]*method="POST"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.body);
  if (!form) throw new Error(`The sign-in page has no form to submit: ${stripTags(page.body).slice(0, 300)}`);
  const action = unescapeHtml(form[1]!);
  const delivered: Record<string, string> = {};
  for (const m of form[2]!.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"/g)) delivered[unescapeHtml(m[1]!)] = unescapeHtml(m[2]!);
  const body = new URLSearchParams(delivered).toString();
  const res = await send(loopbackUrl(new URL(action)), 'POST', body);
  return { ...res, delivered };
}

/** MSAL's loopback server binds 127.0.0.1 only, while its redirect URI says localhost. */
function loopbackUrl(u: URL): URL {
  const copy = new URL(u.href);
  if (copy.hostname === 'localhost') copy.hostname = '127.0.0.1';
  return copy;
}

function get(url: string, ca: string): Promise<{ status: number; body: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`Timed out opening ${new URL(url).origin}`)));
  });
}

function send(url: URL, method: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const req = http.request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('Timed out delivering the sign-in answer to the app')));
    req.end(body);
  });
}

function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}

function stripTags(s: string): string {
  return s.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}
