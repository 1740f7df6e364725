import {
  LibsqlError,
  type Client,
  type InArgs,
  type InStatement,
  type InValue,
  type ResultSet,
  type Row,
  type TransactionMode,
} from '@libsql/client';
import { closeSync, fdatasync, openSync } from 'node:fs';
import Database from 'libsql';

/**
 * A libSQL client for a local database file (or `:memory:`) that keeps its prepared statements.
 *
 * `@libsql/client` prepares every statement anew, and finds out whether it returns rows by letting
 * it throw. On a short indexed query, preparing is the larger part of the cost. This client keeps
 * up to MAX_STATEMENTS statements by their SQL text, with what it learned about them (whether they
 * return rows, their column names), and answers like `@libsql/client` does: rows whose column
 * names are their own enumerable properties and whose indices come from their prototype (drizzle
 * reads both), integers as numbers, blobs as ArrayBuffers.
 *
 * It has one connection and runs everything synchronously (as the driver does), which is what the
 * Node entry wants: see node-db.ts. Interactive transactions are not offered (the app writes with
 * batches, D1 has no interactive transactions either).
 *
 * Durability without holding the main thread: on a database in WAL mode, syncWal() sets
 * `synchronous = NORMAL` (SQLite syncs the WAL only at checkpoints) and this client syncs the WAL
 * itself after each commit, in libuv's thread pool (FileSync), before the write's promise resolves:
 * what `synchronous = FULL` does, without the main thread waiting for the disk meanwhile. A write is
 * answered only once it is on disk, as before; other requests run during the sync.
 */

/**
 * Flushes one file's data to disk (fdatasync) in libuv's thread pool, through a descriptor opened
 * once and kept: one trip to the pool and back per sync. Opening, syncing and closing the file each
 * time took three trips, and each trip back waits until the event loop reaches it, behind the
 * requests that came in meanwhile. A file that does not exist (yet) has nothing to flush.
 *
 * Keeping the WAL's descriptor is safe: SQLite removes the WAL only when its last connection
 * closes, and this client's connection is open while it syncs; a checkpoint that truncates the WAL
 * keeps the same file.
 */
export class FileSync {
  private fd: number | null = null;
  /** Syncs under way: the descriptor is closed only once they are over. */
  private inFlight = 0;
  private closed = false;

  constructor(private readonly path: string) {}

  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.path} is no longer synced: its client was closed`));
    if (this.fd === null) {
      try {
        this.fd = openSync(this.path, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve();
        return Promise.reject(error);
      }
    }
    this.inFlight++;
    return new Promise((resolve, reject) => {
      fdatasync(this.fd!, (error) => {
        this.inFlight--;
        this.release();
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /** Closes the descriptor, once the syncs under way are over. */
  close() {
    this.closed = true;
    this.release();
  }

  private release() {
    if (!this.closed || this.inFlight > 0 || this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

const MAX_STATEMENTS = 256;
/** A statement that cannot write. */
const READ_ONLY = /^\s*select\b/i;
const VALUES = Symbol('values');

interface Prepared {
  statement: Database.Statement;
  /** Column names, when the statement returns rows. */
  columns: string[] | null;
  /** Each name once, with the index of its first column (a join may repeat a name). */
  names: [name: string, index: number][];
  /** Rows of this statement inherit their indices and length from here. */
  rowPrototype: object | null;
}

type Values = unknown[];
type Statements = Array<InStatement | [string, InArgs?]>;
type IndexedRow = Record<string | symbol, unknown> & { [VALUES]: Values };

function rowPrototype(count: number): object {
  const proto = {};
  Object.defineProperty(proto, 'length', { value: count });
  for (let i = 0; i < count; i++) {
    Object.defineProperty(proto, i, {
      get(this: IndexedRow) {
        return this[VALUES][i];
      },
    });
  }
  return proto;
}

function toSql(value: InValue | undefined): unknown {
  if (value === undefined) throw new TypeError('undefined cannot be passed as argument to the database');
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  return value;
}

function fromSql(value: unknown): unknown {
  if (value instanceof Buffer) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value;
}

function bindings(args: InArgs | undefined): unknown[] | Record<string, unknown> {
  if (args === undefined) return [];
  if (Array.isArray(args)) return args.map(toSql);
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) named[/^[@$:]/.test(name) ? name.slice(1) : name] = toSql(value);
  return named;
}

function resultSet(
  columns: string[],
  rows: Row[],
  rowsAffected: number,
  lastInsertRowid: bigint | undefined,
): ResultSet {
  return {
    columns,
    columnTypes: columns.map(() => ''),
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON: () => ({
      columns,
      rows: rows.map((row) => Array.from(row as unknown as ArrayLike<unknown>)),
      rowsAffected,
      lastInsertRowid: lastInsertRowid?.toString() ?? null,
    }),
  };
}

class FileClient {
  readonly protocol = 'file';
  closed = false;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Prepared>();
  /** Batches waiting for the end of this turn of the event loop (see batch). */
  private queued: { stmts: Statements; resolve: (results: ResultSet[]) => void; reject: (error: unknown) => void }[] =
    [];

  /** Syncs the WAL after each commit, once syncWal() found the database in WAL mode. */
  private wal: Pick<FileSync, 'sync' | 'close'> | null = null;

  constructor(
    private readonly path: string,
    timeoutMs: number,
    private readonly flush?: (path: string) => Promise<void>,
  ) {
    this.db = new Database(path, { timeout: timeoutMs } as Database.Options);
  }

  /**
   * Sets the connection's durability, once its journal mode is set: in WAL mode, `synchronous =
   * NORMAL` and each commit synced by this client from now on (see above); otherwise SQLite's own
   * `synchronous = FULL`. Returns whether this client syncs the WAL.
   */
  syncWal(): boolean {
    const { journal_mode: mode } = this.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string };
    this.wal?.close();
    this.wal = null;
    if (mode === 'wal') {
      const path = `${this.path}-wal`;
      const { flush } = this;
      this.wal = flush ? { sync: () => flush(path), close: () => {} } : new FileSync(path);
    }
    this.db.exec(`PRAGMA synchronous = ${this.wal ? 'NORMAL' : 'FULL'}`);
    return this.wal !== null;
  }

  /** Resolves once what was committed before the call is on disk. */
  private durable(): Promise<void> {
    return this.wal ? this.wal.sync() : Promise.resolve();
  }

  private prepare(sql: string): Prepared {
    const known = this.statements.get(sql);
    if (known) return known;
    const statement = this.db.prepare(sql);
    const columns = statement.reader ? statement.columns().map((c) => c.name) : null;
    if (columns) statement.raw(true);
    const names = (columns ?? [])
      .map((name, index): [string, number] => [name, index])
      .filter(([name], index, all) => all.findIndex(([n]) => n === name) === index);
    const prepared = { statement, columns, names, rowPrototype: columns ? rowPrototype(columns.length) : null };
    if (this.statements.size >= MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
    this.statements.set(sql, prepared);
    return prepared;
  }

  private run(stmt: InStatement | [string, InArgs?]): ResultSet {
    if (this.closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED');
    const [sql, args] =
      typeof stmt === 'string' ? [stmt, undefined] : Array.isArray(stmt) ? stmt : [stmt.sql, stmt.args];
    const prepared = this.prepare(sql);
    try {
      const { statement, columns, names, rowPrototype: proto } = prepared;
      if (!columns || !proto) {
        const info = statement.run(bindings(args));
        return resultSet([], [], info.changes, BigInt(info.lastInsertRowid));
      }
      const rows = (statement.all(bindings(args)) as Values[]).map((raw) => {
        const values = raw.map(fromSql);
        const row = Object.create(proto) as IndexedRow;
        Object.defineProperty(row, VALUES, { value: values }); // not enumerable: spreads and JSON leave it out
        for (const [name, index] of names) row[name] = values[index];
        return row as unknown as Row;
      });
      return resultSet(columns, rows, 0, undefined);
    } catch (error) {
      // A statement that failed may be left half-run: it is not used again.
      this.statements.delete(sql);
      throw error;
    }
  }

  async execute(stmt: InStatement | string, args?: InArgs): Promise<ResultSet> {
    const statement: InStatement | [string, InArgs?] = typeof stmt === 'string' ? [stmt, args] : stmt;
    const result = this.run(statement);
    // Anything but a SELECT may have written (RETURNING included), committed on its own
    // (autocommit): on disk before it is answered.
    const sql = Array.isArray(statement) ? statement[0] : statement.sql;
    if (!READ_ONLY.test(sql) && !this.db.inTransaction) await this.durable();
    return result;
  }

  /**
   * All or nothing, as @libsql/client's batch: a failed statement undoes the ones before it.
   *
   * Group commit: batches that arrive in the same turn of the event loop (requests whose bodies came
   * in together) are written in one transaction, each inside its own savepoint, so that they share
   * one commit and one sync of the WAL (about a third of a one-row write, in the thread pool). Each
   * still succeeds or fails alone, and none is answered before the sync that makes it durable.
   */
  async batch(stmts: Statements, mode: TransactionMode = 'deferred'): Promise<ResultSet[]> {
    if (mode === 'read') return this.inTransaction(stmts, 'BEGIN TRANSACTION READONLY', false);
    return new Promise((resolve, reject) => {
      this.queued.push({ stmts, resolve, reject });
      if (this.queued.length === 1) setImmediate(() => this.commitQueued());
    });
  }

  private commitQueued() {
    const group = this.queued;
    this.queued = [];
    const outcomes: ({ results: ResultSet[] } | { error: unknown })[] = [];
    try {
      this.run('BEGIN IMMEDIATE');
      for (const { stmts } of group) {
        this.run('SAVEPOINT batch');
        try {
          outcomes.push({ results: stmts.map((stmt) => this.run(stmt)) });
          this.run('RELEASE batch');
        } catch (error) {
          if (!this.db.inTransaction) throw error; // the whole transaction is gone, not just this batch
          this.run('ROLLBACK TO batch');
          this.run('RELEASE batch');
          outcomes.push({ error });
        }
      }
      this.run('COMMIT');
    } catch (error) {
      if (!this.closed && this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const { reject } of group) reject(error);
      return;
    }
    this.durable().then(
      () =>
        group.forEach(({ resolve, reject }, i) => {
          const outcome = outcomes[i]!;
          if ('error' in outcome) reject(outcome.error);
          else resolve(outcome.results);
        }),
      (error: unknown) => {
        // Committed, but not known to be on disk: not answered as stored.
        for (const { reject } of group) reject(error);
      },
    );
  }

  private async inTransaction(stmts: Statements, begin: string, writes = true): Promise<ResultSet[]> {
    let results: ResultSet[];
    this.run(begin);
    try {
      results = stmts.map((stmt) => this.run(stmt));
      this.run('COMMIT');
    } finally {
      if (!this.closed && this.db.inTransaction) this.db.exec('ROLLBACK');
    }
    // After the transaction is over: while the sync runs, another one may begin.
    if (writes) await this.durable();
    return results;
  }

  /** The migrator's batch: foreign keys off while the schema changes; statements prepared before are dropped. */
  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    this.statements.clear();
    this.db.exec('PRAGMA foreign_keys = OFF');
    try {
      // Not awaited here: the transaction is over when this returns, and the foreign keys go back on
      // before the sync, which another transaction may overlap (the pragma is a no-op inside one).
      return this.inTransaction(stmts, 'BEGIN DEFERRED');
    } finally {
      this.db.exec('PRAGMA foreign_keys = ON');
      this.statements.clear();
    }
  }

  async executeMultiple(sql: string): Promise<void> {
    this.statements.clear();
    this.db.exec(sql);
    await this.durable();
  }

  async transaction(): Promise<never> {
    throw new LibsqlError('Interactive transactions are not offered by this client: use batch()', 'TRANSACTION_CLOSED');
  }

  async sync(): Promise<never> {
    throw new LibsqlError('A local file has nothing to sync', 'SYNC_NOT_SUPPORTED');
  }

  reconnect() {
    throw new LibsqlError('Open a new client instead', 'RECONNECT_NOT_SUPPORTED');
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.db.close();
    this.wal?.close();
  }
}

/** The client, and its syncWal() for node-db.ts. */
export type FileDatabaseClient = Client & Pick<FileClient, 'syncWal'>;

/** `path`: a file path, or ':memory:'. `flush`: how the WAL is synced after a commit, in place of a FileSync (tests watch it). */
export function createFileClient(
  path: string,
  timeoutMs: number,
  flush?: (path: string) => Promise<void>,
): FileDatabaseClient {
  return new FileClient(path, timeoutMs, flush) as unknown as FileDatabaseClient;
}
