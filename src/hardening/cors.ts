import type { CORSOptions } from 'graphql-yoga';
import { csrfHeader } from './transport.js';

/** What a cross-origin page may send and read, when its origin is allowed. */
export interface CorsPolicy {
  /** Exact origins (`https://console.example.com`) whose pages may call the API. None by default. */
  readonly origins: readonly string[];
  /** Whether queries over GET are accepted at all (TOLLGATE_ALLOW_GET). */
  readonly allowGet: boolean;
  /** Response headers such a page may read beyond the CORS-safelisted ones. */
  readonly exposedHeaders: readonly string[];
}

/**
 * Yoga's CORS decision per request. Its default reflects any Origin with
 * `Access-Control-Allow-Credentials: true`: every web page a token holder visits could then read
 * API responses its script asks for. Here no origin is allowed unless listed. A listed origin
 * gets exactly its own name back (never `*`), the methods the transport accepts and the headers a
 * client sends; credentials (cookies) are never allowed, since the API authenticates with a
 * bearer token a script sets itself.
 */
export function corsOptions(policy: CorsPolicy): (request: Request) => CORSOptions {
  const allowed = new Set(policy.origins);
  const methods = policy.allowGet ? ['POST', 'GET'] : ['POST'];
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !allowed.has(origin)) return false;
    return {
      origin: [origin],
      methods,
      allowedHeaders: ['authorization', 'content-type', 'x-request-id', csrfHeader],
      exposedHeaders: [...policy.exposedHeaders],
      credentials: false,
      maxAge: 600,
    };
  };
}
