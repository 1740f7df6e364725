import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/ as the build enforces them. The import rules are .dependency-cruiser.cjs,
 * checked on src/ by `npm run lint:layers` (before vitest in `npm test`); here each of them is shown
 * to fail on tests/fixtures/layers/, which breaks every rule once. The clock rule is not an import:
 * it is checked here, with the TypeScript compiler, on src/ and on the fixture.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = join(root, 'tests/fixtures/layers');
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as IConfiguration;

/** The violations of the rules in the tree under `baseDir` (its src/), as "rule: from → to". */
async function violations(baseDir: string): Promise<string[]> {
  const { tsConfig: _, ...options } = config.options ?? {};
  const { output } = await cruise(['src'], {
    ...options,
    baseDir,
    ruleSet: { forbidden: config.forbidden ?? [] },
    validate: true,
  });
  const result = output as ICruiseResult;
  return result.summary.violations
    .map((v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^.*node_modules\//, '')}`)
    .sort();
}

describe('import rules (.dependency-cruiser.cjs)', () => {
  it('each rule fails on the fixture that breaks it, and only there', async () => {
    const found = await violations(fixture);
    const rules = (config.forbidden ?? []).map((rule) => rule.name);
    // Every rule is shown to fail at least once.
    for (const rule of rules)
      expect(
        found.some((v) => v.startsWith(`${rule}:`)),
        rule,
      ).toBe(true);
    expect(found).toEqual(
      [
        'drivers-only-in-entry: src/services/picks-driver.ts → @libsql/client/lib-esm/node.d.ts',
        'drivers-only-in-entry: src/services/picks-driver.ts → drizzle-orm/libsql/index.d.ts',
        'entry-queries-in-db: src/entry/node-queries.ts → drizzle-orm/index.d.ts',
        'node-only-in-entry: src/entry/worker.ts → fs',
        'node-only-in-entry: src/services/uses-node.ts → fs', // node:fs, as the cruise names it
        'node-only-in-entry: src/services/uses-node.ts → path',
        'not-to-unresolvable: src/db/unresolvable.ts → ./gone',
        'services-below-http: src/services/imports-http.ts → src/http/errors.ts',
        'spam-is-pure: src/spam/reaches-db.ts → src/db/queries.ts',
        'spam-is-pure: src/spam/reaches-deps.ts → src/deps.ts',
        'spam-is-pure: src/spam/reaches-services.ts → src/db/queries.ts',
        'spam-is-pure: src/spam/reaches-services.ts → src/services/policy.ts',
        'sql-only-in-db: src/services/picks-driver.ts → drizzle-orm/libsql/index.d.ts',
        'sql-only-in-db: src/services/runs-sql.ts → drizzle-orm/index.d.ts',
      ].sort(),
    );
  }, 30_000);
});

// The clock -----------------------------------------------------------------------------------

/**
 * Reads of the wall clock or a timer: `Date.now`, `new Date()` and `Date()` without an argument,
 * `performance.now`, through `globalThis` too. The service takes the time from `deps.clock`; the
 * entries (the platform) and systemClock, the clock they hand in (src/deps.ts), may read it, and so
 * may the front ends of src/web/, which run in the reader's browser, where there are no deps.
 */
function clockReads(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  /** `Date` or `globalThis.Date` (and the same for `performance`). */
  const isGlobal = (node: ts.Expression, name: string): boolean =>
    (ts.isIdentifier(node) && node.text === name) ||
    (ts.isPropertyAccessExpression(node) &&
      node.name.text === name &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'globalThis');
  const insideSystemClock = (node: ts.Node) => {
    for (let n: ts.Node | undefined = node; n; n = n.parent) {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === 'systemClock') return true;
    }
    return false;
  };
  const visit = (node: ts.Node) => {
    let read: string | null = null;
    if (
      ts.isPropertyAccessExpression(node) &&
      node.name.text === 'now' &&
      (isGlobal(node.expression, 'Date') || isGlobal(node.expression, 'performance'))
    ) {
      read = node.getText(source);
    } else if (ts.isNewExpression(node) && isGlobal(node.expression, 'Date') && !node.arguments?.length) {
      read = node.getText(source);
    } else if (ts.isCallExpression(node) && isGlobal(node.expression, 'Date')) {
      read = node.getText(source);
    }
    if (read !== null && !(file.endsWith('src/deps.ts') && insideSystemClock(node))) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${file}:${line + 1}: ${read}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Clock reads in the TypeScript files under `dir`/src, the entries and the front ends left out. */
function clockReadsUnder(dir: string): string[] {
  const files = (readdirSync(join(dir, 'src'), { recursive: true, encoding: 'utf8' }) as string[])
    .map((name) => name.split('\\').join('/'))
    .filter((name) => name.endsWith('.ts') && !name.startsWith('entry/') && !name.startsWith('web/'))
    .map((name) => join(dir, 'src', name));
  return files.flatMap((path) => clockReads(relative(dir, path).split('\\').join('/'), readFileSync(path, 'utf8')));
}

describe('the clock is read through deps.clock only', () => {
  it('no module of src/ reads it otherwise (entries, systemClock and the browser front ends aside)', () => {
    expect(clockReadsUnder(root)).toEqual([]);
  });

  it('fails on each way of reading it, and not on a date built from a given time', () => {
    expect(clockReadsUnder(fixture)).toEqual([
      'src/services/reads-clock.ts:2: Date.now',
      'src/services/reads-clock.ts:2: new Date()',
      'src/services/reads-clock.ts:2: Date()',
      'src/services/reads-clock.ts:2: performance.now',
      'src/services/reads-clock.ts:2: new globalThis.Date()',
    ]);
  });

  it('allows systemClock, and only it, in src/deps.ts', () => {
    const deps = 'export const systemClock = { now: () => Date.now() };\nexport const other = () => Date.now();\n';
    expect(clockReads('src/deps.ts', deps)).toEqual(['src/deps.ts:2: Date.now']);
  });
});
