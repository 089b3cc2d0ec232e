// The unguarded baselines of the benchmarks: the gateway's Pothos schemas, data and loaders served
// by stock graphql-yoga with no authentication, no shield rules, no audit and no limits
// (`stock`), and the same with graphql-jit (`compiled`), the execution the gateway itself uses.

import { useGraphQlJit as graphQlJitPlugin } from '@envelop/graphql-jit';
import type { GraphQLSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { createIdentityExchange } from '../src/app.js';
import { authenticate } from '../src/auth/principal.js';
import { createUsageRecorder } from '../src/auth/usage.js';
import { createContext, type SharedContextParts } from '../src/context.js';
import type { Db } from '../src/db/database.js';
import { discoverySchema } from '../src/discovery/index.js';
import { createRateLimiter } from '../src/rate-limit.js';
import { schema } from '../src/schema/index.js';
import type { SecretBox } from '../src/secrets.js';

export type BaselineMode = 'stock' | 'compiled';

/** Both endpoints (/graphql, /discovery/graphql) of one baseline, as yoga serves them. */
export async function createBaseline(
  mode: BaselineMode,
  db: Db,
  secrets: SecretBox,
  adminToken: string,
) {
  // The caller is resolved once, at start: the baseline does no per-request authentication.
  const now = () => new Date();
  const usage = createUsageRecorder(db);
  const principal = await authenticate(db, usage, {
    authorization: `Bearer ${adminToken}`,
    clientIp: '127.0.0.1',
    now: now(),
  });
  await usage.close();
  const shared: SharedContextParts = {
    db,
    secrets,
    leakReports: createRateLimiter({ limit: 10, windowMs: 60_000 }),
    tokenRequests: createRateLimiter({ limit: 600, windowMs: 60_000 }),
    identity: createIdentityExchange({}, now),
    now,
    permissionUsage: null,
  };
  const plugins = mode === 'compiled' ? [graphQlJitPlugin()] : [];
  const serve = (served: GraphQLSchema, endpoint: string) =>
    createYoga({
      schema: served,
      graphqlEndpoint: endpoint,
      landingPage: false,
      plugins,
      context: () => createContext(shared, { principal, clientIp: '127.0.0.1' }),
    });
  return {
    admin: serve(schema, '/graphql'),
    discovery: serve(discoverySchema, '/discovery/graphql'),
  };
}
