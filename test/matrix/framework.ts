import { type EnvironmentCategory, environmentCategories } from '../../src/catalog/access.js';
import type { Resource } from '../../src/catalog/matrix.js';
import { isPermissionSetId, permissionSets } from '../../src/catalog/permission-sets.js';
import type { TollgateClient, TollgateResponse } from '../../src/client/index.js';
import type { TestGateway } from '../support/helpers.js';
import { type SpecCell, type SpecSet, specCell } from '../support/spec.js';

// Where things are (resource ids, which sets apply account-wide, the environment categories)
// comes from the catalog's data, which test/catalog.test.ts holds to the spec; what is allowed
// (the cells) comes from the spec itself, ../shared/reference/*.csv, never from the catalog.

export const categories = environmentCategories;
export type Category = EnvironmentCategory;
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

/** Where an operation acts: a project, and the environment's category when it acts in one. */
export interface Location {
  readonly project: ProjectKey;
  /** Null for account-wide and project-wide operations: their objects have no environment. */
  readonly category: Category | null;
}

export interface EnvironmentLocation extends Location {
  readonly category: Category;
}

export interface Requirement {
  readonly resource: Resource;
  readonly action: 'read' | 'write';
}

export const read = (resource: Resource): Requirement => ({ resource, action: 'read' });
export const write = (resource: Resource): Requirement => ({ resource, action: 'write' });

interface OperationBase {
  readonly name: string;
  /** Checked in this order; the first the token lacks is the FORBIDDEN expected. */
  readonly requires: readonly Requirement[];
  /** Whether a call leaves an audit entry by the case's token (default: when it requires a write). */
  readonly audited?: boolean;
  /** Destroys the case's fixture (deleting project A): runs after every other operation. */
  readonly last?: boolean;
}

/**
 * One thing a token can do through the API. `where` says how it is placed: account-wide, in a
 * project (run against A and B, on objects without an environment), or in an environment of
 * each category of A and B.
 */
export type Operation =
  | (OperationBase & {
      readonly where: 'account' | 'project';
      run(fixture: Fixture, at: Location): Promise<TollgateResponse<unknown>>;
    })
  | (OperationBase & {
      readonly where: 'environment';
      run(fixture: Fixture, at: EnvironmentLocation): Promise<TollgateResponse<unknown>>;
    });

export type Outcome = string;

/** The grant a case's token holds: one set, on project A (account-level sets: the account). */
export interface Case {
  readonly set: SpecSet;
  readonly plan: 'team' | 'enterprise';
  readonly writableEnvironmentCategories: readonly string[];
}

/**
 * What a cell allows, as ../shared/reference/README.md defines the cells: `R*` is read, and
 * write only on environments whose category the grant lists (or `all`). An object without an
 * environment (`category` null) has no category to list, so an `R*` cell never writes it.
 */
export function cellAllows(
  cell: SpecCell,
  action: 'read' | 'write',
  writable: readonly string[],
  category: Category | null,
): boolean {
  if (action === 'read') return cell !== '-';
  if (cell === 'W') return true;
  return (
    cell === 'R*' && category !== null && (writable.includes('all') || writable.includes(category))
  );
}

/** Whether the case's grant reaches the project: account-level sets apply account-wide, the others to project A only. */
function reaches(set: SpecSet, project: ProjectKey): boolean {
  if (!isPermissionSetId(set.id)) throw new Error(`The catalog has no permission set ${set.id}`);
  return permissionSets[set.id].level === 'account' || project === 'A';
}

/** What the spec (the CSVs) says the case's token gets for the operation at the location. */
export function expectedOutcome(testCase: Case, operation: Operation, at: Location): Outcome {
  // Objects in a project the grant does not reach are not found (existence is not confirmed).
  if (operation.where !== 'account' && !reaches(testCase.set, at.project)) return 'NOT_FOUND';
  const missing = operation.requires.find(
    (requirement) =>
      !cellAllows(
        specCell(requirement.resource, testCase.set.id),
        requirement.action,
        testCase.writableEnvironmentCategories,
        at.category,
      ),
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
  if (operation.where === 'account') return [{ project: 'A', category: null }];
  const projects: ProjectKey[] = ['A', 'B'];
  if (operation.where === 'project')
    return projects.map((project) => ({ project, category: null }));
  return projects.flatMap((project) => categories.map((category) => ({ project, category })));
}

/** Runs the operation at one of its locations. */
export function runAt(
  operation: Operation,
  fixture: Fixture,
  at: Location,
): Promise<TollgateResponse<unknown>> {
  if (operation.where !== 'environment') return operation.run(fixture, at);
  if (at.category === null)
    throw new Error(`${operation.name} acts in an environment: give a category`);
  return operation.run(fixture, { ...at, category: at.category });
}
