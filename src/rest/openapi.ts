import { type Route, routes } from './routes.js';

// The OpenAPI 3.1 description of the REST API, built from the route table itself, so the document
// cannot list a route the server does not serve or miss one it does (test/rest/openapi.test.ts
// also calls every documented path).

const statusSchema = {
  type: 'object',
  required: ['code', 'is_success', 'user_message', 'developer_message'],
  properties: {
    code: { type: 'integer' },
    is_success: { type: 'boolean' },
    user_message: { type: 'string' },
    developer_message: { type: 'string' },
  },
};

const envelopeSchema = {
  type: 'object',
  required: ['status', 'data'],
  properties: {
    status: { $ref: '#/components/schemas/Status' },
    data: {},
    extra: {
      type: 'object',
      properties: {
        filters: { type: 'object' },
        order_by: { type: ['string', 'null'] },
        pagination: {
          type: 'object',
          properties: { count: { type: 'integer' }, total_count: { type: 'integer' } },
        },
      },
    },
  },
};

/** `accounts/{account_id}/runs/{path+}` → `/api/v2/accounts/{account_id}/runs/{path}/`. */
export function openApiPath(route: Route, version: string): string {
  const path = route.path.replace('{path+}', '{path}');
  return `/api/${version}/${path}${route.raw ? '' : '/'}`;
}

function operationOf(route: Route) {
  const pathParameters = [...route.path.matchAll(/\{([a-z_]+)\+?\}/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: match[1] === 'path' ? 'string' : 'integer' },
  }));
  const queryParameters = (route.query ?? []).map((parameter) => ({
    name: parameter.name,
    in: 'query',
    required: false,
    description: parameter.description,
    schema:
      parameter.type === 'array'
        ? { type: 'array', items: { type: 'string' } }
        : { type: parameter.type ?? 'string' },
    ...(parameter.type === 'array' ? { style: 'form', explode: true } : {}),
  }));
  const success = String(route.status ?? 200);
  return {
    summary: route.summary,
    operationId: `${route.method.toLowerCase()}_${route.path.replace(/[{}+]/g, '').replace(/[/-]/g, '_')}`,
    'x-graphql-operations': route.operations,
    parameters: [...pathParameters, ...queryParameters],
    ...(route.body
      ? {
          requestBody: {
            required: false,
            description: route.body,
            content: { 'application/json': { schema: {} } },
          },
        }
      : {}),
    responses: {
      [success]: route.raw
        ? { description: 'The file.', content: { 'application/octet-stream': {} } }
        : {
            description: 'Success.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Envelope' } } },
          },
      default: {
        description: 'An error (400, 401, 403, 404, 405, 429, 500), in the envelope.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Envelope' } } },
      },
    },
  };
}

/** The whole document. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    for (const version of route.versions) {
      const path = openApiPath(route, version);
      paths[path] ??= {};
      paths[path][route.method.toLowerCase()] = operationOf(route);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tollgate: dbt Cloud REST API (v2, v3)',
      version: '1',
      description:
        "The routes of dbt Cloud's REST API that Tollgate serves. Each runs an operation of the admin GraphQL API (x-graphql-operations) with the same authorization. Paths answer with and without the trailing slash.",
    },
    components: {
      securitySchemes: {
        token: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A service token, as "Authorization: Bearer <token>" or "Authorization: Token <token>".',
        },
      },
      schemas: { Status: statusSchema, Envelope: envelopeSchema },
    },
    security: [{ token: [] }],
    paths,
  };
}
