import {
  developerMessageOf,
  envelope,
  errorEnvelope,
  type OperationError,
  statusOfErrors,
} from './envelope.js';
import { type OperationName, operations } from './operations.js';
import { RestInputError } from './params.js';

/**
 * Runs one persisted operation of the admin API for a REST request. The app supplies it: a POST
 * to the admin GraphQL route with the client's own headers (its token, its forwarded address),
 * handled exactly like any other GraphQL request.
 */
export type OperationRunner = (
  request: Request,
  call: { operationName: OperationName; query: string; variables: Record<string, unknown> },
  serverContext: Record<string, unknown>,
) => Promise<Response>;

/** An operation's data: JSON of the admin API, read by the route that selected its fields. */
// biome-ignore lint/suspicious/noExplicitAny: the shape is the route's own document's selection
export type OperationData = Record<string, any>;

/** An answer decided before the route finished: an error envelope to send as it is. */
export class RestAnswer extends Error {
  constructor(readonly response: Response) {
    super('REST answer');
  }
}

/** What a route handler works with. */
export interface RouteContext {
  readonly request: Request;
  readonly url: URL;
  readonly query: URLSearchParams;
  readonly params: Readonly<Record<string, string>>;
  /** The account id of the path (`/accounts/{account_id}/`), when the route has one. */
  readonly accountId: number;
  /**
   * Runs an operation and returns its data. A refusal or failure of the operation's root field
   * ends the request with dbt's envelope and the status of the error (401, 403, 404, 400, 429);
   * errors of nested relations leave those relations null, as in GraphQL.
   */
  run(name: OperationName, variables?: Record<string, unknown>): Promise<OperationData>;
}

/** Headers of the client's request that the operation carries: who calls, from where. */
const forwardedHeaders = [
  'authorization',
  'x-forwarded-for',
  'x-request-id',
  'user-agent',
  'x-dbt-partner-source',
];

const isMutation = (name: OperationName) => operations[name].startsWith('mutation');

/** Error envelope of a failed operation, with the status and headers of its first error. */
function failure(errors: readonly OperationError[], response: Response): RestAnswer {
  const status = statusOfErrors(errors, response.status);
  const headers: Record<string, string> = {};
  for (const name of ['www-authenticate', 'retry-after']) {
    const value = response.headers.get(name);
    if (value) headers[name] = value;
  }
  const first = errors[0] ?? { message: 'The request failed.' };
  const message = status === 500 ? 'Unexpected error.' : first.message;
  return new RestAnswer(errorEnvelope(status, message, developerMessageOf(first), headers));
}

/** Builds a route's context: its operations run through `runner` as the client. */
export function routeContext(
  runner: OperationRunner,
  request: Request,
  params: Record<string, string>,
  serverContext: Record<string, unknown>,
): RouteContext {
  const url = new URL(request.url);
  const headers = new Headers({ 'content-type': 'application/json' });
  for (const name of forwardedHeaders) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const accountId = params.account_id === undefined ? Number.NaN : Number(params.account_id);
  let accountChecked = params.account_id === undefined;

  async function execute(name: OperationName, variables: Record<string, unknown>) {
    const response = await runner(
      new Request(url, { method: 'POST', headers }),
      { operationName: name, query: operations[name], variables },
      serverContext,
    );
    let body: { data?: OperationData | null; errors?: OperationError[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new RestAnswer(
        errorEnvelope(response.status >= 400 ? response.status : 500, 'Unexpected error.'),
      );
    }
    const rootErrors = (body.errors ?? []).filter((error) => (error.path?.length ?? 0) <= 1);
    if (rootErrors.length > 0 || !body.data)
      throw failure(rootErrors.length > 0 ? rootErrors : (body.errors ?? []), response);
    return body.data;
  }

  /** The path's account must be the token's: another account's id is not found. */
  function checkAccount(data: OperationData) {
    if (accountChecked) return;
    if (Number(data.viewer?.account?.id) !== accountId)
      throw new RestAnswer(
        errorEnvelope(404, `Account ${params.account_id} not found.`, 'NOT_FOUND'),
      );
    accountChecked = true;
  }

  return {
    request,
    url,
    query: url.searchParams,
    params,
    accountId,
    async run(name, variables = {}) {
      // A write must not happen in an account the path does not name: check first.
      if (!accountChecked && isMutation(name)) checkAccount(await execute('RestAccount', {}));
      const data = await execute(name, variables);
      if (!accountChecked) checkAccount(data);
      return data;
    },
  };
}

/** A route's thrown RestAnswer or RestInputError as its response; anything else propagates. */
export function answerOf(error: unknown): Response | undefined {
  if (error instanceof RestAnswer) return error.response;
  if (error instanceof RestInputError)
    return errorEnvelope(400, error.message, `BAD_USER_INPUT field=${error.parameter}`);
  return undefined;
}

export { envelope };
