import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { guardSchema } from './auth/rules.js';
import { createContext, type Context } from './context.js';
import type { Db } from './db/database.js';
import { schema } from './schema/index.js';

export interface AppOptions {
  readonly db: Db;
  /** GraphiQL at /graphql. */
  readonly graphiql?: boolean;
  /** The clock; tests inject one. */
  readonly now?: () => Date;
}

export type App = YogaServerInstance<Record<string, unknown>, Context>;

let guardedSchema: ReturnType<typeof guardSchema> | undefined;

/** The yoga instance: the guarded schema, the per-request context, nothing that listens. */
export function createApp({ db, graphiql = false, now = () => new Date() }: AppOptions): App {
  guardedSchema ??= guardSchema(schema);
  return createYoga<Record<string, unknown>, Context>({
    schema: guardedSchema,
    context: (initial) => createContext({ db, now }, initial),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: graphiql
      ? {
          title: 'Tollgate',
          headers: JSON.stringify({ Authorization: 'Bearer <paste the token here>' }),
          defaultQuery: '{\n  viewer {\n    name\n    grants { permissionSet { id name } allProjects projectIds }\n    account { name plan }\n  }\n}\n',
        }
      : false,
  }) as App;
}
