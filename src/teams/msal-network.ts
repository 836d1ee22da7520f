// MSAL's network module on our HTTP transport, so sign-in honours the same extra CAs, proxy and timeouts
// as every other call (MSAL 5+ dropped its own proxy options; this is the documented hook).
import { AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import type { HttpResponse, HttpTransport } from '../platform/http-transport.js';
import { TransportError } from '../platform/http-transport.js';
import { parseRetryAfter } from './throttle.js';

export class TransportNetworkModule implements INetworkModule {
  constructor(private readonly transport: HttpTransport, private readonly defaultTimeoutMs = 30_000) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(method: string, url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    let res: HttpResponse;
    try {
      res = await this.transport.request({
        url,
        method,
        headers: options?.headers,
        body: method === 'POST' ? options?.body ?? '' : undefined,
        timeoutMs: timeout ?? this.defaultTimeoutMs,
        maxResponseBytes: 4 * 1024 * 1024,
      });
    } catch (e) {
      // An AuthError keeps its message through MSAL; anything else would become a bare "network_error".
      const host = safeHost(url);
      const msg = e instanceof TransportError ? e.message : `Request to ${host} failed: ${e instanceof Error ? e.message : String(e)}`;
      // A stalled or broken connection is worth a quick retry; a refused one, TLS or proxy trouble is configuration.
      if (e instanceof TransportError && (e.code === 'timeout' || e.code === 'network')) {
        throw new TokenEndpointBusyError('network_error', `Cannot reach the Microsoft sign-in service: ${msg}`, 0, undefined);
      }
      throw new AuthError('network_error', '', `Cannot reach the Microsoft sign-in service: ${msg}`);
    }
    if (method === 'POST' && (res.status === 429 || res.status >= 500)) {
      // Thrown instead of returned so MSAL does not lock the token endpoint for 60 s after one 5xx (its
      // throttling cache); MicrosoftAuth retries within seconds instead.
      throw TokenEndpointBusyError.from(res, safeHost(url));
    }
    const body = readTokenAnswer(res.status, res.body.toString('utf8'), res.headers['content-type'], safeHost(url));
    return { headers: res.headers, body: body as T, status: res.status };
  }
}

/**
 * The token endpoint answered 429 or 5xx (or the connection stalled or broke: status 0): a temporary failure,
 * worth a retry after `retryAfterMs` or a backoff.
 */
export class TokenEndpointBusyError extends AuthError {
  constructor(errorCode: string, message: string, readonly status: number, readonly retryAfterMs: number | undefined) {
    super(errorCode, message);
    Object.setPrototypeOf(this, TokenEndpointBusyError.prototype);
    this.name = 'TokenEndpointBusyError';
  }

  static from(res: HttpResponse, host: string): TokenEndpointBusyError {
    const body = readTokenAnswer(res.status, res.body.toString('utf8'), res.headers['content-type'], host);
    const code = typeof body.error === 'string' && body.error ? body.error.slice(0, 100) : 'temporarily_unavailable';
    const description = typeof body.error_description === 'string' ? body.error_description.split(/\r?\n/)[0]!.slice(0, 300) : '';
    const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
    return new TokenEndpointBusyError(code, `The sign-in service at ${host} answered HTTP ${res.status}${description ? `: ${description}` : ''}`, res.status, retryAfterMs);
  }
}

/**
 * A token endpoint's answer as the JSON object MSAL expects, whatever came back: an empty body is {}, anything
 * that is not a JSON object (a proxy's HTML page, `null`, a list) becomes an OAuth-shaped server_error that
 * says what arrived. Never throws.
 */
export function readTokenAnswer(status: number, text: string, contentType: string | undefined, host: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  return {
    error: 'server_error',
    error_description: `The sign-in service at ${host} answered HTTP ${status} with ${contentType ?? 'unknown content'} that is not a JSON object. Check the authority host and any proxy in between.`,
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the sign-in service';
  }
}
