import type { TestGateway } from '../support/helpers.js';

export interface RestResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body (every REST answer but a raw file is JSON). */
  readonly body: any;
  readonly text: string;
}

/** A dbt Cloud REST client over the gateway's fetch, as a client at 127.0.0.1 would call it. */
export function restClient(
  gateway: TestGateway,
  token: string | undefined,
  scheme: 'Bearer' | 'Token' = 'Token',
) {
  return async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<RestResponse> {
    const response = await gateway.app.fetch(
      `http://localhost${path}`,
      {
        method,
        headers: {
          ...(token ? { authorization: `${scheme} ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined
          ? {}
          : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      },
      { req: { socket: { remoteAddress: '127.0.0.1' } } },
    );
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };
}

export type RestCall = ReturnType<typeof restClient>;
