/**
 * The layers of src/, as the build enforces them (`npm run lint:layers`, run by `npm test`).
 * tests/unit/layers.test.ts shows each rule failing on a deliberate violation
 * (tests/fixtures/layers/), so a rule that no longer matches anything cannot pass unnoticed.
 * The clock rule is not an import and is checked there too, with the TypeScript compiler.
 *
 * Paths are relative to the directory the cruise starts from (the repository, or a fixture).
 */

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'spam-is-pure',
      severity: 'error',
      comment:
        'spam/ holds pure checks, (features, context, settings) -> signals: it reaches neither the database, ' +
        'the services, HTTP nor the platform (deps.ts), not even through another module. The service gathers the context.',
      from: { path: '^src/spam/' },
      to: { path: '^src/(db/|services/|http/|entry/|deps\\.ts$|app\\.ts$)', reachable: true },
    },
    {
      name: 'services-below-http',
      severity: 'error',
      comment:
        'services/ say what happens, whoever asks (a route, a command, a background task): they throw DomainError ' +
        '(src/errors.ts), never ApiError, and take values the route validated, never request schemas.',
      from: { path: '^src/services/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'node-only-in-entry',
      severity: 'error',
      comment:
        "Node's own modules only in the Node entry (src/entry/node*.ts): the rest of src/, the Workers entry " +
        'included, runs on Workers too, where the platform hands its services in through deps (crypto, storage ' +
        'scrubbing, the peer address).',
      from: { path: '^src/', pathNot: '^src/entry/node[^/]*\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'sql-only-in-db',
      severity: 'error',
      comment:
        'drizzle (query builders, sql`` templates, raw statements) only in db/: services call query functions ' +
        'taking (db, …) and pass the statements they return (db/batch.ts Statement) to runBatch.',
      from: { path: '^src/', pathNot: '^src/(db|entry)/' },
      to: { path: '(^|/)node_modules/drizzle-orm/' },
    },
    {
      name: 'drivers-only-in-entry',
      severity: 'error',
      comment:
        'The database drivers (libSQL, D1) only in entry/, which picks one and hands the app a Db (db/database.ts). ' +
        'entry/ may use the drivers, not drizzle queries: those are in db/ with the others.',
      from: { path: '^src/', pathNot: '^src/entry/' },
      to: { path: '(^|/)node_modules/(@libsql/client|libsql|drizzle-orm/(libsql|d1))/' },
    },
    {
      name: 'entry-queries-in-db',
      severity: 'error',
      comment:
        'entry/ picks a driver (drizzle-orm/libsql, drizzle-orm/d1 and their migrators); its queries live in db/ like every other.',
      from: { path: '^src/entry/' },
      to: { path: '(^|/)node_modules/drizzle-orm/', pathNot: '(^|/)node_modules/drizzle-orm/(libsql|d1)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import the cruise cannot resolve would escape every rule above.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
