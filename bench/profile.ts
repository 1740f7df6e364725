/**
 * npm run bench:profile -- <scenario>: runs one scenario against a server started with
 * `node --cpu-prof`, then prints the functions with the most self time.
 *
 * npm run bench:profile -- <scenario> statements: times every statement the driver runs instead
 * (bench/statement-times.mjs), then prints the statements that took the most time in all, with
 * their count, median, p99, longest and how many took over 5 ms (the main thread held that long).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { quantile, startTamis } from './lib';
import { scenarios, seedSmall } from './run';

const only = process.argv[2] ?? 'thread';
const statements = process.argv[3] === 'statements';
const dir = mkdtempSync(join(tmpdir(), 'tamis-prof-'));
const { thread, countIds } = await seedSmall(join(dir, 'tamis.db'));
const timesFile = join(dir, 'statements.json');
process.env.STATEMENT_TIMES_FILE = timesFile;
const server = await startTamis(
  join(dir, 'tamis.db'),
  18790,
  statements ? ['--import', resolve('bench/statement-times.mjs')] : ['--cpu-prof', `--cpu-prof-dir=${dir}`],
);
await scenarios(server.url, server.pid, thread, countIds, [only]);
await server.stop();

if (statements) {
  const times = JSON.parse(readFileSync(timesFile, 'utf8')) as Record<string, number[]>;
  const rows = Object.entries(times).map(([sql, list]) => {
    const sorted = list.sort((a, b) => a - b);
    const at = (q: number) => quantile(sorted, q);
    return {
      sql,
      n: list.length,
      total: list.reduce((a, b) => a + b, 0),
      p50: at(0.5),
      p99: at(0.99),
      max: at(1),
      over5ms: list.filter((t) => t > 5000).length,
    };
  });
  console.log('     n   total ms    p50 µs    p99 µs    max µs  >5 ms  statement');
  for (const r of rows.sort((a, b) => b.total - a.total).slice(0, 12)) {
    const cells = [r.n, (r.total / 1000).toFixed(0), r.p50.toFixed(0), r.p99.toFixed(0), r.max.toFixed(0)].map((c, i) =>
      String(c).padStart(i ? 10 : 6),
    );
    console.log(`${cells.join('')} ${String(r.over5ms).padStart(6)}  ${r.sql.slice(0, 90)}`);
  }
  process.exit(0);
}

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number };
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: Node[] };
const self = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  const where = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/main\//, '')}:${n.callFrame.lineNumber + 1}`;
  self.set(where, (self.get(where) ?? 0) + n.hitCount);
  total += n.hitCount;
}
for (const [where, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
  console.log(`${((100 * hits) / total).toFixed(1).padStart(5)} %  ${where}`);
console.log(`profile: ${join(dir, file)}`);
