/**
 * The importer's figures: a generated WordPress export of N comments (50,000 by default) imported
 * with the built `tamis` command into a new database file, as an operator would; then the same file
 * again (everything skipped). Prints comments per second and the command's peak resident memory.
 *
 *   npm run bench:import [-- --comments 50000 --keep]
 *
 * The file: 1,000 posts, French and English comments of a few sentences, one in three a reply (up
 * to four levels), 5% spam, 5% pending, 2% trash, 1 pingback in 50; dates over the last two years.
 * `npm run build` runs first (the command is dist/entry/cli.js, run with the heap limits of `npm
 * start`: NODE_HEAP). Written to bench/results/.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './lib';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const SECRET = 'bench-secret-0123456789-0123456789-0123456789';

const SENTENCES = [
  'Merci pour cet article très complet, il éclaire bien le sujet.',
  "Je ne suis pas d'accord avec la conclusion : les chiffres de 2019 disent autre chose.",
  'Thanks for writing this up, the second chart is especially useful.',
  'Le marché du samedi mérite vraiment le détour, surtout pour les fromages.',
  'Could you share the source of the survey mentioned in the third paragraph?',
  'Bravo à la rédaction pour ce travail de fond 👏',
  'On en parlait justement hier au conseil de quartier.',
  'I have lived here for twenty years and never saw the river this high.',
  "Une précision : la piscine n'ouvre qu'à 10 h le dimanche.",
  'Très intéressant, mais il manque le point de vue des commerçants.',
];
const SPAM = 'Buy cheap pills online now, best price guaranteed, visit https://pills.example.com/deal';

/** A deterministic pseudo-random sequence, so that every run imports the same file. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const cdata = (text: string) => `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
const date = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** Writes a WXR file of `total` comments (pingbacks included) to `file`, streamed. */
export async function writeWxr(file: string, total: number, posts = 1000, end = Date.parse('2026-11-01T00:00:00Z')) {
  const out = createWriteStream(file);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((done) => out.once('drain', () => done()));
  const next = random(17);
  await write(
    '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>Bench</title>\n<link>https://bench.example.fr</link>\n<wp:wxr_version>1.2</wp:wxr_version>\n<wp:base_blog_url>https://bench.example.fr</wp:base_blog_url>\n',
  );
  let id = 0;
  for (let post = 1; post <= posts; post++) {
    const count = Math.floor(total / posts) + (post <= total % posts ? 1 : 0);
    await write(
      `<item>\n<title>Article ${post} : le budget &amp; la ville</title>\n<link>https://bench.example.fr/${2020 + (post % 6)}/${String((post % 12) + 1).padStart(2, '0')}/article-${post}/</link>\n<content:encoded>${cdata(`<p>${SENTENCES.join(' ')}</p>`)}</content:encoded>\n<wp:post_id>${post}</wp:post_id>\n<wp:post_name>${cdata(`article-${post}`)}</wp:post_name>\n<wp:post_type>${cdata('post')}</wp:post_type>\n`,
    );
    const ids: { id: number; depth: number }[] = [];
    let time = end - 2 * 365 * 86_400_000 + Math.floor(next() * 365 * 86_400_000);
    for (let i = 0; i < count; i++) {
      id++;
      time += Math.floor(next() * 3_600_000);
      const roll = next();
      const kind = roll < 0.02 ? 'pingback' : 'comment';
      const status = roll < 0.07 ? 'spam' : roll < 0.12 ? '0' : roll < 0.14 ? 'trash' : '1';
      const parent = ids.length > 0 && next() < 0.33 ? ids[Math.floor(next() * ids.length)]! : null;
      const depth = parent && parent.depth < 4 ? parent.depth + 1 : 1;
      const text =
        status === 'spam'
          ? SPAM
          : Array.from(
              { length: 1 + Math.floor(next() * 4) },
              () => SENTENCES[Math.floor(next() * SENTENCES.length)],
            ).join(next() < 0.3 ? '\n\n' : ' ');
      if (kind === 'comment' && depth <= 4) ids.push({ id, depth });
      await write(
        `<wp:comment>\n<wp:comment_id>${id}</wp:comment_id>\n<wp:comment_author>${cdata(`Lecteur ${id % 5000}`)}</wp:comment_author>\n<wp:comment_author_email>${cdata(`lecteur${id % 5000}@exemple.fr`)}</wp:comment_author_email>\n<wp:comment_author_url>${next() < 0.1 ? `https://blog${id % 300}.example.org` : ''}</wp:comment_author_url>\n<wp:comment_author_IP>${cdata(`198.51.${(id >> 8) & 255}.${id & 255}`)}</wp:comment_author_IP>\n<wp:comment_date>${cdata(date(time + 3_600_000))}</wp:comment_date>\n<wp:comment_date_gmt>${cdata(date(time))}</wp:comment_date_gmt>\n<wp:comment_content>${cdata(text)}</wp:comment_content>\n<wp:comment_approved>${cdata(status)}</wp:comment_approved>\n<wp:comment_type>${cdata(kind)}</wp:comment_type>\n<wp:comment_parent>${parent && depth > 1 ? parent.id : 0}</wp:comment_parent>\n<wp:comment_user_id>0</wp:comment_user_id>\n</wp:comment>\n`,
      );
    }
    await write('</item>\n');
  }
  await write('</channel>\n</rss>\n');
  await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
}

export interface ImportRun {
  seconds: number;
  peakRssMiB: number;
  summary: {
    comments: { total: number };
    skipped: Record<string, number>;
    errors: { count: number };
    statements: number;
  };
}

/** The heap limits `npm start` gives the server, given to the command as well. */
export const NODE_HEAP = ['--max-old-space-size=96', '--max-semi-space-size=4'];

/** Runs the built command `tamis import <file> --from <from>` on `database`; its time, peak RSS and summary. */
export function runImport(
  file: string,
  database: string,
  from = 'wordpress',
  extra: string[] = [],
): Promise<ImportRun> {
  // The child reports its own peak resident memory as it exits.
  const report = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss='+process.resourceUsage().maxRSS+'\\n'))`;
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [...NODE_HEAP, '--import', report, join(ROOT, 'dist/entry/cli.js'), 'import', file, '--from', from, ...extra],
      {
        env: { PATH: process.env.PATH!, DATABASE_URL: `file:${database}`, SECRET, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const rss = /maxrss=(\d+)/.exec(stderr);
      if (code !== 0 || !rss) return fail(new Error(`tamis import exited ${code}:\n${stderr}`));
      done({ seconds, peakRssMiB: Number(rss[1]) / 1024, summary: JSON.parse(stdout) });
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const total = Number(option('--comments') ?? 50_000);
  const dir = mkdtempSync(join(tmpdir(), 'tamis-import-bench-'));
  try {
    execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
    const file = join(dir, 'export.xml');
    await writeWxr(file, total);
    const database = join(dir, 'tamis.db');
    const first = await runImport(file, database);
    const again = await runImport(file, database);
    const imported = first.summary.comments.total;
    const result = {
      at: new Date().toISOString(),
      machine: machine(),
      node: NODE_HEAP,
      file: { comments: total, megabytes: +(statSync(file).size / 2 ** 20).toFixed(1) },
      import: {
        imported,
        skipped: first.summary.skipped,
        errors: first.summary.errors.count,
        statements: first.summary.statements,
        seconds: +first.seconds.toFixed(1),
        commentsPerSecond: Math.round(imported / first.seconds),
        peakRssMiB: +first.peakRssMiB.toFixed(0),
      },
      again: {
        imported: again.summary.comments.total,
        alreadyImported: again.summary.skipped.already_imported ?? 0,
        seconds: +again.seconds.toFixed(1),
        peakRssMiB: +again.peakRssMiB.toFixed(0),
      },
      database: { megabytes: +(statSync(database).size / 2 ** 20).toFixed(1) },
    };
    console.log(JSON.stringify(result, null, 2));
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(
      join(ROOT, 'bench/results', `import-${result.at.replace(/[:.]/g, '-')}.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
  } finally {
    if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else console.error(`kept ${dir}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
