import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import { restrictIssuedTokens } from './identity-token-restrictions.js';
import './scalars.js';
import './permission-set.js';
import './account.js';
import './project.js';
import './grant.js';
import './service-token.js';
import './service-token-grants.js';
import './service-token-policy.js';
import './service-token-usage.js';
import './explain.js';
import './environment.js';
import './job.js';
import './run.js';
import './run-artifacts.js';
import './run-steps.js';
import './runner.js';
import './job-queries.js';
import './run-queries.js';
import './ip-restriction.js';
import './audit-log.js';
import './data-connection.js';
import './repository.js';
import './project-settings.js';
import './data-platform-config.js';
import './environment-credentials.js';
import './custom-env-var.js';
import './semantic-layer-config.js';
import './develop-session.js';
import './account-settings.js';
import './auth-provider.js';
import './billing.js';
import './member.js';
import './license.js';
import './group.js';
import './invitation.js';
import './webhook.js';
import './webhook-deliveries.js';
import './project-permission.js';
import './identity-trust-policy.js';

builder.queryType({});
builder.mutationType({});

/**
 * The schema as declared, before the rules are applied: printed to schema/schema.graphql. Tokens
 * issued by an identity exchange are kept from outliving it (identity-token-restrictions.ts).
 */
export const schema: GraphQLSchema = restrictIssuedTokens(builder.toSchema({ sortSchema: true }));
