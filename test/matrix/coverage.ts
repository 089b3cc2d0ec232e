import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  parse,
  type SelectionSetNode,
} from 'graphql';
import type { TestGateway } from '../support/helpers.js';

/** The API a route serves: the upload route is the admin API's too. */
const apiOfPath: Record<string, 'admin' | 'discovery'> = {
  '/graphql': 'admin',
  '/graphql/upload': 'admin',
  '/discovery/graphql': 'discovery',
};

/** `admin Query.projects`: the root fields a document selects, fragments at the root included. */
function rootFieldsOf(document: DocumentNode, api: string): string[] {
  const fragments = new Map(
    document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode =>
          definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const fields: string[] = [];
  const collect = (selectionSet: SelectionSetNode, root: string) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.push(`${api} ${root}.${selection.name.value}`);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, root);
      else {
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet, root);
      }
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    collect(definition.selectionSet, definition.operation === 'mutation' ? 'Mutation' : 'Query');
  }
  return fields.filter((field) => !field.endsWith('.__typename'));
}

async function queryOf(request: Request): Promise<string | undefined> {
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const operations = (await request.formData()).get('operations');
    return typeof operations === 'string'
      ? (JSON.parse(operations) as { query?: string }).query
      : undefined;
  }
  return ((await request.json()) as { query?: string }).query;
}

/**
 * Records the root fields of every request the gateway receives with `secret` as its bearer
 * token, on both APIs, from the moment it is called: what the matrix's operations really send.
 */
export function recordRootFields(gateway: TestGateway, secret: string): Set<string> {
  const seen = new Set<string>();
  const fetch = gateway.app.fetch.bind(gateway.app);
  gateway.app.fetch = async (url, init, serverContext) => {
    const api = apiOfPath[new URL(url).pathname];
    const request = new Request(url, init);
    if (api && request.headers.get('authorization') === `Bearer ${secret}`) {
      const query = await queryOf(request.clone());
      if (query) for (const field of rootFieldsOf(parse(query), api)) seen.add(field);
    }
    return fetch(url, init, serverContext);
  };
  return seen;
}
