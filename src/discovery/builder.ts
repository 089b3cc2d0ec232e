import SchemaBuilder from '@pothos/core';
import { authzPluginName } from '../auth/authz-plugin.js';
import type { Context } from '../context.js';

/**
 * The Discovery API's own schema builder: its type names (Environment, PageInfo, ...) follow
 * dbt's Discovery API and would clash with the admin schema's. Same context, same `authz`
 * declarations, compiled by the same rules. It defines no types; the modules beside it do.
 */
export const discoveryBuilder = new SchemaBuilder<{
  Context: Context;
  Scalars: {
    BigInt: { Input: number; Output: number | string };
    DateTime: { Input: Date; Output: Date | string };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
    AnyScalar: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [authzPluginName],
});

/** The builder's type parameters, for helpers that take a field builder. */
export type DiscoveryTypes =
  typeof discoveryBuilder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types : never;
