/**
 * Preloaded into the server (`node --import`) by `npm run bench:profile -- <scenario> statements`:
 * times every statement the libsql driver runs on the main thread and, when the server is stopped,
 * writes to STATEMENT_TIMES_FILE each SQL text with its count and times (JSON).
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const Database = createRequire(`${process.cwd()}/package.json`)('libsql');
const times = new Map();
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (sql) {
  const statement = prepare.call(this, sql);
  const key = sql.replace(/\s+/g, ' ').trim();
  for (const method of ['run', 'all', 'get']) {
    const original = statement[method];
    statement[method] = function (...args) {
      const start = process.hrtime.bigint();
      try {
        return original.apply(this, args);
      } finally {
        const list = times.get(key) ?? [];
        list.push(Number(process.hrtime.bigint() - start) / 1000);
        times.set(key, list);
      }
    };
  }
  return statement;
};
process.once('SIGTERM', () => {
  writeFileSync(process.env.STATEMENT_TIMES_FILE, JSON.stringify(Object.fromEntries(times)));
  process.exit(0);
});
