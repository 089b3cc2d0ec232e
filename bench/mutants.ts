/**
 * Hand-made mutation testing of the security core (src/auth, src/catalog): each mutant is one
 * realistic one-line bug. For each, the file is changed in place, only the security test files
 * run (one worker, stopping at the first failure), and the file is restored whatever happens.
 * A mutant is killed when the tests fail, survived when they pass. Stryker does the same
 * exhaustively but is too slow for a small shared machine; these are the classes of bug a review
 * found the suite blind to, plus the obvious ones around them.
 *
 *   node --import tsx bench/mutants.ts            # every mutant
 *   node --import tsx bench/mutants.ts 3 17       # only these (1-based)
 *   node --import tsx bench/mutants.ts --check    # only check that each still applies
 *
 * Run it on a clean checkout: it rewrites files under src/ while it runs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface Mutant {
  readonly file: string;
  readonly bug: string;
  readonly from: string;
  readonly to: string;
}

const repoRoot = path.resolve(import.meta.dirname, '..');

/**
 * The security test files, fastest first, so a killed mutant usually stops early. MUTANT_TESTS
 * (comma-separated) runs others instead, e.g. to measure the suite without a file.
 */
const securityTests = process.env.MUTANT_TESTS?.split(',') ?? [
  'test/security-core.test.ts',
  'test/catalog.test.ts',
  'test/token-format.test.ts',
  'test/escalation.test.ts',
  'test/authz-rules.test.ts',
  'test/scopes.test.ts',
  'test/ip-restrictions.test.ts',
  'test/grants.test.ts',
  'test/token-lifecycle.test.ts',
  'test/service-tokens.test.ts',
  'test/project-permissions.test.ts',
  'test/isolation.test.ts',
  'test/authorization-matrix.test.ts',
];

export const mutants: readonly Mutant[] = [
  {
    file: 'src/catalog/access.ts',
    bug: 'read access implies write',
    from: 'if (resourceAccess.write) return true;',
    to: 'if (resourceAccess.read) return true;',
  },
  {
    file: 'src/catalog/access.ts',
    bug: 'an R* write ignores the environment category',
    from: 'return category != null && resourceAccess.writableCategories.has(category);',
    to: 'return resourceAccess.writableCategories.size > 0;',
  },
  {
    file: 'src/catalog/access.ts',
    bug: 'a grant on specific projects is treated as on every project (project list ignored)',
    from: 'grant.projectIds === null || permissionSets',
    to: 'grant.projectIds !== undefined || permissionSets',
  },
  {
    file: 'src/catalog/access.ts',
    bug: 'a grant with an empty project list covers every project',
    from: 'grant.projectIds === null || permissionSets',
    to: '!grant.projectIds?.length || permissionSets',
  },
  {
    file: 'src/catalog/access.ts',
    bug: 'any project grant reaches every project (NOT_FOUND boundary)',
    from: 'access.coversEveryProject || access.byProject.has(projectId)',
    to: 'access.coversEveryProject || access.byProject.size > 0',
  },
  {
    file: 'src/catalog/access.ts',
    bug: 'no union across scopes: an all-projects grant hides a project grant',
    from: 'if (everywhere && here) return union(everywhere, here);',
    to: 'if (everywhere && here) return everywhere;',
  },
  {
    file: 'src/catalog/access.ts',
    bug: 'union keeps a read-only side over a writing one',
    from: 'if (a.write) return a;',
    to: 'if (a.read) return a;',
  },
  {
    file: 'src/catalog/access.ts',
    bug: '"all" categories writes on the whole project too',
    from: "if (listed.includes('all')) return readWriteEveryCategory;",
    to: "if (listed.includes('all')) return readWrite;",
  },
  {
    file: 'src/catalog/access.ts',
    bug: 'no categories listed means every category',
    from: 'if (listed.length === 0) return readOnly;',
    to: 'if (listed.length === 0) return readWriteEveryCategory;',
  },
  {
    file: 'src/catalog/access.ts',
    bug: 'allowsSomewhere answers a write with read access',
    from: "(action === 'read' ? entry.read :",
    to: "(action !== 'read' ? entry.read :",
  },
  {
    file: 'src/catalog/access.ts',
    bug: 'lists cover every project when any grant does, whatever the resource',
    from: "if (access.everyProject.get(resource)?.read) return 'all';",
    to: "if (access.coversEveryProject) return 'all';",
  },
  {
    file: 'src/catalog/access.ts',
    bug: 'lists include projects where the resource is not readable',
    from: 'if (resources.get(resource)?.read) ids.push(projectId);',
    to: 'ids.push(projectId);',
  },
  {
    file: 'src/catalog/escalation.ts',
    bug: 'granting read of a resource the granter has no entry for passes',
    from: 'if (granted.read && !held?.read) return',
    to: 'if (granted.read && held?.read === false) return',
  },
  {
    file: 'src/catalog/escalation.ts',
    bug: 'granting write needs only read',
    from: 'if (granted.write && !held?.write) return',
    to: 'if (granted.write && !held?.read) return',
  },
  {
    file: 'src/catalog/escalation.ts',
    bug: 'only the first project of a granted project list is checked',
    from: 'for (const [projectId, resources] of wanted.byProject) {',
    to: 'for (const [projectId, resources] of [...wanted.byProject].slice(0, 1)) {',
  },
  {
    file: 'src/catalog/escalation.ts',
    bug: 'a project grant is checked against what the granter holds everywhere only',
    from: 'if (projectId === null) return everywhere;',
    to: 'if (projectId !== null) return everywhere;',
  },
  {
    file: 'src/auth/ip-restrictions.ts',
    bug: 'an unknown client address is let through',
    from: 'if (address === null) return false;',
    to: 'if (address === null) return true;',
  },
  {
    file: 'src/auth/ip-restrictions.ts',
    bug: 'deny rules ignored',
    from: "if (addressSet(cidrs('deny'))(address)) return false;",
    to: "if (addressSet(cidrs('deny').slice(1))(address)) return false;",
  },
  {
    file: 'src/auth/ip-restrictions.ts',
    bug: 'allow rules ignored',
    from: 'return allow.length === 0 || addressSet(allow)(address);',
    to: 'return allow.length >= 0 || addressSet(allow)(address);',
  },
  {
    file: 'src/auth/principal.ts',
    bug: "a token's own address allowlist ignored",
    from: 'if (!token.allowed_cidrs) return true;',
    to: 'if (token.allowed_cidrs !== undefined) return true;',
  },
  {
    file: 'src/auth/principal.ts',
    bug: "a token's allowlist treats an unknown address as loopback",
    from: '    clientIp,\n  );\n}',
    to: "    clientIp ?? '127.0.0.1',\n  );\n}",
  },
  {
    file: 'src/auth/principal.ts',
    bug: 'an unknown token is anonymous instead of refused',
    from: 'if (!found) throw unauthenticated();',
    to: 'if (!found) return null;',
  },
  {
    file: 'src/auth/ip-addresses.ts',
    bug: 'X-Forwarded-For believed from any peer once a proxy is configured',
    from: 'while (isTrustedProxy(client) && hops.length > 0) {',
    to: 'while (hops.length > 0) {',
  },
  {
    file: 'src/auth/token.ts',
    bug: 'checksum not verified',
    from: 'return candidate.slice(-checksumLength) === checksumOf(payload);',
    to: "return candidate.slice(-checksumLength) !== '';",
  },
  {
    file: 'src/auth/rules.ts',
    bug: 'a self-or-admin decision is reused across the fields of one request',
    from: "|self`, { cache: 'no_cache' })",
    to: "|self`, { cache: 'contextual' })",
  },
  {
    file: 'src/auth/rules.ts',
    bug: 'a project decision is reused across the fields of one request',
    from: "@project`, { cache: 'no_cache' })",
    to: "@project`, { cache: 'contextual' })",
  },
  {
    file: 'src/auth/rules.ts',
    bug: 'every token counts as acting on itself',
    from: "if (isOwnToken(principal, requirementAt(info, 'account-or-self').self(args)))",
    to: 'if (isOwnToken(principal, principal.token.id))',
  },
  {
    file: 'src/auth/rules.ts',
    bug: 'outside the granted projects: FORBIDDEN (confirms existence) instead of NOT_FOUND',
    from: 'if (!coversProject(principal.access, scope.projectId)) return notFound(scope.label);',
    to: 'if (!coversProject(principal.access, scope.projectId) && false) return notFound(scope.label);',
  },
  {
    file: 'src/auth/rules.ts',
    bug: 'lists guarded for writes check read',
    from: 'return allowsSomewhere(principal.access, resource, action) || refusal(resource, action);',
    to: "return allowsSomewhere(principal.access, resource, 'read') || refusal(resource, action);",
  },
];

function runTests(): { passed: boolean; failedFile?: string } {
  const result = spawnSync(
    'npx',
    ['vitest', 'run', '--maxWorkers=1', '--bail=1', '--reporter=dot', ...securityTests],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
    },
  );
  const output = `${result.stdout}\n${result.stderr}`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes, should a terminal force them
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  const failedFile = /FAIL\s+(test\/\S+\.test\.ts)/.exec(plain)?.[1];
  return { passed: result.status === 0, failedFile };
}

const checkOnly = process.argv.includes('--check');
const chosen = process.argv
  .slice(2)
  .filter((arg) => arg !== '--check')
  .map(Number);
const results: string[] = [];
let killed = 0;
let survived = 0;
for (const [index, mutant] of mutants.entries()) {
  if (chosen.length > 0 && !chosen.includes(index + 1)) continue;
  const file = path.join(repoRoot, mutant.file);
  const original = readFileSync(file, 'utf8');
  const occurrences = original.split(mutant.from).length - 1;
  if (occurrences !== 1) {
    results.push(`${index + 1}. STALE (${occurrences} matches) ${mutant.file}: ${mutant.bug}`);
    continue;
  }
  if (checkOnly) continue;
  const restore = () => writeFileSync(file, original);
  process.once('SIGINT', restore);
  try {
    writeFileSync(file, original.replace(mutant.from, mutant.to));
    const { passed, failedFile } = runTests();
    if (passed) survived += 1;
    else killed += 1;
    const line = `${index + 1}. ${passed ? 'SURVIVED' : `killed by ${failedFile ?? '(a failing run)'}`} — ${mutant.file}: ${mutant.bug}`;
    results.push(line);
    console.log(line);
  } finally {
    restore();
    process.removeListener('SIGINT', restore);
  }
}
if (checkOnly) {
  console.log(results.length === 0 ? `All ${mutants.length} mutants apply.` : results.join('\n'));
  process.exit(results.length === 0 ? 0 : 1);
}
console.log(`\n${killed} killed, ${survived} survived of ${killed + survived}`);
console.log(results.join('\n'));
