// MSAL's network module on our HTTP transport, so sign-in honours the same extra CAs, proxy and timeouts
// as every other call (MSAL 5+ dropped its own proxy options; this is the documented hook).
import { AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import type { HttpResponse, HttpTransport } from '../platform/http-transport.js';
import { TransportError } from '../platform/http-transport.js';

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
      throw new AuthError('network_error', '', `Cannot reach the Microsoft sign-in service: ${msg}`);
    }
    let body: unknown;
    try {
      body = res.body.length ? JSON.parse(res.body.toString('utf8')) : {};
    } catch {
      // A proxy error page or similar: give MSAL an OAuth-shaped error so it surfaces as a readable ServerError.
      body = {
        error: 'server_error',
        error_description: `The sign-in service at ${safeHost(url)} answered HTTP ${res.status} with ${res.headers['content-type'] ?? 'unknown content'} instead of JSON. Check the authority host and any proxy in between.`,
      };
    }
    return { headers: res.headers, body: body as T, status: res.status };
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the sign-in service';
  }
}
