import type { TollgateClient, TollgateResponse } from '../../src/client/index.js';
import type { TestGateway } from '../support/helpers.js';
import { specCell, type SpecSet } from '../support/spec.js';

export const categories = ['development', 'staging', 'production', 'other'] as const;
export type Category = (typeof categories)[number];
export type ProjectKey = 'A' | 'B';

/** Objects the admin token made before the case starts: in each project, one per category. */
export interface Fixture {
  readonly gateway: TestGateway;
  readonly admin: TollgateClient;
  /** A client holding only the case's grant. */
  readonly token: TollgateClient;
  /** The same token on the metadata (Discovery) API. */
  readonly discovery: TollgateClient;
  readonly tokenId: string;
  /** The token itself, for requests the typed client cannot make (multipart uploads). */
  readonly tokenSecret: string;
  readonly projects: Record<ProjectKey, string>;
  readonly environments: Record<ProjectKey, Record<Category, string>>;
  readonly jobs: Record<ProjectKey, Record<Category, string>>;
  readonly runs: Record<ProjectKey, Record<Category, string>>;
  /** A unique suffix for names an operation creates. */
  unique(): string;
}

export interface Location {
  readonly project: ProjectKey;
  readonly category: Category;
}

export interface Requirement {
  readonly resource: string;
  readonly action: 'read' | 'write';
}

/**
 * One thing a token can do through the API. `where` says how it is placed: account-wide, in a
 * project (run against A and B), or in an environment of each category of A and B.
 */
export interface Operation {
  readonly name: string;
  /** Checked in this order; the first the token lacks is the FORBIDDEN expected. */
  readonly requires: readonly Requirement[];
  readonly where: 'account' | 'project' | 'environment';
  /** Whether a call leaves an audit entry by the case's token (default: when it requires a write). */
  readonly audited?: boolean;
  /** Destroys the case's fixture (deleting project A): runs after every other operation. */
  readonly last?: boolean;
  run(fixture: Fixture, at: Location): Promise<TollgateResponse<unknown>>;
}

export type Outcome = string;

/** The grant a case's token holds: one set, on project A (account-level sets: the account). */
export interface Case {
  readonly set: SpecSet;
  readonly plan: 'team' | 'enterprise';
  readonly writableEnvironmentCategories: readonly string[];
}

function permitted(set: SpecSet, writable: readonly string[], requirement: Requirement, category: Category): boolean {
  const cell = specCell(requirement.resource, set.id);
  if (requirement.action === 'read') return cell !== '-';
  return cell === 'W' || (cell === 'R*' && (writable.includes('all') || writable.includes(category)));
}

/** What the spec (the CSVs) says the case's token gets for the operation at the location. */
export function expectedOutcome(testCase: Case, operation: Operation, at: Location): Outcome {
  if (operation.where !== 'account' && at.project === 'B' && testCase.set.level === 'project') return 'NOT_FOUND';
  const missing = operation.requires.find(
    (requirement) => !permitted(testCase.set, testCase.writableEnvironmentCategories, requirement, at.category),
  );
  return missing ? `FORBIDDEN ${missing.resource}:${missing.action}` : 'allowed';
}

export function actualOutcome(response: TollgateResponse<unknown>): Outcome {
  const error = response.errors?.[0];
  if (!error) return response.data ? 'allowed' : 'no data and no error';
  const code = error.extensions?.code;
  if (code === 'FORBIDDEN') return `FORBIDDEN ${error.extensions?.requiredPermission}`;
  return `${code}: ${error.message}`.replace(/^NOT_FOUND: .*/, 'NOT_FOUND');
}

/** The locations an operation runs at. */
export function locationsOf(operation: Operation): Location[] {
  if (operation.where === 'account') return [{ project: 'A', category: 'production' }];
  const projects: ProjectKey[] = ['A', 'B'];
  if (operation.where === 'project') return projects.map((project) => ({ project, category: 'production' }));
  return projects.flatMap((project) => categories.map((category) => ({ project, category })));
}
