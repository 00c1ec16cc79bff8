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

  /** One statement with `?` parameters: its rows, or none for a statement that returns none. */
  async query(sql: string, ...parameters: unknown[]): Promise<unknown[]> {
    const statement = this.statement(sql);
    if (statement.reader) return statement.all(...parameters);
    statement.run(...parameters);
    return [];
  }

  // Keyv's adapter type promises a `Value`; like every adapter this hands back the stored
  // text, which Keyv deserialises (open-keyv.ts) and the store validates with its schema.
  get<Value>(key: string): Promise<StoredData<Value> | undefined>;
  async get(key: string): Promise<string | undefined> {
    const row = this.statement(SELECT).get(key);
    if (typeof row !== 'object' || row === null || !('value' in row)) return undefined;
    return text(row.value);
  }

  getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>>;
  async getMany(keys: string[]): Promise<Array<string | undefined>> {
    const rows = keyValueRows(this.statement(SELECT_MANY).all(JSON.stringify(keys)));
    const byKey = new Map(rows.map((row) => [row.key, row.value]));
    return keys.map((key) => byKey.get(key));
  }

  async set(key: string, value: unknown): Promise<void> {
    // Keyv hands over the text its serialiser made.
    this.statement(UPSERT).run(key, text(value) ?? JSON.stringify(value));
  }

  async delete(key: string): Promise<boolean> {
    return this.statement(DELETE).run(key).changes > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    return this.statement(DELETE_MANY).run(JSON.stringify(keys)).changes > 0;
  }

  async clear(): Promise<void> {
    this.statement(CLEAR).run(this.namespace ? `${this.namespace}:%` : '%');
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
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async disconnect(): Promise<void> {
    this.db?.close();
  }
}
