import { beforeAll, expect, it } from 'vitest';
import { isoTimestamp } from '../src/metadata/artifacts.js';
import {
  augmentedIds,
  augmentedManifest,
  augmentedRunResults,
} from './support/augmented-manifest.js';
import { walk } from './support/dbt-expectations.js';
import { manifestOf, runResultsOf, sourcesOf } from './support/discovery.js';
import { createTestGateway, document, type TestGateway } from './support/helpers.js';
import { deployment, fixtureArtifacts, uploadArtifacts } from './support/metadata.js';
import { describeWithShared } from './support/shared.js';

// The fields models, tests, seeds, snapshots and exposures gained: versions, relationName,
// isDescriptionInherited, publicParentIds, unit-test counts, the macros a node uses, snapshot
// configuration, the exposure tile. Expected values are read from the artifacts here.

type Json = Record<string, any>;

describeWithShared(
  'node fields, compared with the artifacts',
  () => {
    let gateway: TestGateway;
    let augmented: number;
    let paystream: number;
    let ecommerce: number;
    const manifest = augmentedManifest();

    beforeAll(async () => {
      gateway = await createTestGateway();
      const a = await deployment(gateway, 'ecommerce augmented');
      const p = await deployment(gateway, 'paystream');
      const e = await deployment(gateway, 'ecommerce');
      for (const [target, files] of [
        [
          a,
          { manifest: JSON.stringify(manifest), runResults: JSON.stringify(augmentedRunResults()) },
        ],
        [p, fixtureArtifacts('paystream')],
        [e, fixtureArtifacts('ecommerce')],
      ] as const) {
        const uploaded = await uploadArtifacts(
          gateway,
          gateway.adminToken,
          await target.run(),
          files,
        );
        expect(uploaded.errors).toBeUndefined();
      }
      augmented = Number(a.environmentId);
      paystream = Number(p.environmentId);
      ecommerce = Number(e.environmentId);
    });

    const ask = async (id: number, query: string) => {
      const response = await gateway
        .discovery(gateway.adminToken)
        .request(document(`query ($id: BigInt!) { environment(id: $id) { ${query} } }`), { id });
      expect(response.errors).toBeUndefined();
      return response.data!.environment;
    };

    it('serves model versions, relation names, inherited descriptions and public parents', async () => {
      const environment = await ask(
        augmented,
        `applied {
        models(first: 500) { edges { node { uniqueId version relationName description isDescriptionInherited
          versions { name releaseVersion uniqueId } } } }
        lineage(filter: { types: [Model] }) { uniqueId ... on ModelLineageNode { publicParentIds version } }
      }`,
      );
      const models = Object.values(manifest.nodes as Record<string, Json>).filter(
        (node) => node.resource_type === 'model',
      );
      const served = new Map<string, Json>(
        environment.applied.models.edges.map((edge: Json) => [edge.node.uniqueId, edge.node]),
      );
      expect([...served.keys()].sort()).toEqual(models.map((node) => node.unique_id).sort());
      for (const node of models) {
        const versions =
          node.version == null
            ? []
            : models
                .filter((other) => other.name === node.name && other.version != null)
                .map((other) => ({
                  name: String(other.version),
                  releaseVersion:
                    other.version === other.latest_version
                      ? 'latest'
                      : other.version > other.latest_version
                        ? 'prerelease'
                        : 'old',
                  uniqueId: other.unique_id,
                }))
                .sort((a, b) => a.uniqueId.localeCompare(b.uniqueId));
        expect(served.get(node.unique_id), node.unique_id).toEqual({
          uniqueId: node.unique_id,
          version: node.version == null ? null : String(node.version),
          relationName: node.relation_name,
          // No catalog here: every description is the manifest's own.
          description: node.description,
          isDescriptionInherited: false,
          versions,
        });
      }
      expect(served.get(augmentedIds.dimDateV2)!.versions).toHaveLength(2);
      const lineage = new Map<string, Json>(
        environment.applied.lineage.map((node: Json) => [node.uniqueId, node]),
      );
      for (const node of models) {
        const publicParents = (node.depends_on.nodes as string[]).filter(
          (id) =>
            id.startsWith('model.') &&
            (!(id in manifest.nodes) || manifest.nodes[id].access === 'public'),
        );
        expect(lineage.get(node.unique_id)!.publicParentIds, node.unique_id).toEqual(
          publicParents.sort(),
        );
      }
      expect(lineage.get(augmentedIds.fctOrders)!.publicParentIds).toEqual([
        augmentedIds.externalParent,
      ]);
    });

    it('serves unit tests: given, expect, their row counts and `this`, as applied and as defined', async () => {
      const environment = await ask(
        augmented,
        `applied { tests(first: 10, filter: { testTypes: [UNIT_TEST] }) { edges { node {
        uniqueId testType model testedNodeUniqueId numGiven numGivenRows numExpectRows thisInputNodeUniqueId eventStatus
        given expect overrides executionInfo { lastRunStatus } dependsOnMacros { uniqueId } } } } }
      definition { tests(first: 10, filter: { uniqueIds: ["${augmentedIds.unitTest}"] }) { edges { node {
        uniqueId resource numGiven numGivenRows numExpectRows thisInputNodeUniqueId eventStatus given expect overrides } } } }`,
      );
      const unit = manifest.unit_tests[augmentedIds.unitTest];
      const rowsOf = (fixture: Json) =>
        Array.isArray(fixture.rows)
          ? fixture.rows.length
          : fixture.rows.split('\n').filter((line: string) => line.trim() !== '').length - 1;
      const counts = {
        numGiven: unit.given.length,
        numGivenRows: unit.given.reduce((sum: number, input: Json) => sum + rowsOf(input), 0),
        numExpectRows: rowsOf(unit.expect),
        // `this` stands for the tested model.
        thisInputNodeUniqueId: unit.given.some((input: Json) => input.input === 'this')
          ? unit.depends_on.nodes.find((id: string) => id.startsWith('model.'))
          : null,
        eventStatus: {},
        given: unit.given,
        expect: unit.expect,
        overrides: unit.overrides,
      };
      const macros = new Set(Object.keys(manifest.macros));
      expect(environment.applied.tests.edges.map((edge: Json) => edge.node)).toEqual([
        {
          uniqueId: unit.unique_id,
          testType: 'UNIT_TEST',
          model: unit.model,
          testedNodeUniqueId: unit.depends_on.nodes.find((id: string) => id.startsWith('model.')),
          ...counts,
          executionInfo: { lastRunStatus: 'pass' },
          dependsOnMacros: unit.depends_on.macros
            .filter((id: string) => macros.has(id))
            .map((uniqueId: string) => ({ uniqueId })),
        },
      ]);
      expect(environment.definition.tests.edges[0].node).toEqual({
        uniqueId: unit.unique_id,
        resource: 'unit_test',
        ...counts,
      });
    });

    it('lists the macros every test uses, and macros among ancestors when asked for', async () => {
      const environment = await ask(
        paystream,
        `applied {
        tests(first: 500) { edges { node { uniqueId dependsOnMacros { uniqueId name packageName } } } }
        models(first: 1, filter: { uniqueIds: ["model.paystream.int_transaction_enriched"] }) { edges { node {
          ancestors(types: [Macro]) { uniqueId ... on MacroDefinitionNestedNode { packageName } } } } }
      }`,
      );
      const paystreamManifest = manifestOf('paystream');
      const macros = paystreamManifest.macros as Record<string, Json>;
      for (const { node } of environment.applied.tests.edges as { node: Json }[]) {
        const uses = [...new Set<string>(paystreamManifest.nodes[node.uniqueId].depends_on.macros)]
          .filter((id) => id in macros)
          .sort();
        expect(node.dependsOnMacros, node.uniqueId).toEqual(
          uses.map((id) => ({
            uniqueId: id,
            name: macros[id]!.name,
            packageName: macros[id]!.package_name,
          })),
        );
      }
      // Macros used by the model, its ancestors, and those macros, transitively.
      const model = 'model.paystream.int_transaction_enriched';
      const users = [model, ...walk(model, paystreamManifest.parent_map)];
      const used = new Set<string>();
      const pending = users.flatMap(
        (id) => (paystreamManifest.nodes[id] ?? {}).depends_on?.macros ?? [],
      );
      while (pending.length) {
        const id = pending.pop()!;
        if (used.has(id) || !(id in macros)) continue;
        used.add(id);
        pending.push(...macros[id]!.depends_on.macros);
      }
      const ancestors = environment.applied.models.edges[0].node.ancestors as Json[];
      expect(ancestors.map((node) => node.uniqueId).sort()).toEqual([...used].sort());
    });

    it("serves seeds' and snapshots' relation, path and snapshot configuration", async () => {
      const environment = await ask(
        paystream,
        `applied {
        seeds(first: 10) { edges { node { uniqueId path relationName compiledCode } } }
        snapshots(first: 10) { edges { node { uniqueId relationName targetDatabase targetSchema strategy primaryKey
          snapshotExecutionInfo { lastRunStatus } executionInfo { lastRunStatus } } } }
        sources(first: 100) { edges { node { uniqueId relationName } } }
      }`,
      );
      const nodes = manifestOf('paystream').nodes as Record<string, Json>;
      for (const { node } of environment.applied.seeds.edges as { node: Json }[]) {
        const seed = nodes[node.uniqueId]!;
        expect(node).toEqual({
          uniqueId: seed.unique_id,
          path: seed.path,
          relationName: seed.relation_name,
          compiledCode: seed.compiled_code ?? null,
        });
      }
      for (const { node } of environment.applied.snapshots.edges as { node: Json }[]) {
        const snapshot = nodes[node.uniqueId]!;
        const key = snapshot.config.unique_key;
        expect(node).toEqual({
          uniqueId: snapshot.unique_id,
          relationName: snapshot.relation_name,
          targetDatabase: snapshot.config.target_database,
          targetSchema: snapshot.config.target_schema,
          strategy: snapshot.config.strategy,
          primaryKey: Array.isArray(key) ? key.join(', ') : key,
          // paystream's run is a `dbt test`: no snapshot ran.
          snapshotExecutionInfo: { lastRunStatus: null },
          executionInfo: { lastRunStatus: null },
        });
      }
      const sources = manifestOf('paystream').sources as Record<string, Json>;
      for (const { node } of environment.applied.sources.edges as { node: Json }[])
        expect(node.relationName).toBe(sources[node.uniqueId]!.relation_name);
    });

    it("shows an exposure's data health as its tile, from its upstream results and freshness", async () => {
      const e = manifestOf('ecommerce');
      const [id, exposure] = Object.entries(e.exposures as Record<string, Json>)[0]!;
      const environment = await ask(
        ecommerce,
        `applied {
        tile: exposureTile(filter: { uniqueId: "${id}" }) { __typename uniqueId name exposureType packageName autoBiProvider
          quality freshnessStatus healthIssues maxSnapshottedAt upstreamStats }
        none: exposureTile(filter: { biResourceId: "dashboard-7", autoBiProvider: tableau }) { uniqueId }
      }
      definition { exposures(first: 5) { edges { node { uniqueId freshnessStatus ancestors { uniqueId } } } } }`,
      );
      const upstream = [...walk(id, e.parent_map)];
      const results = new Map<string, Json>(
        (runResultsOf('ecommerce').results as Json[]).map((result) => [result.unique_id, result]),
      );
      const tests = [
        ...new Set(
          upstream
            .flatMap((node) => e.child_map[node] ?? [])
            .filter((child) => child.startsWith('test.')),
        ),
      ];
      const statuses = new Set(tests.map((test) => results.get(test)?.status));
      const quality =
        statuses.has('fail') || statuses.has('error')
          ? 'Error'
          : statuses.has('warn')
            ? 'Warn'
            : statuses.has('pass')
              ? 'Pass'
              : 'Unknown';
      const checks = (sourcesOf('ecommerce').results as Json[]).filter((check) =>
        upstream.includes(check.unique_id),
      );
      const freshness = new Set(checks.map((check) => check.status));
      const freshnessStatus = freshness.has('error')
        ? 'Error'
        : freshness.has('warn')
          ? 'Warn'
          : freshness.has('pass')
            ? 'Pass'
            : 'Unknown';
      const issues = [
        ...(quality === 'Error' ? ['FailedTestUpstreamModels'] : []),
        ...(quality === 'Warn' ? ['WarnedTestUpstreamModels'] : []),
        ...(freshnessStatus === 'Error' ? ['DegradedUpstreamSources'] : []),
        ...(freshnessStatus === 'Warn' ? ['CautionUpstreamSources'] : []),
      ];
      const stats: Record<string, number> = { test: tests.length };
      for (const node of upstream) {
        const type = node.split('.')[0]!;
        stats[type] = (stats[type] ?? 0) + 1;
      }
      expect(environment.applied.tile).toEqual({
        __typename: 'ExposureTileNode',
        uniqueId: id,
        name: exposure.name,
        exposureType: exposure.type,
        packageName: exposure.package_name,
        autoBiProvider: null,
        quality,
        freshnessStatus,
        healthIssues: issues,
        maxSnapshottedAt: checks
          .map((check) => isoTimestamp(check.snapshotted_at))
          .sort()
          .at(-1),
        upstreamStats: stats,
      });
      expect(freshnessStatus).toBe('Warn');
      expect(environment.applied.none).toBeNull();
      const [definition] = environment.definition.exposures.edges;
      expect(definition.node.freshnessStatus).toBe(freshnessStatus);
      expect(definition.node.ancestors.map((node: Json) => node.uniqueId).sort()).toEqual(
        upstream.sort(),
      );
    });
  },
  120_000,
);
