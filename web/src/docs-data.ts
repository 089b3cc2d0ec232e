import type { Client } from './api/client.js';
import {
  DocsEnvironmentDocument,
  DocsExposuresDocument,
  DocsModelsDocument,
  DocsSeedsDocument,
  DocsSnapshotsDocument,
  DocsSourcesDocument,
} from './api/discovery/graphql.js';

/** One entry of the documentation's index: enough to search, list and link a node. */
export interface DocsEntry {
  readonly uniqueId: string;
  readonly name: string;
  readonly kind: 'model' | 'source' | 'seed' | 'snapshot' | 'exposure';
  readonly description: string;
  readonly tags: readonly string[];
  readonly schema: string | null;
  readonly filePath: string;
  /** Last run status of a model, freshness of a source. */
  readonly status: string | null;
  readonly detail: string | null;
}

export interface DocsIndex {
  readonly projectName: string | null;
  readonly adapterType: string | null;
  readonly lastUpdatedAt: string | null;
  readonly entries: readonly DocsEntry[];
}

interface Page<T> {
  totalCount: number;
  pageInfo: { endCursor?: string | null; hasNextPage: boolean };
  edges: { node: T }[];
}

/** Every page of one connection (500 nodes a page, the API's most). */
async function all<T>(
  fetchPage: (after: string | undefined) => Promise<Page<T> | undefined>,
): Promise<T[]> {
  const nodes: T[] = [];
  let after: string | undefined;
  for (let page = 0; page < 200; page++) {
    const connection = await fetchPage(after);
    if (!connection) break;
    nodes.push(...connection.edges.map((edge) => edge.node));
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
    after = connection.pageInfo.endCursor;
  }
  return nodes;
}

const cache = new Map<string, Promise<DocsIndex>>();

/**
 * The index of an environment's documentation: its models, sources, seeds, snapshots and
 * exposures, fetched in parallel and kept for the session so that moving between pages is instant.
 */
export function loadDocsIndex(
  client: Client,
  environmentId: string,
  { fresh = false } = {},
): Promise<DocsIndex> {
  const key = environmentId;
  const cached = cache.get(key);
  if (cached && !fresh) return cached;
  const id = Number(environmentId);
  const promise = (async () => {
    const [environment, models, sources, seeds, snapshots, exposures] = await Promise.all([
      client.request('discovery', DocsEnvironmentDocument, { environmentId: id }),
      all((after) =>
        client
          .request('discovery', DocsModelsDocument, { environmentId: id, after })
          .then((data) => data.environment.applied?.models),
      ),
      all((after) =>
        client
          .request('discovery', DocsSourcesDocument, { environmentId: id, after })
          .then((data) => data.environment.applied?.sources),
      ),
      all((after) =>
        client
          .request('discovery', DocsSeedsDocument, { environmentId: id, after })
          .then((data) => data.environment.applied?.seeds),
      ),
      all((after) =>
        client
          .request('discovery', DocsSnapshotsDocument, { environmentId: id, after })
          .then((data) => data.environment.applied?.snapshots),
      ),
      all((after) =>
        client
          .request('discovery', DocsExposuresDocument, { environmentId: id, after })
          .then((data) => data.environment.applied?.exposures),
      ),
    ]);
    const entries: DocsEntry[] = [
      ...models.map((node) => ({
        uniqueId: node.uniqueId,
        name: node.name ?? node.uniqueId,
        kind: 'model' as const,
        description: node.description ?? '',
        tags: node.tags,
        schema: node.schema ?? null,
        filePath: node.filePath,
        status: node.executionInfo?.lastRunStatus ?? null,
        detail: node.materializedType ?? null,
      })),
      ...sources.map((node) => ({
        uniqueId: node.uniqueId,
        name: `${node.sourceName}.${node.name}`,
        kind: 'source' as const,
        description: node.description ?? '',
        tags: node.tags,
        schema: node.schema ?? null,
        filePath: node.filePath,
        status: node.freshness.freshnessStatus ?? null,
        detail: null,
      })),
      ...seeds.map((node) => ({
        uniqueId: node.uniqueId,
        name: node.name ?? node.uniqueId,
        kind: 'seed' as const,
        description: node.description ?? '',
        tags: node.tags,
        schema: node.schema ?? null,
        filePath: node.filePath,
        status: null,
        detail: null,
      })),
      ...snapshots.map((node) => ({
        uniqueId: node.uniqueId,
        name: node.name ?? node.uniqueId,
        kind: 'snapshot' as const,
        description: node.description ?? '',
        tags: node.tags,
        schema: node.schema ?? null,
        filePath: node.filePath,
        status: null,
        detail: null,
      })),
      ...exposures.map((node) => ({
        uniqueId: node.uniqueId,
        name: node.label || node.name || node.uniqueId,
        kind: 'exposure' as const,
        description: node.description ?? '',
        tags: node.tags,
        schema: null,
        filePath: node.filePath,
        status: null,
        detail: node.exposureType ?? null,
      })),
    ];
    return {
      projectName: environment.environment.dbtProjectName ?? null,
      adapterType: environment.environment.adapterType ?? null,
      lastUpdatedAt: environment.environment.applied?.lastUpdatedAt ?? null,
      entries,
    };
  })();
  cache.set(key, promise);
  // A failed load is not kept: the next visit asks again.
  promise.catch(() => cache.delete(key));
  return promise;
}

/** The documentation's own path for a node. */
export function nodePath(environmentId: string, uniqueId: string): string {
  return `/docs/${encodeURIComponent(environmentId)}/nodes/${encodeURIComponent(uniqueId)}`;
}

export function kindOf(uniqueId: string): DocsEntry['kind'] | 'test' | undefined {
  const prefix = uniqueId.split('.')[0];
  return prefix === 'model' ||
    prefix === 'source' ||
    prefix === 'seed' ||
    prefix === 'snapshot' ||
    prefix === 'exposure' ||
    prefix === 'test'
    ? prefix
    : undefined;
}

/** Ranks a search: name prefix, then name, then id, then description and tags. */
export function searchEntries(
  entries: readonly DocsEntry[],
  query: string,
  kinds: ReadonlySet<DocsEntry['kind']>,
): DocsEntry[] {
  const needle = query.trim().toLowerCase();
  const scored: { entry: DocsEntry; score: number }[] = [];
  for (const entry of entries) {
    if (!kinds.has(entry.kind)) continue;
    if (!needle) {
      scored.push({ entry, score: 0 });
      continue;
    }
    const name = entry.name.toLowerCase();
    const score = name.startsWith(needle)
      ? 4
      : name.includes(needle)
        ? 3
        : entry.uniqueId.toLowerCase().includes(needle)
          ? 2
          : entry.description.toLowerCase().includes(needle) ||
              entry.tags.some((tag) => tag.toLowerCase().includes(needle))
            ? 1
            : 0;
    if (score > 0) scored.push({ entry, score });
  }
  return scored
    .sort((a, b) => b.score - a.score || a.entry.name.localeCompare(b.entry.name))
    .map((item) => item.entry);
}
