import type { GraphQLSchema } from 'graphql';
import { discoveryBuilder } from './builder.js';
import './scalars.js';
import './common.js';
import './node-interfaces.js';
import './execution-info.js';
import './applied-nested.js';
import './semantic-types.js';
import './applied-nodes.js';
import './definition-nodes.js';
import './semantic-nodes.js';
import './exposure-tile.js';
import './lineage-types.js';
import './lineage.js';
import './job-nodes.js';
import './job-semantic.js';
import './job.js';
import './resources.js';
import './environment.js';
import './definition.js';
import './legacy.js';

discoveryBuilder.queryType({
  description:
    "A metadata API compatible with dbt's Discovery API, fed by the dbt artifacts runs received.",
});

/** The Discovery schema as declared, before the rules are applied: printed to schema/discovery.graphql. */
export const discoverySchema: GraphQLSchema = discoveryBuilder.toSchema({ sortSchema: true });
