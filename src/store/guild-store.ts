import type Keyv from 'keyv';
import type { Logger } from 'pino';
import { z } from 'zod';
import { LruCache } from './lru-cache.js';
import { openKeyv } from './open-keyv.js';
import { decodeStored, type Problem, type RecordType, type StoredEnvelope, validateData } from './record.js';

/**
 * Per-server state behind Keyv (SQLite or Redis).
 *
 * Key layout: one namespace per server. Record `settings` of server 123 is the
 * Keyv key `guild:123:settings`, a per-channel round `guild:123:quiz:round:456`
 * (inside the Keyv namespace `roundtable`, see open-keyv.ts). The stored value
 * is `{ v: <record version>, data }`.
 *
 * Concurrency: all mutations of one server run one after another through a
 * promise queue in this process, and the store keeps a write-through cache of
 * the values it validated (the most recently used ones, see `StoreOptions`).
 * Both are per process, which is sound because a server is always handled by
 * one shard; nothing else here assumes a single process (no global index keys
 * that two shards would both rewrite).
 */
export interface GuildStore {
  /** The record's current value; its `initial()` when absent or unreadable. */
  read<T>(guildId: string, record: RecordType<T>): Promise<T>;
  /**
   * Serialised read-modify-write for one server. `fn` gets the current value and
   * returns the next one and a result. The next value is written durably before
   * the promise resolves, so acknowledge users only after it. Returning `current`
   * itself means no write. `fn` runs alone for its server: keep it pure and quick.
   */
  update<T, R>(guildId: string, record: RecordType<T>, fn: (current: T) => Update<T, R>): Promise<R>;
  /**
   * Writes `value` without reading first, for write-once keys such as a chunk of
   * answers. Validated like `update`'s value; durable when the promise resolves.
   */
  put<T>(guildId: string, record: RecordType<T>, value: T): Promise<void>;
  /**
   * Several records of one server in one pass (one Keyv `getMany` for those not
   * cached), in the order given; `undefined` where nothing readable is stored
   * (not `initial()`), so callers can tell a missing chunk from an empty one.
   */
  readMany<T>(guildId: string, records: readonly RecordType<T>[]): Promise<(T | undefined)[]>;
  delete<T>(guildId: string, record: RecordType<T>): Promise<void>;
  /**
   * Every stored record whose key starts with `prefix`, across all servers, e.g.
   * `quiz:round:` to resume rounds after a restart. It scans the namespace with
   * Keyv's iterator (SQLite and Redis both have one), so call it at start-up,
   * not per event. With several shards, each keeps the servers it owns.
   */
  listRecords(prefix: string): Promise<StoredRecordKey[]>;
  /** Waits for queued mutations, then disconnects. Later calls are refused. */
  close(): Promise<void>;
}

export interface Update<T, R> {
  readonly value: T;
  readonly result: R;
}

export interface StoredRecordKey {
  readonly guildId: string;
  /** The record key, e.g. `quiz:round:456`. */
  readonly key: string;
}

export interface StoreOptions {
  /** How many validated values to keep in memory; older ones are read again when needed. */
  readonly cacheEntries?: number;
}

export async function openStore(url: string, logger: Logger, options: StoreOptions = {}): Promise<GuildStore> {
  return createGuildStore(await openKeyv(url, logger), logger, options);
}

type CacheEntry = { readonly found: true; readonly data: unknown } | { readonly found: false };

const GUILD_ID = /^[^:\s]+$/;
const STORED_KEY = /^guild:([^:]+):(.+)$/;
const IteratorEntry = z.tuple([z.string(), z.unknown()]);

/** Builds the store on a Keyv prepared by `wrapAdapter` (namespaced, plain JSON, throwing on errors). */
export function createGuildStore(keyv: Keyv<unknown>, logger: Logger, options: StoreOptions = {}): GuildStore {
  // Bounded because some records are written once and rarely read again (round archives).
  // Forgetting an entry is always safe: the next use reloads it inside the server's queue.
  const cache = new LruCache<string, CacheEntry>(options.cacheEntries ?? 10_000);
  const queues = new Map<string, Promise<void>>();
  const listings = new Set<Promise<void>>();
  let closing: Promise<void> | undefined;

  function storeKey(guildId: string, record: RecordType<unknown>): string {
    if (closing) throw new Error('The store is closed');
    if (!GUILD_ID.test(guildId)) throw new Error(`Invalid guild id ${JSON.stringify(guildId)}`);
    return `guild:${guildId}:${record.key}`;
  }

  function enqueue<R>(guildId: string, task: () => Promise<R>): Promise<R> {
    const run = (queues.get(guildId) ?? Promise.resolve()).then(task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    queues.set(guildId, settled);
    void settled.then(() => {
      if (queues.get(guildId) === settled) queues.delete(guildId);
    });
    return run;
  }

  function report(guildId: string, record: RecordType<unknown>, problem: Problem): void {
    logger.error(
      { guildId, key: record.key, version: record.version, ...problem },
      'stored record is unreadable; using its initial value',
    );
  }

  // Cached data is parsed again on the way out: each caller gets its own copy, so
  // mutating it cannot corrupt the cache, and the type comes from the schema, not a cast.
  function readEntry<T>(guildId: string, record: RecordType<T>, entry: CacheEntry): T {
    if (!entry.found) return record.initial();
    const decoded = validateData(record, entry.data);
    if (decoded.ok) return decoded.value;
    report(guildId, record, decoded.problem);
    return record.initial();
  }

  // Runs inside the server's queue only, so a cache fill never races a write.
  async function load<T>(guildId: string, record: RecordType<T>, key: string): Promise<T> {
    let entry = cache.get(key);
    if (!entry) {
      const stored = await keyv.get(key);
      if (stored === undefined) {
        entry = { found: false };
      } else {
        const decoded = decodeStored(record, stored);
        if (decoded.ok) {
          entry = { found: true, data: decoded.value };
        } else {
          report(guildId, record, decoded.problem);
          entry = { found: false };
        }
      }
      cache.set(key, entry);
    }
    return readEntry(guildId, record, entry);
  }

  function checkValue<T>(guildId: string, record: RecordType<T>, value: T): T {
    const checked = record.schema.safeParse(value);
    if (!checked.success) {
      throw new Error(
        `Refusing to store an invalid ${record.key} for guild ${guildId}: ${z.prettifyError(checked.error)}`,
      );
    }
    return checked.data;
  }

  async function write(key: string, envelope: StoredEnvelope): Promise<void> {
    try {
      if ((await keyv.set(key, envelope)) === false) throw new Error(`The store did not accept the write of ${key}`);
    } catch (error) {
      // The write may or may not have landed: forget the cached value, the next use reloads it.
      cache.delete(key);
      throw error;
    }
  }

  return {
    async read(guildId, record) {
      const key = storeKey(guildId, record);
      const entry = cache.get(key);
      // A cached value is the last acknowledged one, so it can be served without queueing.
      if (entry) return readEntry(guildId, record, entry);
      return enqueue(guildId, () => load(guildId, record, key));
    },

    async update(guildId, record, fn) {
      const key = storeKey(guildId, record);
      return enqueue(guildId, async () => {
        const current = await load(guildId, record, key);
        const { value, result } = fn(current);
        if (value === current) return result;
        const checked = checkValue(guildId, record, value);
        await write(key, { v: record.version, data: checked });
        cache.set(key, { found: true, data: checked });
        return result;
      });
    },

    async put(guildId, record, value) {
      const key = storeKey(guildId, record);
      const checked = checkValue(guildId, record, value);
      return enqueue(guildId, async () => {
        await write(key, { v: record.version, data: checked });
        cache.set(key, { found: true, data: checked });
      });
    },

    async readMany(guildId, records) {
      const keys = records.map((record) => storeKey(guildId, record));
      return enqueue(guildId, async () => {
        const missing = keys.filter((key) => !cache.get(key));
        const stored = missing.length > 0 ? await keyv.getMany(missing) : [];
        missing.forEach((key, index) => {
          const record = records[keys.indexOf(key)];
          const value = stored[index];
          if (!record) return;
          if (value === undefined) {
            cache.set(key, { found: false });
            return;
          }
          const decoded = decodeStored(record, value);
          if (!decoded.ok) report(guildId, record, decoded.problem);
          cache.set(key, decoded.ok ? { found: true, data: decoded.value } : { found: false });
        });
        return records.map((record, index) => {
          const entry = cache.get(keys[index] ?? '');
          return entry?.found ? readEntry(guildId, record, entry) : undefined;
        });
      });
    },

    async delete(guildId, record) {
      const key = storeKey(guildId, record);
      return enqueue(guildId, async () => {
        cache.delete(key);
        await keyv.delete(key);
      });
    },

    async listRecords(prefix) {
      if (closing) throw new Error('The store is closed');
      const { iterator } = keyv;
      if (!iterator) throw new Error('This store cannot list its keys');
      const found: StoredRecordKey[] = [];
      const listing = (async () => {
        // Keyv's iterator takes the namespace from the adapter and ignores its argument.
        for await (const entry of iterator(undefined)) {
          const match = STORED_KEY.exec(IteratorEntry.parse(entry)[0]);
          const [, guildId, key] = match ?? [];
          if (guildId !== undefined && key?.startsWith(prefix)) found.push({ guildId, key });
        }
      })();
      const tracked = listing.catch(() => undefined);
      listings.add(tracked);
      try {
        await listing;
      } finally {
        listings.delete(tracked);
      }
      return found.sort((a, b) => a.guildId.localeCompare(b.guildId) || a.key.localeCompare(b.key));
    },

    close() {
      closing ??= (async () => {
        // Nothing can be queued once `closing` is set, so the current tails cover everything.
        await Promise.all([...queues.values(), ...listings]);
        await keyv.disconnect();
      })();
      return closing;
    },
  };
}
