import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './permission-set.js';
import './account.js';
import './project.js';
import './service-token.js';
import './environment.js';
import './job.js';
import './run.js';
import './run-artifacts.js';
import './ip-restriction.js';
import './audit-log.js';

builder.queryType({});
builder.mutationType({});

/** The schema as declared, before the rules are applied: printed to schema/schema.graphql. */
export const schema: GraphQLSchema = builder.toSchema({ sortSchema: true });
