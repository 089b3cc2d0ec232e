import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Imports point down only. Every folder and top-level file of src/ sits on a floor; a file may
// import its own unit, any unit on a lower floor, and nothing else: not a higher floor, and not
// a different layer on the same floor (the two APIs never import each other). Folders (and
// top-level files) must not import each other in a circle either, even on the same floor.

/** Layers with their floor, lowest first. Layers on one floor are siblings. */
const floors = {
  base: 0,
  catalog: 1,
  db: 2,
  metadata: 3,
  auth: 4,
  schema: 5,
  discovery: 5,
  rest: 5,
  app: 6,
  server: 7,
  client: 7,
  // `tollgate serve` starts the server: the commands sit one floor above it.
  cli: 8,
} as const;
type Layer = keyof typeof floors;

/**
 * Where each unit of src/ sits: a folder (ending in "/") or a top-level file. A file or folder
 * missing here fails the test, so a new one has to be placed.
 */
const placement: Readonly<Record<string, Layer>> = {
  // Leaves that import nothing from src/ but each other, needed on every floor: typed GraphQL
  // errors, id parsing (both APIs and the scope locators), dbt's status vocabulary (read by
  // repositories, ingestion and the Discovery API), the sealing of stored secrets, the in-memory
  // rate limiter, deploy-key generation, the form of times both APIs' DateTime writes.
  'errors.ts': 'base',
  'dbt-statuses.ts': 'base',
  'ids.ts': 'base',
  'utc-time.ts': 'base',
  'secrets.ts': 'base',
  'rate-limit.ts': 'base',
  'deploy-key.ts': 'base',
  // Logs and metrics: the logger, the per-request log line and observations, the metrics
  // registry and its listener. Below everything so that any floor can log; what they need of the
  // app (the caller of a request, the count of active tokens) is handed in.
  'observability/': 'base',
  // Outbound HTTP to URLs someone else chose (webhook targets, identity providers' key sets):
  // https only, internal addresses refused, the checked address pinned. Imports nothing of ours,
  // so any floor that calls out uses the same guard.
  'outbound/': 'base',
  // The permission catalog: pure data and functions, the root everything is derived from.
  'catalog/': 'catalog',
  // Repositories, the database factory, cursors and page sizes.
  'db/': 'db',
  // Input checks shared by auth, both APIs and the commands; it needs the repositories' notion
  // of a duplicate (isUniqueViolation), so it sits on their floor, below auth.
  'validation.ts': 'db',
  // dbt artifacts: parse, ingest, store, and the views both APIs read. Only repositories below.
  'metadata/': 'metadata',
  // Who the caller is and what they may touch: tokens, principals, grants, rules, the
  // caller's identification and the scope locators (auth/), and beside them the account-scoped
  // loaders the locators read through (tenant isolation: another account's id is NOT_FOUND),
  // the request context that carries caller and loaders to every resolver, and the audit trail
  // of what the caller did. Above metadata, because the loaders also read the metadata store.
  'loaders.ts': 'auth',
  'context.ts': 'auth',
  'audit.ts': 'auth',
  'auth/': 'auth',
  // Cached answers of repeated reads, keyed by the caller's compiled access: it reads the
  // principal and the data version, and the app wires it into its routes.
  'response-cache.ts': 'auth',
  // The APIs: the admin GraphQL API, the Discovery-compatible metadata API, and the REST API
  // dbt Cloud's clients call (it runs operations of the admin schema it is handed, never imports
  // it). Siblings: what more than one needs lives below them.
  'schema/': 'schema',
  'discovery/': 'discovery',
  'rest/': 'rest',
  // Composition: the yoga instance and its plugins (query limits, introspection, transport),
  // the validated configuration (which reads the hardening defaults), the first-start account,
  // the serving of the built web console.
  'app.ts': 'app',
  'console.ts': 'app',
  'config.ts': 'app',
  'bootstrap.ts': 'app',
  'hardening/': 'app',
  // Webhook delivery: the worker the gateway starts, which reads the outbox the admin API's run
  // changes write (through the repositories) and sends through outbound/. Composition, like the
  // usage recorder: nothing below it needs it.
  'webhooks/': 'app',
  // Entry points: the listening process, the operator commands (above it: `tollgate serve` loads
  // it), and the typed client for other programs (generated from the printed schemas; the server
  // never imports its own client).
  'server.ts': 'server',
  'cli/': 'cli',
  'client/': 'client',
};

/** Each file of src/ (relative, with "/") → the src/ files it imports (type-only and dynamic included). */
type ImportGraph = ReadonlyMap<string, readonly string[]>;

interface LayerReport {
  /** Files no entry of the table places. */
  readonly unplaced: readonly string[];
  /** `from → to (layer A may not import layer B)`. */
  readonly violations: readonly string[];
  /** `cycle: a → b → a`, between units. */
  readonly cycles: readonly string[];
}

/** The unit (folder or top-level file) a file belongs to, and the layer the table gives it. */
function unitOf(file: string): string {
  const slash = file.indexOf('/');
  return slash === -1 ? file : file.slice(0, slash + 1);
}

/** Checks a graph against a placement table; pure, so it can be tried on a made-up graph. */
function checkLayers(graph: ImportGraph, table: Readonly<Record<string, Layer>>): LayerReport {
  const layerOf = (file: string): Layer | undefined => table[unitOf(file)];
  const unplaced = [...graph.keys()].filter((file) => layerOf(file) === undefined).sort();
  const violations: string[] = [];
  const unitEdges = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const [fromUnit, toUnit] = [unitOf(from), unitOf(to)];
      if (fromUnit === toUnit) continue;
      if (!unitEdges.has(fromUnit)) unitEdges.set(fromUnit, new Set());
      unitEdges.get(fromUnit)!.add(toUnit);
      const [a, b] = [layerOf(from), layerOf(to)];
      if (a === undefined || b === undefined || a === b) continue;
      if (floors[b] >= floors[a]) violations.push(`${from} → ${to} (${a} may not import ${b})`);
    }
  }
  return { unplaced, violations: violations.sort(), cycles: unitCycles(unitEdges) };
}

/** One circle per strongly connected group of units (Tarjan), starting at its first unit. */
function unitCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const visit = (unit: string) => {
    index.set(unit, index.size);
    low.set(unit, index.get(unit)!);
    stack.push(unit);
    for (const next of edges.get(unit) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(unit, Math.min(low.get(unit)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(unit, Math.min(low.get(unit)!, index.get(next)!));
    }
    if (low.get(unit) === index.get(unit)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        group.push(member);
      } while (member !== unit);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const unit of [...edges.keys()].sort()) if (!index.has(unit)) visit(unit);
  return groups
    .map((group) => {
      const circle = circleThrough(group, edges);
      const others = group.filter((unit) => !circle.includes(unit));
      return `cycle: ${circle.join(' → ')}${others.length > 0 ? ` (tangled with ${others.join(', ')})` : ''}`;
    })
    .sort();
}

/** A shortest circle from the group's first unit back to itself, inside the group. */
function circleThrough(
  group: readonly string[],
  edges: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  const start = group[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const unit = queue.shift()!;
    for (const next of [...(edges.get(unit) ?? [])].sort()) {
      if (!group.includes(next)) continue;
      if (next === start) {
        const path = [unit];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(next) && next !== start) {
        previous.set(next, unit);
        queue.push(next);
      }
    }
  }
  return [...group, start];
}

const srcDir = path.resolve(import.meta.dirname, '../src');
const sourceFile = /\.(ts|mts|mjs|js)$/;

/** The import graph of src/: relative specifiers resolved (`./x.js` is `./x.ts`), packages left out. */
function readImportGraph(root = srcDir): ImportGraph {
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((file) => file.split(path.sep).join('/'))
    .filter((file) => sourceFile.test(file) && !file.endsWith('.d.ts'))
    .sort();
  const known = new Set(files);
  const resolve = (from: string, specifier: string): string | undefined => {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    const stem = base.replace(/\.(m?js|ts)$/, '');
    return [base, `${stem}.ts`, `${stem}.mts`, `${stem}.mjs`, `${base}/index.ts`].find(
      (candidate) => known.has(candidate),
    );
  };
  return new Map(
    files.map((file) => {
      const { importedFiles } = ts.preProcessFile(
        readFileSync(path.join(root, file), 'utf8'),
        true,
        true,
      );
      const targets = importedFiles
        .map((reference) => reference.fileName)
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => resolve(file, specifier))
        .filter((target): target is string => target !== undefined);
      return [file, [...new Set(targets)]];
    }),
  );
}

describe('the import direction', () => {
  it('catches an upward import, a sibling import, an unplaced file and a cycle (self-test)', () => {
    const graph: ImportGraph = new Map([
      ['catalog/a.ts', []],
      ['catalog/e.ts', ['auth/f.ts']],
      ['auth/f.ts', ['catalog/a.ts']],
      ['db/b.ts', ['catalog/a.ts']],
      ['db/d.ts', ['validation.ts']],
      ['validation.ts', ['db/b.ts']],
      ['schema/x.ts', ['db/b.ts', 'discovery/y.ts']],
      ['discovery/y.ts', []],
      ['mystery/z.ts', ['db/b.ts']],
    ]);
    const report = checkLayers(graph, placement);
    expect(report.violations).toEqual([
      'catalog/e.ts → auth/f.ts (catalog may not import auth)',
      'schema/x.ts → discovery/y.ts (schema may not import discovery)',
    ]);
    expect(report.unplaced).toEqual(['mystery/z.ts']);
    // db/ and validation.ts share a floor, so no layer is broken; the circle between them is
    // still refused. catalog/ ⇄ auth/ is both a violation and a cycle.
    expect(report.cycles).toEqual([
      'cycle: auth/ → catalog/ → auth/',
      'cycle: db/ → validation.ts → db/',
    ]);
  });

  it('reads imports and exports, type-only and dynamic ones, and resolves them', () => {
    const graph = readImportGraph();
    expect(graph.get('server.ts')).toEqual(
      expect.arrayContaining(['app.ts', 'config.ts', 'db/connect.ts']),
    );
    // A dynamic import, so that --help does not build the schemas.
    expect(graph.get('cli/generate.ts')).toContain('cli/generated-files.ts');
    expect(graph.get('audit.ts')).toContain('context.ts');
  });

  it('keeps every import of src/ pointing down, with every unit placed and no cycles', () => {
    const report = checkLayers(readImportGraph(), placement);
    expect({
      unplaced: report.unplaced,
      violations: report.violations,
      cycles: report.cycles,
    }).toEqual({
      unplaced: [],
      violations: [],
      cycles: [],
    });
  });
});
