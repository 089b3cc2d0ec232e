import type { GraphQLSchema } from 'graphql';
import { discoveryBuilder } from './builder.js';
import './scalars.js';
import './common.js';
import './applied-nodes.js';
import './lineage.js';
import './job.js';
import './environment.js';
import './definition.js';

discoveryBuilder.queryType({
  description:
    "A metadata API compatible with dbt's Discovery API, fed by the dbt artifacts runs received.",
});

/** The Discovery schema as declared, before the rules are applied: printed to schema/discovery.graphql. */
export const discoverySchema: GraphQLSchema = discoveryBuilder.toSchema({ sortSchema: true });
