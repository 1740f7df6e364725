/**
 * What one request asks of D1 and of the CPU, measured against Cloudflare's published limits
 * (D1 and Workers "Limits" pages): queries per invocation (50 Free, 1,000 Paid; each statement of a
 * batch counts), bound parameters per query (100), SQL text per statement (100 KB), CPU per request
 * (10 ms Free). The local D1 of wrangler dev and vitest-pool-workers enforces none of them, so the
 * Workers tests wrap the binding with `meteredD1` (tests/workers/limits.setup.ts fails a test whose
 * request crosses a Paid limit) and `wrangler dev` does too when DEBUG_LIMITS is set (worker.ts logs
 * each request's cost). Hand-written: a few lines around the binding's four methods, no library does it.
 */

export const LIMITS = {
  free: { statements: 50, params: 100, sqlBytes: 100_000, cpuMs: 10 },
  paid: { statements: 1000, params: 100, sqlBytes: 100_000, cpuMs: 300_000 },
} as const;

/** One request's cost, background work (waitUntil) included. */
export interface Cost {
  /** Statements sent to D1: one per query, one per statement of a batch. */
  statements: number;
  /** Round trips to D1 (a batch is one). */
  calls: number;
  /** The most bound parameters of one statement. */
  maxParams: number;
  /** The longest SQL text of one statement, in UTF-8 bytes. */
  maxSqlBytes: number;
  /** From the start of the request to the end of its last background task. */
  wallMs: number;
  /** Of which at least one D1 call was in flight. */
  d1Ms: number;
  /**
   * wallMs − d1Ms: time the isolate was running or waiting on something else than D1; an upper
   * bound of the CPU time (workerd's clock advances at I/O; locally it is the wall clock, 1 ms steps).
   */
  cpuMs: number;
}

/** The limits of `plan` a cost crosses, named (empty when it fits). */
export function crossed(cost: Cost, plan: keyof typeof LIMITS): string[] {
  const limit = LIMITS[plan];
  const over: string[] = [];
  if (cost.statements > limit.statements) over.push(`${cost.statements} statements > ${limit.statements}`);
  if (cost.maxParams > limit.params) over.push(`${cost.maxParams} bound parameters > ${limit.params}`);
  if (cost.maxSqlBytes > limit.sqlBytes) over.push(`${cost.maxSqlBytes} bytes of SQL > ${limit.sqlBytes}`);
  if (cost.cpuMs > limit.cpuMs) over.push(`${cost.cpuMs} ms > ${limit.cpuMs} ms`);
  return over;
}

const encoder = new TextEncoder();

/**
 * A meter for one request. Open from `open()` until `close()` and every task it `hold`s has settled;
 * the binding's statements count toward every meter open while they are sent (exact when requests do
 * not overlap, an upper bound when they do: workerd without nodejs_compat has no async context).
 */
export class Meter {
  statements = 0;
  calls = 0;
  maxParams = 0;
  maxSqlBytes = 0;
  private readonly started = performance.now();
  private d1Ms = 0;
  private inFlight = 0;
  private since = 0;
  private holds = 1;
  private done: (cost: Cost) => void = () => undefined;
  /** Resolves with the cost once the request and its background work are over. */
  readonly cost = new Promise<Cost>((resolve) => {
    this.done = resolve;
  });

  constructor(private readonly meters: Set<Meter>) {
    meters.add(this);
  }

  sent(sql: string, params: number) {
    this.statements++;
    if (params > this.maxParams) this.maxParams = params;
    if (sql.length > this.maxSqlBytes / 3) {
      const bytes = encoder.encode(sql).byteLength;
      if (bytes > this.maxSqlBytes) this.maxSqlBytes = bytes;
    }
  }

  callStarted() {
    this.calls++;
    if (this.inFlight++ === 0) this.since = performance.now();
  }

  callEnded() {
    if (--this.inFlight === 0) this.d1Ms += performance.now() - this.since;
  }

  /** Keeps the meter open until `work` settles (a request's background work, a streamed body). */
  hold(work: Promise<unknown>) {
    this.holds++;
    void work.finally(() => this.close()).catch(() => undefined);
  }

  /** The request answered (or a held task ended): the meter closes with the last of them. */
  close() {
    if (--this.holds > 0) return;
    this.meters.delete(this);
    const wallMs = performance.now() - this.started;
    this.done({
      statements: this.statements,
      calls: this.calls,
      maxParams: this.maxParams,
      maxSqlBytes: this.maxSqlBytes,
      wallMs,
      d1Ms: this.d1Ms,
      cpuMs: Math.max(0, wallMs - this.d1Ms),
    });
  }
}

type Statement = D1PreparedStatement & {
  readonly inner: D1PreparedStatement;
  readonly sql: string;
  readonly params: number;
};

/**
 * The binding, counting into the open meters. `meters` is the set `new Meter(meters)` joins; the
 * statements drizzle prepares are wrapped, and unwrapped again for `batch`.
 */
export function meteredD1(binding: D1Database, meters: Set<Meter>): D1Database {
  const track = async <T>(statements: Statement[], call: () => Promise<T>): Promise<T> => {
    const open = [...meters];
    for (const m of open) {
      for (const s of statements) m.sent(s.sql, s.params);
      m.callStarted();
    }
    try {
      return await call();
    } finally {
      for (const m of open) m.callEnded();
    }
  };
  const wrap = (inner: D1PreparedStatement, sql: string, params: number): Statement => {
    const s: Statement = {
      inner,
      sql,
      params,
      bind: (...values: unknown[]) => wrap(inner.bind(...values), sql, values.length),
      first: ((col?: string) =>
        track([s], () => (col === undefined ? inner.first() : inner.first(col)))) as Statement['first'],
      run: (() => track([s], () => inner.run())) as Statement['run'],
      all: (() => track([s], () => inner.all())) as Statement['all'],
      raw: ((options?: { columnNames?: boolean }) =>
        track([s], () => inner.raw(options as { columnNames?: false }))) as Statement['raw'],
    } as Statement;
    return s;
  };
  return {
    prepare: (sql: string) => wrap(binding.prepare(sql), sql, 0),
    batch: ((statements: Statement[]) =>
      track(statements, () => binding.batch(statements.map((s) => s.inner)))) as D1Database['batch'],
    exec: (sql: string) => track([{ sql, params: 0 } as Statement], () => binding.exec(sql)),
    withSession: (c?: D1SessionBookmark | D1SessionConstraint) => binding.withSession(c),
    dump: () => binding.dump(),
  } as D1Database;
}
