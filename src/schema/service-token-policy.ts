import { auditedWrite } from '../audit.js';
import { rateLimitKey } from '../auth/principal.js';
import { type Context, principalOf } from '../context.js';
import type { Db } from '../db/database.js';
import {
  findServiceTokenPolicy,
  listWorkingAdminTokenIds,
  lockAccountForAdminCheck,
  upsertServiceTokenPolicy,
} from '../db/service-tokens.js';
import type { ServiceTokenPolicyRow } from '../db/tables/service-tokens.js';
import { badUserInput } from '../errors.js';
import { builder } from './builder.js';
import { DateTime } from './scalars.js';

// The account's policy for its tokens: how long a new token may live and how fast each may call.

interface PolicyShape {
  readonly maxLifetimeSeconds: number | null;
  readonly requestsPerMinute: number | null;
  readonly updatedAt: string | null;
}

const ServiceTokenPolicy = builder.objectRef<PolicyShape>('ServiceTokenPolicy').implement({
  fields: (t) => ({
    maxLifetimeSeconds: t.exposeInt('maxLifetimeSeconds', {
      description:
        'When set, every new token needs an expiry at most this far ahead. Null: no limit.',
    }),
    requestsPerMinute: t.exposeInt('requestsPerMinute', {
      description:
        "Requests per minute each token of the account may make. Null: the server's default.",
    }),
    updatedAt: t.expose('updatedAt', { type: DateTime }),
  }),
});

function policyShape(policy: ServiceTokenPolicyRow | undefined): PolicyShape {
  return {
    maxLifetimeSeconds: policy?.max_lifetime_seconds ?? null,
    requestsPerMinute: policy?.requests_per_minute ?? null,
    updatedAt: policy?.updated_at ?? null,
  };
}

/**
 * A request limit applies at once, to every token, its setter included: refuses (BAD_USER_INPUT)
 * a limit under which the caller's very next request would be refused, or under which no working
 * Account Admin token of the account could make one, so the policy never locks out the admin who
 * sets it, nor every admin. Decided on the limiter's current windows, with the account's row
 * locked against concurrent revocations.
 */
async function refuseAdminLockout(
  trx: Db,
  context: Context,
  callerKey: string,
  limit: number,
): Promise<void> {
  const { account } = principalOf(context);
  const now = context.now();
  // Awaited: a limiter shared between instances answers asynchronously.
  const admitted = async (key: string) =>
    (await context.tokenRequests.check(key, now, limit)).allowed;
  if (!(await admitted(callerKey))) {
    throw badUserInput(
      `At ${limit} requests per minute this token's next request would be refused: it has already made that many in the current minute. Choose a higher limit, or set this one in a minute.`,
      'requestsPerMinute',
    );
  }
  await lockAccountForAdminCheck(trx, account.id);
  const admins = await listWorkingAdminTokenIds(trx, account.id, now.toISOString());
  if (
    admins.length > 0 &&
    !(await Promise.all(admins.map((id) => admitted(String(id))))).some(Boolean)
  ) {
    throw badUserInput(
      `At ${limit} requests per minute no Account Admin token of the account could make its next request. Choose a higher limit.`,
      'requestsPerMinute',
    );
  }
}

const minLifetimeSeconds = 60;
const maxLifetimeSecondsLimit = 10 * 366 * 24 * 60 * 60;
const maxRequestsPerMinute = 1_000_000;

builder.queryField('serviceTokenPolicy', (t) =>
  t.field({
    type: ServiceTokenPolicy,
    nullable: false,
    authz: { resource: 'service_tokens', action: 'read' },
    resolve: async (_root, _args, context) =>
      policyShape(await findServiceTokenPolicy(context.db, principalOf(context).account.id)),
  }),
);

builder.mutationField('updateServiceTokenPolicy', (t) =>
  t.field({
    type: ServiceTokenPolicy,
    nullable: false,
    description:
      'Sets the maximum lifetime of new tokens and the request rate of each token; an argument left out is unchanged, null removes the setting. Existing tokens keep their expiry. A rate under which the calling token, or every Account Admin token, would be refused its next request is refused.',
    args: { maxLifetimeSeconds: t.arg.int(), requestsPerMinute: t.arg.int() },
    authz: { resource: 'service_tokens', action: 'write' },
    resolve: async (_root, { maxLifetimeSeconds, requestsPerMinute }, context) => {
      if (
        maxLifetimeSeconds != null &&
        (maxLifetimeSeconds < minLifetimeSeconds || maxLifetimeSeconds > maxLifetimeSecondsLimit)
      ) {
        throw badUserInput(
          `maxLifetimeSeconds must be between ${minLifetimeSeconds} and ${maxLifetimeSecondsLimit} (ten years).`,
          'maxLifetimeSeconds',
        );
      }
      if (
        requestsPerMinute != null &&
        (requestsPerMinute < 1 || requestsPerMinute > maxRequestsPerMinute)
      ) {
        throw badUserInput(
          'requestsPerMinute must be between 1 and 1,000,000.',
          'requestsPerMinute',
        );
      }
      const principal = principalOf(context);
      const { account } = principal;
      const changes = {
        ...(maxLifetimeSeconds === undefined ? {} : { maxLifetimeSeconds }),
        ...(requestsPerMinute === undefined ? {} : { requestsPerMinute }),
      };
      return auditedWrite(context, 'updateServiceTokenPolicy', async (trx) => {
        if (requestsPerMinute != null)
          await refuseAdminLockout(trx, context, rateLimitKey(principal), requestsPerMinute);
        const policy = await upsertServiceTokenPolicy(trx, {
          accountId: account.id,
          ...changes,
          now: context.now().toISOString(),
        });
        return {
          result: policyShape(policy),
          target: { type: 'ServiceTokenPolicy', id: account.id, details: changes },
        };
      });
    },
  }),
);
