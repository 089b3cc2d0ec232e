import { GraphiQL } from 'graphiql';
import { type ComponentProps, useMemo } from 'react';
import 'graphiql/style.css';

type Fetcher = ComponentProps<typeof GraphiQL>['fetcher'];
type GraphiqlStorage = NonNullable<ComponentProps<typeof GraphiQL>['storage']>;

/**
 * What GraphiQL would keep in localStorage (tabs, queries, history), kept in memory instead: one
 * store per API for as long as the console stays open, gone when the tab closes. GraphiQL does not
 * persist headers anyway (shouldPersistHeaders is off); this keeps the rest out of the browser's
 * storage too.
 */
const stores = new Map<string, Map<string, string>>();
/** The token the stores belong to: another sign-in in the same tab starts afresh. */
let storesToken: string | undefined;

function memoryStorage(name: string, token: string): GraphiqlStorage {
  if (token !== storesToken) {
    stores.clear();
    storesToken = token;
  }
  let items = stores.get(name);
  if (!items) {
    items = new Map();
    stores.set(name, items);
  }
  const store = items;
  return {
    getItem: (key) => store.get(key) ?? null,
    setItem: (key, value) => void store.set(key, value),
    removeItem: (key) => void store.delete(key),
    clear: () => store.clear(),
    get length() {
      return store.size;
    },
  };
}

/** A JSON POST to the endpoint with the headers of GraphiQL's Headers tab. */
function fetcherFor(endpoint: string): Fetcher {
  return async (params, options) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...options?.headers,
      },
      body: JSON.stringify(params),
    });
    return response.json();
  };
}

export default function GraphiqlEditor({
  api,
  endpoint,
  token,
  defaultQuery,
}: {
  api: string;
  endpoint: string;
  token: string;
  defaultQuery: string;
}) {
  const fetcher = useMemo(() => fetcherFor(endpoint), [endpoint]);
  const storage = useMemo(() => memoryStorage(api, token), [api, token]);
  const headers = JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2);
  return (
    <section className="graphiql-frame" aria-label="GraphiQL">
      <GraphiQL
        fetcher={fetcher}
        storage={storage}
        shouldPersistHeaders={false}
        defaultHeaders={headers}
        headers={headers}
        defaultQuery={defaultQuery}
        defaultEditorToolsVisibility="headers"
        isHeadersEditorEnabled
      />
    </section>
  );
}
