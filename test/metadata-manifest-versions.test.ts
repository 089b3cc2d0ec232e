import { beforeAll, expect, it } from 'vitest';
import { resourceCountsOf } from './support/dbt-expectations.js';
import { manifestOf, runResultsOf, sourcesOf } from './support/discovery.js';
import { createTestGateway, document, type TestGateway } from './support/helpers.js';
import {
  allowedProperties,
  type ManifestVersion,
  reducedManifest,
} from './support/manifest-versions.js';
import { deployment, uploadArtifacts } from './support/metadata.js';
import { describeWithShared } from './support/shared.js';

// Manifests of dbt 1.3 onward (schema v7 to v12): v12 is each fixture as dbt wrote it, the
// others the fixture reduced to the older schema (test/support/manifest-versions.ts). Each is
// ingested and served; the expected values are read from the manifest given.

type Json = Record<string, any>;

const versions: ManifestVersion[] = [7, 8, 9, 10, 11, 12];
const fixtures = ['ecommerce', 'paystream'] as const;

describeWithShared(
  'manifests v7 to v12',
  () => {
    let gateway: TestGateway;

    beforeAll(async () => {
      gateway = await createTestGateway();
    });

    it('reduces the fixtures to exactly what the v7 and v8 schemas allow and require', () => {
      for (const version of [7, 8] as const) {
        const manifest = reducedManifest(manifestOf('paystream'), version);
        const allowed = allowedProperties(version);
        for (const [section, keys] of Object.entries(allowed)) {
          for (const [id, entry] of Object.entries(
            (manifest[section] ?? {}) as Record<string, Json>,
          )) {
            expect(
              Object.keys(entry).filter((key) => !keys.includes(key)),
              `v${version} ${id}`,
            ).toEqual([]);
            const required = ['unique_id', 'package_name', 'path', 'original_file_path', 'name'];
            if (version === 7) required.push('root_path');
            if (section === 'nodes' && typeof entry.compiled_code === 'string')
              required.push('compiled');
            for (const key of required) expect(entry, `v${version} ${id}`).toHaveProperty(key);
          }
        }
        expect(Object.keys(manifest).sort()).toEqual(
          [
            'child_map',
            'disabled',
            'docs',
            'exposures',
            'macros',
            'metadata',
            'metrics',
            'nodes',
            'parent_map',
            'selectors',
            'sources',
          ].sort(),
        );
        expect(manifest.metadata).not.toHaveProperty('project_name');
      }
    });

    for (const version of versions) {
      it(`ingests and serves manifest v${version} of both fixtures`, async () => {
        for (const name of fixtures) {
          const manifest = reducedManifest(manifestOf(name), version);
          const target = await deployment(gateway, `${name} v${version}`);
          const runId = await target.run();
          const uploaded = await uploadArtifacts(gateway, gateway.adminToken, runId, {
            manifest: JSON.stringify(manifest),
            runResults: JSON.stringify(runResultsOf(name)),
            sources: JSON.stringify(sourcesOf(name)),
          });
          expect(uploaded.errors, `${name} v${version}`).toBeUndefined();
          // Before v10 the project is named only by project_id, dbt's md5 of its name.
          expect(uploaded.data!.uploadRunArtifacts).toMatchObject({
            dbtProjectName: manifestOf(name).metadata.project_name,
            dbtVersion: manifest.metadata.dbt_version,
          });
          const response = await gateway.discovery(gateway.adminToken).request(
            document(`query ($id: BigInt!, $jobId: BigInt!) {
            environment(id: $id) { dbtProjectName adapterType applied {
              resourceCounts
              models(first: 500) { edges { node { uniqueId rawCode compiledCode materializedType relationName
                parents { uniqueId } executionInfo { lastRunStatus } } } }
              tests(first: 500) { totalCount edges { node { uniqueId testType columnName } } }
              sources(first: 500) { edges { node { uniqueId freshness { criteria { warnAfter { count period } } } } } }
              exposures(first: 10) { edges { node { uniqueId ownerEmail parents { uniqueId } } } }
            } }
            job(id: $jobId) { metrics { uniqueId calculation_method expression timeGrains dimensions
              filters { field operator value } model { uniqueId } } macros(first: 3) { uniqueId macroSql } }
          }`),
            { id: Number(target.environmentId), jobId: Number(target.jobId) },
          );
          expect(response.errors).toBeUndefined();
          const { environment, job } = response.data!;
          expect(environment.dbtProjectName).toBe(manifestOf(name).metadata.project_name);
          expect(environment.adapterType).toBe(manifest.metadata.adapter_type);
          expect(environment.applied.resourceCounts).toEqual(resourceCountsOf(manifest));
          const nodes = manifest.nodes as Record<string, Json>;
          const results = new Map<string, Json>(
            (runResultsOf(name).results as Json[]).map((result) => [result.unique_id, result]),
          );
          for (const { node } of environment.applied.models.edges as { node: Json }[]) {
            const entry = nodes[node.uniqueId]!;
            expect(node, `v${version} ${node.uniqueId}`).toEqual({
              uniqueId: entry.unique_id,
              rawCode: entry.raw_code,
              compiledCode: entry.compiled_code ?? null,
              materializedType: entry.config.materialized,
              relationName: entry.relation_name ?? null,
              parents: [...new Set<string>(entry.depends_on.nodes)]
                .filter((id) => id in nodes || id in manifest.sources)
                .sort()
                .map((uniqueId) => ({ uniqueId })),
              executionInfo: { lastRunStatus: results.get(entry.unique_id)?.status ?? null },
            });
          }
          const tests = Object.values(nodes).filter((node) => node.resource_type === 'test');
          expect(environment.applied.tests.totalCount).toBe(tests.length);
          for (const { node } of environment.applied.tests.edges as { node: Json }[]) {
            const entry = nodes[node.uniqueId]!;
            expect(node.testType).toBe(
              entry.test_metadata ? 'GENERIC_DATA_TEST' : 'SINGULAR_DATA_TEST',
            );
            expect(node.columnName).toBe(entry.column_name ?? null);
          }
          for (const { node } of environment.applied.sources.edges as { node: Json }[]) {
            const warn = manifest.sources[node.uniqueId].freshness?.warn_after;
            expect(node.freshness.criteria.warnAfter).toEqual(
              warn?.count == null ? null : { count: warn.count, period: warn.period },
            );
          }
          for (const { node } of environment.applied.exposures.edges as { node: Json }[]) {
            const entry = manifest.exposures[node.uniqueId];
            expect(node.ownerEmail).toBe(entry.owner.email);
            expect(node.parents.map((parent: Json) => parent.uniqueId).sort()).toEqual(
              [...entry.depends_on.nodes].sort(),
            );
          }
          const macros = manifest.macros as Record<string, Json>;
          for (const macro of job.macros)
            expect(macro.macroSql).toBe(macros[macro.uniqueId]!.macro_sql);
          expect(job.metrics).toEqual(
            Object.values((manifest.metrics ?? {}) as Record<string, Json>).map((metric) => ({
              uniqueId: metric.unique_id,
              calculation_method: metric.calculation_method ?? null,
              expression: metric.expression ?? null,
              timeGrains: metric.time_grains ?? [],
              dimensions: metric.dimensions ?? [],
              filters: metric.filters ?? [],
              model: metric.model_unique_id ? { uniqueId: metric.model_unique_id } : null,
            })),
          );
          if (version === 7) expect(job.metrics).toHaveLength(1);
        }
      });
    }

    it('refuses manifests before v7 and after v12, naming the file', async () => {
      const target = await deployment(gateway, 'refused');
      for (const version of [6, 13]) {
        const manifest = structuredClone(manifestOf('ecommerce'));
        manifest.metadata.dbt_schema_version = `https://schemas.getdbt.com/dbt/manifest/v${version}.json`;
        const uploaded = await uploadArtifacts(gateway, gateway.adminToken, await target.run(), {
          manifest: JSON.stringify(manifest),
        });
        expect(uploaded.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(uploaded.errors?.[0]?.message).toContain(
          `manifest/v${version}; supported: manifest/v7 to v12`,
        );
      }
    });
  },
  300_000,
);
