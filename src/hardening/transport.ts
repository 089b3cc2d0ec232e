import type { Plugin } from 'graphql-yoga';

/** The header a non-preflighted request (multipart upload) must carry: a page of another site cannot set it without a CORS preflight. */
export const csrfHeader = 'x-graphql-yoga-csrf';

export interface TransportOptions {
  /** Queries over GET (never mutations: yoga refuses those). Off by default. */
  readonly allowGet: boolean;
  /** GraphiQL is served on GET with Accept: text/html. */
  readonly graphiql: boolean;
  /** Whether multipart/form-data (file upload) requests are accepted on this route. */
  readonly multipart: boolean;
}

function refusal(
  status: number,
  message: string,
  code: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/**
 * What may reach the GraphQL endpoint: JSON POST by default; GET only when enabled; multipart
 * only where uploads are accepted and only with the CSRF header; nothing else (HTML forms and
 * text/plain bodies, the classic cross-site request forgery carriers, are refused).
 */
export function transportPlugin(options: TransportOptions): Plugin {
  return {
    onRequest({ request, endResponse }) {
      if (request.method === 'GET') {
        if (options.graphiql && request.headers.get('accept')?.includes('text/html')) return;
        if (!options.allowGet) {
          endResponse(
            refusal(405, 'Send GraphQL requests as POST with a JSON body.', 'METHOD_NOT_ALLOWED', {
              allow: 'POST',
            }),
          );
        }
        return;
      }
      if (request.method !== 'POST') return;
      const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
      if (type === 'application/json' || type === 'application/graphql-response+json') return;
      if (type === 'multipart/form-data' && options.multipart) {
        if (!request.headers.has(csrfHeader)) {
          endResponse(
            refusal(
              403,
              `Multipart requests must carry the ${csrfHeader} header.`,
              'CSRF_PREVENTED',
            ),
          );
        }
        return;
      }
      endResponse(
        refusal(
          415,
          type === 'multipart/form-data'
            ? 'Multipart requests (artifact uploads) go to /graphql/upload; send GraphQL requests here with Content-Type: application/json.'
            : 'Send GraphQL requests with Content-Type: application/json.',
          'UNSUPPORTED_MEDIA_TYPE',
        ),
      );
    },
  };
}
