import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import type { KeyvStoreAdapter, StoredData } from 'keyv';

/** Keyv's SQLite table, as @keyv/sqlite lays it out, so files written by either read the same. */
const TABLE = 'keyv';
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${TABLE}(key VARCHAR(255) PRIMARY KEY, value TEXT )`;
const SELECT = `SELECT value FROM ${TABLE} WHERE key = ?`;
const SELECT_MANY = `SELECT key, value FROM ${TABLE} WHERE key IN (SELECT value FROM json_each(?))`;
const UPSERT = `INSERT INTO ${TABLE} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`;
const DELETE = `DELETE FROM ${TABLE} WHERE key = ?`;
const DELETE_MANY = `DELETE FROM ${TABLE} WHERE key IN (SELECT value FROM json_each(?))`;
const CLEAR = `DELETE FROM ${TABLE} WHERE key LIKE ?`;
// Keyset pages, not one open cursor: better-sqlite3 refuses every other statement on a
// connection while a cursor is open, and a listing must not stall the clicks around it.
const PAGE = `SELECT key, value FROM ${TABLE} WHERE key LIKE ? AND key > ? ORDER BY key LIMIT ?`;
const PAGE_SIZE = 1000;

export interface SqliteAdapterOptions {
  /** How long a statement waits for another process's write lock before failing, in ms. */
  readonly busyTimeout?: number;
}

/** Resolves on the event loop's next turn, after the I/O and timers that are due (see `SqliteAdapter`). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function keyValueRows(rows: unknown[]): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [];
  for (const row of rows) {
    if (typeof row !== 'object' || row === null || !('key' in row) || !('value' in row)) continue;
    const key = text(row.key);
    const value = text(row.value);
    if (key !== undefined && value !== undefined) out.push({ key, value });
  }
  return out;
}

/**
 * Keyv's SQLite store on better-sqlite3: every statement runs on the event loop's own
 * thread, prepared once. @keyv/sqlite's driver (sqlite3) runs each statement on libuv's
 * thread pool and prepares it again each time; on an idle process the two thread hops
 * cost an answer click ~0.25 ms of its ~1 ms (see bench/RESULTS.md and the issue 8 note).
 *
 * A statement blocks the loop while it runs (tens of µs for one record) and, when another
 * process holds the file's write lock, while it waits for it, up to `busyTimeout`. Only
 * one process owns the store (lease.ts), so the wait is another process's short lease
 * statement; a second `npm start` never writes records.
 *
 * Every call still answers on a later turn of the event loop (`answer`), as sqlite3's did
 * and as Redis's does: the statement runs (and a write commits) at once, and its promise
 * settles after a `setImmediate`. Settled at once instead, `await store.update()` would
 * go on in the same macrotask, so a caller that writes in a loop would never let the
 * loop run: no timers (the lease's renewal, the store's own timeouts), no socket reads,
 * and no flush of stdout once its socket was full (the durability test's writer went on
 * committing thousands of writes a second while none of its output left the process).
 * The turn costs a few µs on an idle loop.
 */
export class SqliteAdapter extends EventEmitter implements KeyvStoreAdapter {
  // Keyv reads `opts.dialect` to know the store can list its keys (its iterator).
  readonly opts: { readonly dialect: 'sqlite'; readonly url: string };
  namespace?: string | undefined;
  private readonly db: Database.Database | undefined;
  private readonly openError: unknown;
  private readonly statements = new Map<string, Database.Statement<unknown[], unknown>>();

  constructor(file: string, options: SqliteAdapterOptions = {}) {
    super();
    this.opts = { dialect: 'sqlite', url: `sqlite://${file}` };
    // A file that cannot be opened fails the first statement, reported through
    // 'error' like every other store failure, instead of throwing from a constructor.
    try {
      const db = new Database(file, { timeout: options.busyTimeout ?? 5000 });
      db.exec(CREATE_TABLE);
      this.db = db;
    } catch (error) {
      this.openError = error;
    }
  }

  private statement(sql: string): Database.Statement<unknown[], unknown> {
    if (this.db === undefined) {
      this.emit('error', this.openError);
      throw this.openError;
    }
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `run` now and settles with its outcome on the event loop's next turn (see above). */
  private async answer<T>(run: () => T): Promise<T> {
    try {
      return run();
    } finally {
      await nextTurn();
    }
  }

  /** One statement with `?` parameters: its rows, or none for a statement that returns none. */
  query(sql: string, ...parameters: unknown[]): Promise<unknown[]> {
    return this.answer(() => {
      const statement = this.statement(sql);
      if (statement.reader) return statement.all(...parameters);
      statement.run(...parameters);
      return [];
    });
  }

  // Keyv's adapter type promises a `Value`; like every adapter this hands back the stored
  // text, which Keyv deserialises (open-keyv.ts) and the store validates with its schema.
  get<Value>(key: string): Promise<StoredData<Value> | undefined>;
  get(key: string): Promise<string | undefined> {
    return this.answer(() => {
      const row = this.statement(SELECT).get(key);
      if (typeof row !== 'object' || row === null || !('value' in row)) return undefined;
      return text(row.value);
    });
  }

  getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>>;
  getMany(keys: string[]): Promise<Array<string | undefined>> {
    return this.answer(() => {
      const rows = keyValueRows(this.statement(SELECT_MANY).all(JSON.stringify(keys)));
      const byKey = new Map(rows.map((row) => [row.key, row.value]));
      return keys.map((key) => byKey.get(key));
    });
  }

  set(key: string, value: unknown): Promise<void> {
    return this.answer(() => {
      // Keyv hands over the text its serialiser made.
      this.statement(UPSERT).run(key, text(value) ?? JSON.stringify(value));
    });
  }

  delete(key: string): Promise<boolean> {
    return this.answer(() => this.statement(DELETE).run(key).changes > 0);
  }

  deleteMany(keys: string[]): Promise<boolean> {
    return this.answer(() => this.statement(DELETE_MANY).run(JSON.stringify(keys)).changes > 0);
  }

  clear(): Promise<void> {
    return this.answer(() => {
      this.statement(CLEAR).run(this.namespace ? `${this.namespace}:%` : '%');
    });
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  iterator<Value>(namespace?: string): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void>;
  async *iterator(namespace?: string): AsyncGenerator<string[], void> {
    const pattern = `${namespace ? `${namespace}:` : ''}%`;
    let after = '';
    for (;;) {
      const rows = keyValueRows(this.statement(PAGE).all(pattern, after, PAGE_SIZE));
      for (const row of rows) yield [row.key, row.value];
      const last = rows.at(-1);
      if (last === undefined || rows.length < PAGE_SIZE) return;
      after = last.key;
      // Let the clicks queued behind a long listing run between pages.
      await nextTurn();
    }
  }

  async disconnect(): Promise<void> {
    this.db?.close();
  }
}
