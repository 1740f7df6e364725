/**
 * npm run test:crash — kill -9 the real server in the middle of a stream of submissions, restart
 * it, and check that every comment answered 201 is in the database file and that the file passes
 * `PRAGMA integrity_check`. Prints the figures; exits 1 when anything acknowledged is missing,
 * when any request got a 5xx, or when the file is damaged.
 *
 *   npm run test:crash                  # 5 rounds, 24 concurrent clients
 *   CRASH_ROUNDS=20 npm run test:crash
 */
import { runCrashTest } from '../tests/node/crash';

const rounds = Number(process.env.CRASH_ROUNDS ?? 5);
const clients = Number(process.env.CRASH_CLIENTS ?? 24);

const figures = await runCrashTest({ rounds, clients, killAfterMs: [1000, 4000], log: (line) => console.log(line) });
console.log(figures.ok ? 'crash test: OK' : 'crash test: FAILED');
process.exit(figures.ok ? 0 : 1);
