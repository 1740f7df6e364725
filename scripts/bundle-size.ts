/**
 * Smoke test of the Workers build, run first by `npm test`:
 *
 *   npx tsx scripts/bundle-size.ts [--outdir DIR] [--limit-kib 350]
 *
 * `wrangler deploy --dry-run` bundles src/entry/worker.ts with wrangler.toml as it would deploy it
 * (minified, no nodejs_compat). Fails when the build fails, when the bundle still imports a `node:*`
 * module, or when the gzipped bundle exceeds the limit (350 KiB by default; docs/edge.md says what it
 * holds). Prints the sizes.
 * Also prints the reader's widget (/embed.js, scripts/build-widget.ts) gzipped, and fails over its
 * budget of 15 KiB.
 * Also fails when the `Env` of worker-configuration.d.ts no longer matches wrangler.toml
 * (regenerate it with `npm run types:edge`).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildWidget } from './build-widget';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const limitKiB = Number(option('--limit-kib') ?? 350);
/** The reader's widget, with its CSS (issue: ≤ 15 KiB gzipped). */
const WIDGET_BUDGET_KIB = 15;
const keep = option('--outdir');
const outdir = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), 'tamis-edge-'));

class Failure extends Error {}
const fail = (message: string): never => {
  throw new Failure(message);
};

const wrangler = (...argv: string[]) =>
  spawnSync(join(root, 'node_modules', '.bin', 'wrangler'), argv, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
  });

/**
 * The Env that `wrangler types` makes of wrangler.toml now, against the committed one. Generated
 * from a copy of wrangler.toml in a scratch folder, so that a developer's .dev.vars does not count.
 */
function checkEnvTypes() {
  const scratch = mkdtempSync(join(tmpdir(), 'tamis-types-'));
  try {
    copyFileSync(join(root, 'wrangler.toml'), join(scratch, 'wrangler.toml'));
    const out = join(scratch, 'env.d.ts');
    const run = wrangler(
      'types',
      out,
      '-c',
      join(scratch, 'wrangler.toml'),
      '--strict-vars=false',
      '--include-runtime=false',
    );
    if (run.status !== 0) fail(`wrangler types failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    const envBlock = (text: string) => /\binterface Env \{[^}]*\}/.exec(text)?.[0];
    const wanted = envBlock(readFileSync(out, 'utf8'));
    const committed = envBlock(readFileSync(join(root, 'worker-configuration.d.ts'), 'utf8'));
    if (!wanted || wanted !== committed) {
      fail(
        `worker-configuration.d.ts does not match wrangler.toml: run \`npm run types:edge\`.\nExpected:\n${wanted}\nFound:\n${committed}`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  checkEnvTypes();
  const run = wrangler('deploy', '--dry-run', '--outdir', outdir);
  if (run.status !== 0) fail(`wrangler deploy --dry-run failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);

  // The modules wrangler would upload (source maps and its README aside).
  const modules = readdirSync(outdir).filter(
    (f) => !f.endsWith('.map') && f !== 'README.md' && statSync(join(outdir, f)).isFile(),
  );
  if (!modules.length) fail(`no bundle in ${outdir}`);
  let raw = 0;
  let gzip = 0;
  for (const file of modules) {
    const bytes = readFileSync(join(outdir, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
    const nodeImport = bytes.toString('utf8').match(/(?:from\s*|import\s*\(?\s*|require\s*\(\s*)["']node:[\w/]+["']/);
    if (nodeImport) fail(`${file} imports a Node module (${nodeImport[0]}): only src/entry/node*.ts may use node:*`);
  }
  const reported = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(run.stdout);
  const gzipKiB = Math.max(gzip / 1024, reported ? Number(reported[2]) : 0);
  process.stdout.write(
    `Workers bundle (${modules.join(', ')}): ${(raw / 1024).toFixed(1)} KiB, gzip ${gzipKiB.toFixed(1)} KiB` +
      ` (limit ${limitKiB} KiB)${reported ? `; wrangler reports ${reported[1]} KiB / gzip ${reported[2]} KiB` : ''}\n`,
  );
  if (gzipKiB > limitKiB) fail(`the gzipped bundle is ${gzipKiB.toFixed(1)} KiB, over the ${limitKiB} KiB limit`);

  const widget = Buffer.from((await buildWidget()).code);
  const widgetKiB = gzipSync(widget, { level: 9 }).length / 1024;
  process.stdout.write(
    `Widget /embed.js: ${(widget.length / 1024).toFixed(1)} KiB, gzip ${widgetKiB.toFixed(1)} KiB (budget ${WIDGET_BUDGET_KIB} KiB)\n`,
  );
  if (widgetKiB > WIDGET_BUDGET_KIB)
    fail(`/embed.js is ${widgetKiB.toFixed(1)} KiB gzipped, over its ${WIDGET_BUDGET_KIB} KiB budget`);
} catch (error) {
  process.stderr.write(
    `bundle-size: ${error instanceof Failure ? error.message : error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exitCode = 1;
} finally {
  if (!keep) rmSync(outdir, { recursive: true, force: true });
}
