// dbt Cloud's response envelope, on every answer of the REST API, errors included: some clients
// read `status.is_success` before anything else and crash on a body that is not this JSON.

/** The `status` of dbt's envelope. */
export interface EnvelopeStatus {
  readonly code: number;
  readonly is_success: boolean;
  readonly user_message: string;
  readonly developer_message: string;
}

/** What a list answer adds: the filters applied, the order and the page. */
export interface ListExtra {
  readonly filters: Record<string, unknown>;
  readonly order_by: string | null;
  readonly pagination: { readonly count: number; readonly total_count: number };
}

/** A JSON response in dbt's envelope. */
export function envelope(
  data: unknown,
  options: { status?: number; extra?: ListExtra; headers?: Record<string, string> } = {},
): Response {
  const code = options.status ?? 200;
  const body = {
    status: { code, is_success: true, user_message: 'Success!', developer_message: '' },
    data,
    ...(options.extra ? { extra: options.extra } : {}),
  };
  return new Response(JSON.stringify(body), {
    status: code,
    headers: { 'content-type': 'application/json', ...options.headers },
  });
}

/** A refusal or failure in dbt's envelope; `data` is null. */
export function errorEnvelope(
  code: number,
  userMessage: string,
  developerMessage = '',
  headers: Record<string, string> = {},
): Response {
  const body = {
    status: {
      code,
      is_success: false,
      user_message: userMessage,
      developer_message: developerMessage,
    } satisfies EnvelopeStatus,
    data: null,
  };
  return new Response(JSON.stringify(body), {
    status: code,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** The HTTP status each error code of the admin API answers with. */
const statusOfCode: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
};

/** A GraphQL error as the admin API reports it. */
export interface OperationError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Record<string, unknown>;
}

/** The status of a failed operation: its first error's code, else the transport's status. */
export function statusOfErrors(errors: readonly OperationError[], transportStatus: number): number {
  const code = errors[0]?.extensions?.code;
  if (typeof code === 'string' && statusOfCode[code]) return statusOfCode[code];
  return transportStatus >= 400 ? transportStatus : 500;
}

/**
 * What a developer needs to act on an error: its code and, for a refusal, the permission that is
 * missing and the sets that would give it (the admin API's extensions, in one line).
 */
export function developerMessageOf(error: OperationError): string {
  const extensions = error.extensions ?? {};
  const parts = [String(extensions.code ?? 'INTERNAL_SERVER_ERROR')];
  if (extensions.requiredPermission)
    parts.push(`requiredPermission=${String(extensions.requiredPermission)}`);
  if (extensions.projectId) parts.push(`projectId=${String(extensions.projectId)}`);
  if (Array.isArray(extensions.acceptedPermissionSets))
    parts.push(`acceptedPermissionSets=${extensions.acceptedPermissionSets.join(',')}`);
  if (extensions.field) parts.push(`field=${String(extensions.field)}`);
  return parts.join(' ');
}
