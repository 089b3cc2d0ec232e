import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './permission-set.js';
import './account.js';
import './project.js';
import './service-token.js';

builder.queryType({});
builder.mutationType({});

/** The schema as declared, before the rules are applied: printed to schema/schema.graphql. */
export const schema: GraphQLSchema = builder.toSchema({ sortSchema: true });
