import { from, lastValueFrom, type Observable } from 'rxjs';
import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';

/**
 * Grafana's BackendSrv over window.fetch, for the harness server. Like Grafana's, fetch() emits the response for 2xx
 * and fails with a FetchError (status, statusText, data, config) otherwise; JSON bodies are parsed.
 */
export class HarnessBackendSrv implements Partial<BackendSrv> {
  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    return from(send<T>(options));
  }

  get<T>(url: string, params?: Record<string, string>): Promise<T> {
    const query = params ? `?${new URLSearchParams(params)}` : '';
    return lastValueFrom(this.fetch<T>({ url: `${url}${query}`, method: 'GET' })).then((response) => response.data);
  }

  post<T>(url: string, data?: unknown): Promise<T> {
    return lastValueFrom(this.fetch<T>({ url, method: 'POST', data })).then((response) => response.data);
  }
}

async function send<T>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
  const method = options.method ?? 'GET';
  const response = await window.fetch(options.url, {
    method,
    headers: options.data === undefined ? undefined : { 'Content-Type': 'application/json' },
    body: options.data === undefined ? undefined : JSON.stringify(options.data),
  });

  const text = await response.text();
  const data = text === '' ? undefined : (JSON.parse(text) as T);

  if (!response.ok) {
    const error: FetchError = { status: response.status, statusText: response.statusText, data, config: options };
    throw error;
  }

  return {
    data: data as T,
    status: response.status,
    statusText: response.statusText,
    ok: true,
    headers: response.headers,
    redirected: response.redirected,
    type: response.type,
    url: response.url,
    config: options,
  };
}
