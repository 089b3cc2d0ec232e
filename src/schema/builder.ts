import SchemaBuilder from '@pothos/core';
import { authzPluginName } from '../auth/authz-plugin.js';
import type { Context } from '../context.js';

/** The schema builder. It defines no types; each module under src/schema/ adds its own. */
export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
    /** A file of a multipart request (GraphQL multipart request spec); input only. */
    File: { Input: File; Output: never };
  };
}>({
  plugins: [authzPluginName],
});
