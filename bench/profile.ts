/**
 * npm run bench:profile -- <scenario>: runs one scenario against a server started with
 * `node --cpu-prof`, then prints the functions with the most self time.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTamis } from './lib';
import { scenarios, seedSmall } from './run';

const only = process.argv[2] ?? 'thread';
const dir = mkdtempSync(join(tmpdir(), 'tamis-prof-'));
const { thread, countIds } = await seedSmall(join(dir, 'tamis.db'));
const server = await startTamis(join(dir, 'tamis.db'), 18790, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
await scenarios(server.url, server.pid, thread, countIds, [only]);
await server.stop();

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
