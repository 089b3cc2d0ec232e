// What the Discovery API should answer, computed here straight from dbt's artifact JSON (never
// through Tollgate's own parsing), for tests to compare with.

export type Json = Record<string, any>;

/** The stored resource types of the manifest's sections (nodes keep their own resource_type). */
const sectionTypes: Record<string, string> = {
  sources: 'source',
  exposures: 'exposure',
  macros: 'macro',
  metrics: 'metric',
  semantic_models: 'semantic_model',
  saved_queries: 'saved_query',
  unit_tests: 'test',
};

const servedNodeTypes = new Set(['model', 'test', 'seed', 'snapshot']);

/** Every entry the API serves, with the resource type it serves it as. */
export function servedEntries(manifest: Json): { id: string; type: string; entry: Json }[] {
  const entries: { id: string; type: string; entry: Json }[] = [];
  for (const [id, entry] of Object.entries((manifest.nodes ?? {}) as Record<string, Json>))
    if (servedNodeTypes.has(entry.resource_type))
      entries.push({ id, type: entry.resource_type, entry });
  for (const [section, type] of Object.entries(sectionTypes))
    for (const [id, entry] of Object.entries((manifest[section] ?? {}) as Record<string, Json>))
      entries.push({ id, type, entry });
  return entries;
}

/** resourceCounts as dbt's API shows it: entries per resource type (groups are none). */
export function resourceCountsOf(manifest: Json): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { type } of servedEntries(manifest)) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** The (user, macro) pairs of the manifest: entries using a macro the manifest defines. */
export function macroUses(manifest: Json): [string, string][] {
  const macros = new Set(Object.keys(manifest.macros ?? {}));
  const pairs = new Set<string>();
  for (const { id, entry } of servedEntries(manifest))
    for (const macro of entry.depends_on?.macros ?? [])
      if (macros.has(macro)) pairs.add(JSON.stringify([id, macro]));
  return [...pairs].map((pair) => JSON.parse(pair) as [string, string]);
}

/**
 * The modeling layer dbt's project structure guide gives a model, as docs/metadata.md states the
 * rule: name prefix stg_/base_, int_, fct_/dim_/mrt_ (also fact_, mart_), else the nearest folder
 * named staging, intermediate, marts or mart.
 */
export function expectedModelingLayer(name: string, path: string): string | null {
  const lower = name.toLowerCase();
  if (lower.startsWith('stg_') || lower.startsWith('base_')) return 'staging';
  if (lower.startsWith('int_')) return 'intermediate';
  if (['fct_', 'dim_', 'mrt_', 'fact_', 'mart_'].some((prefix) => lower.startsWith(prefix)))
    return 'marts';
  const folders = path.replace(/\\/g, '/').split('/').slice(0, -1).reverse();
  for (const folder of folders) {
    const layer = {
      staging: 'staging',
      intermediate: 'intermediate',
      marts: 'marts',
      mart: 'marts',
    }[folder.toLowerCase()];
    if (layer) return layer;
  }
  return null;
}

/** Walks `edges` from `start` (not included), to `depth` levels. */
export function walk(
  start: string,
  edges: Record<string, string[]>,
  depth = Infinity,
): Set<string> {
  const seen = new Set<string>();
  let frontier = [start];
  for (let level = 0; level < depth && frontier.length; level++) {
    frontier = [...new Set(frontier.flatMap((id) => edges[id] ?? []))].filter(
      (id) => !seen.has(id),
    );
    for (const id of frontier) seen.add(id);
  }
  return seen;
}
