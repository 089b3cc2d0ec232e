import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { repoRoot } from '../src/cli/generated-files.js';
import type { Json } from './support/discovery.js';
import { createTestGateway, document, type TestGateway } from './support/helpers.js';
import { deployment, fixtureArtifacts, uploadArtifacts } from './support/metadata.js';
import { describeWithShared } from './support/shared.js';

// Example queries of dbt's Discovery API documentation (docs.getdbt.com, "Discovery API"
// schema pages and "Use cases and examples"), copied as published; only the literal ids they
// use (environment 834, job 123/940, jaffle_shop unique ids, database "analytics") are replaced
// by the fixtures'. Where a published snippet is not a complete operation, the wrapper is noted.

const appliedExample = `query Example {
	environment(id: 834){ # Get the latest state of the production environment
		applied { # The state of an executed node as it exists as an object in the database
			models(first: 100){ # Pagination to ensure manageable response for large projects
				edges { node {
					uniqueId, name, description, rawCode, compiledCode, # Basic properties
					database, schema, alias, # Table/view identifier (can also filter by)
					executionInfo {executeCompletedAt, executionTime}, # Metadata from when the model was built
					tests {name, executionInfo{lastRunStatus, lastRunError}}, # Latest test results
					catalog {columns {name, description, type}, stats {label, value}}, # Catalog info
					ancestors(types:[Source]) {name, ...on SourceAppliedStateNestedNode {freshness{maxLoadedAt, freshnessStatus}}}, # Source freshness }
					children {name, resourceType}}} # Immediate dependencies in lineage
				totalCount } # Number of models in the project
		}
	}
}`;

const modelsExample = `query {
  environment(id: 834) {
    applied {
      models (first: 100) {
        edges {
          node {
            name
            description
            access
            accountId
            catalog {
              owner
            }
            config
            environmentId
            tests {
              name
              description
            }
          }
        }
      }
    }
  }
}`;

const sourcesExample = `query {
  environment(id: 834) {
    applied {
      sources(
        filter: {
          database: "analytics"
        }, 
        first: 100
      ) {
        edges {
          node {
            name
            fqn
            description
            filePath
            freshness {
              freshnessChecked
              freshnessStatus
            }
            sourceName
            sourceDescription
            tests {
              name
              description
              testType
              executionInfo {
                lastRunStatus
              }
            }
          }
        }
      }
    }
  }
}`;

const testsExample = `query {
  environment(id: 834) {
    applied {
      tests(
        filter: {
          testTypes: [
            GENERIC_DATA_TEST,
            SINGULAR_DATA_TEST,
            UNIT_TEST
          ]
        }, 
        first: 100
      ) {
        edges {
          node {
            name
            model
            description
            expect
            resourceType
            testType
            given
          }
        }
      }
    }
  }
}`;

// Published as `filter: {"types": ["Model"]}`, which no GraphQL parser accepts (quoted field
// name, enum value as a string); written here as GraphQL spells it.
const lineageExample = `query {
  environment(id: 834) {
    applied {
      lineage(
        filter: {types: [Model]} # Return results for the Model type
      ) {
        name
        resourceType
        filePath
        projectId
        materializationType
        parentIds
        tags
        uniqueId
      }
    }
  }
}`;

const historicalRunsExample = `query {
  environment(id: 834) {
    applied {
      modelHistoricalRuns(
        uniqueId: "model.marketing.customers"
        lastRunCount: 20
      ) {
        runId # Get historical results for a particular model
        runGeneratedAt
        executionTime # View build time across runs
        status
        tests {
          name
          status
          executeCompletedAt
        } # View test results across runs
      }
    }
  }
}`;

const jobExample = `query JobQueryExample {
  # Provide runId for looking at specific run, otherwise it defaults to latest run
  job(id: 940) {
    # Get all models from this job's latest run
    models(schema: "analytics") {
      uniqueId
      executionTime
    }

    # Or query a single node
    source(uniqueId: "source.jaffle_shop.snowplow.event") {
      uniqueId
      sourceName
      name
      state
      maxLoadedAt
      criteria {
        warnAfter {
          period
          count
        }
        errorAfter {
          period
          count
        }
      }
      maxLoadedAtTimeAgoInS
    }
  }
}`;

const jobModelExample = `{
  job(id: 123) {
    model(uniqueId: "model.jaffle_shop.dim_user") {
      parentsModels {
        runId
        uniqueId
        executionTime
      }
      parentsSources {
        runId
        uniqueId
        state
      }
    }
  }
}`;

// "What's the latest state of each model?" is published as the body of an operation; wrapped
// in one declaring its variables.
const latestStateExample = `query ($environmentId: BigInt!, $first: Int!) {
  environment(id: $environmentId) {
    applied {
     models(first: $first) {
       edges {
          node {
            uniqueId
            compiledCode
            database
            schema
            alias
            materializedType
            executionInfo {
              executeCompletedAt
              lastJobDefinitionId
              lastRunGeneratedAt
              lastRunId
              lastRunStatus
              lastRunError
              lastSuccessJobDefinitionId
              runGeneratedAt
              lastSuccessRunId
            }
         }
       }
     }
    }
  }
}`;

// "Which models and tests failed to run?", wrapped likewise (the published snippet also lacks
// the closing brace of `applied`).
const failuresExample = `query ($environmentId: BigInt!, $first: Int!) {
environment(id: $environmentId) {
    applied {
      models(first: $first, filter: {lastRunStatus:error}) {
        edges {
          node {
            name
            executionInfo {
              lastRunId
            }
          }
        }
      }
      tests(first: $first, filter: {status:"fail"}) {
        edges {
          node {
            name
            executionInfo {
              lastRunId
            }
          }
        }
	}
  }
}
}`;

describeWithShared("dbt's documented Discovery API queries", () => {
  let gateway: TestGateway;
  let ecommerce: Awaited<ReturnType<typeof deployment>> & { runId: string };
  let paystream: Awaited<ReturnType<typeof deployment>> & { runId: string };

  beforeAll(async () => {
    gateway = await createTestGateway();
    const e = await deployment(gateway, 'ecommerce');
    const p = await deployment(gateway, 'paystream');
    ecommerce = { ...e, runId: await e.run() };
    paystream = { ...p, runId: await p.run() };
    await uploadArtifacts(
      gateway,
      gateway.adminToken,
      ecommerce.runId,
      fixtureArtifacts('ecommerce'),
    );
    await uploadArtifacts(
      gateway,
      gateway.adminToken,
      paystream.runId,
      fixtureArtifacts('paystream'),
    );
  });

  const run = async (
    query: string,
    replacements: [string | RegExp, string][],
    variables: Json = {},
  ) => {
    let text = query;
    for (const [from, to] of replacements) text = text.replace(from, to);
    const response = await gateway.discovery(gateway.adminToken).request(document(text), variables);
    expect(response.errors).toBeUndefined();
    return response.data!;
  };

  it('environment applied models with execution info, tests, catalog and source freshness', async () => {
    const data = await run(appliedExample, [['id: 834', `id: ${ecommerce.environmentId}`]]);
    const models = data.environment.applied.models;
    expect(models.totalCount).toBe(17);
    const customers = models.edges.find((edge: Json) => edge.node.name === 'dim_customers').node;
    expect(customers.executionInfo.executionTime).toBeGreaterThan(0);
    expect(customers.tests.length).toBe(4);
    expect(customers.catalog.stats).toContainEqual({ label: '# Rows', value: 1904 });
    expect(customers.ancestors).toEqual([
      {
        name: 'customers',
        freshness: { maxLoadedAt: expect.any(String), freshnessStatus: 'Warn' },
      },
    ]);

    const described = await run(modelsExample, [['id: 834', `id: ${ecommerce.environmentId}`]]);
    const node = described.environment.applied.models.edges[0].node;
    expect(node).toMatchObject({
      accountId: gateway.account.id,
      environmentId: Number(ecommerce.environmentId),
      access: 'protected',
      catalog: { owner: null },
    });
    expect(node.config.materialized).toBeDefined();

    const latest = await run(latestStateExample, [], {
      environmentId: Number(ecommerce.environmentId),
      first: 500,
    });
    expect(
      latest.environment.applied.models.edges.every(
        (edge: Json) => edge.node.executionInfo.lastRunStatus === 'success',
      ),
    ).toBe(true);
  });

  it('source freshness report', async () => {
    const data = await run(sourcesExample, [
      ['id: 834', `id: ${paystream.environmentId}`],
      ['"analytics"', '"bronze"'],
    ]);
    const sources = data.environment.applied.sources.edges.map((edge: Json) => edge.node);
    expect(sources).toHaveLength(7);
    expect(
      sources.every(
        (source: Json) =>
          source.sourceName === 'bronze' &&
          source.freshness.freshnessStatus === 'Error' &&
          source.freshness.freshnessChecked,
      ),
    ).toBe(true);

    const job = await run(jobExample, [
      ['id: 940', `id: ${ecommerce.jobId}`],
      ['"analytics"', '"dev_marts"'],
      ['source.jaffle_shop.snowplow.event', 'source.ecommerce_analytics_platform.raw.orders'],
    ]);
    expect(job.job.models).toHaveLength(3);
    expect(job.job.source).toMatchObject({
      sourceName: 'raw',
      name: 'orders',
      state: 'Warn',
      maxLoadedAt: '2026-03-19T17:38:57.870Z',
      criteria: {
        warnAfter: { period: 'hour', count: 24 },
        errorAfter: { period: 'hour', count: 48 },
      },
    });
  });

  it('failing tests', async () => {
    const tests = await run(testsExample, [['id: 834', `id: ${paystream.environmentId}`]]);
    expect(tests.environment.applied.tests.edges).toHaveLength(55);
    const failures = await run(failuresExample, [], {
      environmentId: Number(paystream.environmentId),
      first: 100,
    });
    expect(failures.environment.applied).toEqual({ models: { edges: [] }, tests: { edges: [] } });
  });

  it('lineage and parents', async () => {
    const lineage = await run(lineageExample, [['id: 834', `id: ${ecommerce.environmentId}`]]);
    const nodes = lineage.environment.applied.lineage as Json[];
    expect(nodes).toHaveLength(17);
    expect(nodes.find((node) => node.name === 'dim_customers')).toMatchObject({
      resourceType: 'Model',
      materializationType: 'table',
      parentIds: ['model.ecommerce_analytics_platform.stg_customers'],
      projectId: Number(ecommerce.projectId),
    });
    const parents = await run(jobModelExample, [
      ['id: 123', `id: ${ecommerce.jobId}`],
      ['model.jaffle_shop.dim_user', 'model.ecommerce_analytics_platform.fct_orders'],
    ]);
    expect(parents.job.model.parentsModels.length).toBeGreaterThan(0);
    expect(
      parents.job.model.parentsModels.every(
        (parent: Json) => parent.runId === Number(ecommerce.runId) && parent.executionTime > 0,
      ),
    ).toBe(true);
  });

  it('model historical runs', async () => {
    const history = await run(historicalRunsExample, [
      ['id: 834', `id: ${ecommerce.environmentId}`],
      ['model.marketing.customers', 'model.ecommerce_analytics_platform.dim_customers'],
    ]);
    expect(history.environment.applied.modelHistoricalRuns).toEqual([
      {
        runId: Number(ecommerce.runId),
        runGeneratedAt: '2026-03-20T20:17:52.590Z',
        executionTime: expect.any(Number),
        status: 'success',
        tests: expect.arrayContaining([
          {
            name: 'unique_dim_customers_customer_key',
            status: 'pass',
            executeCompletedAt: expect.any(String),
          },
        ]),
      },
    ]);
  });

  it('every query shown in docs/metadata.md runs against the fixtures', async () => {
    const markdown = readFileSync(`${repoRoot}/docs/metadata.md`, 'utf8');
    const blocks = [...markdown.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    const variables = {
      environmentId: Number(ecommerce.environmentId),
      jobId: Number(ecommerce.jobId),
      runId: Number(ecommerce.runId),
      first: 100,
      uniqueId: 'model.ecommerce_analytics_platform.dim_customers',
    };
    for (const block of blocks) {
      const definitions = /^query[^(]*\(([^)]*)\)/.exec(block.trim())?.[1] ?? '';
      const used = Object.fromEntries(
        Object.entries(variables).filter(([name]) => definitions.includes(`$${name}:`)),
      );
      const response = await gateway.discovery(gateway.adminToken).request(document(block), used);
      expect(response.errors, block).toBeUndefined();
      expect(JSON.stringify(response.data), block).not.toBe('{}');
    }
  });
});
