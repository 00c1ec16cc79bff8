import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import type { Logger } from 'pino';
import { z } from 'zod';
import { createRedisLeaseBackend, createSqliteLeaseBackend, type LeaseBackend } from './lease.js';
import { UnparseableText } from './record.js';
import { SqliteAdapter } from './sqlite-adapter.js';

/**
 * Keyv namespace of everything Roundtable stores. On SQLite Keyv prefixes keys
 * as `roundtable:<key>`, on Redis the adapter does as `roundtable::<key>`.
 */
export const NAMESPACE = 'roundtable';

export const DEFAULT_STORE_URL = 'sqlite://data/roundtable.sqlite';

export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'redis'; readonly url: string };

/**
 * `sqlite://relative/path` (resolved against cwd), `sqlite:///absolute/path`,
 * `redis://host:port` or `rediss://host:port`.
 */
export function parseStoreUrl(url: string, cwd: string = process.cwd()): StoreLocation {
  if (url.startsWith('sqlite://')) {
    const path = url.slice('sqlite://'.length);
    if (path === '') throw new Error('Store URL "sqlite://" has no file path: use sqlite://data/roundtable.sqlite');
    return { kind: 'sqlite', file: resolve(cwd, path) };
  }
  if (url.startsWith('redis://') || url.startsWith('rediss://')) return { kind: 'redis', url };
  // Only the scheme is echoed: the rest of a URL may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(none)';
  throw new Error(
    `Unsupported store URL scheme ${scheme}: use sqlite://relative/path.sqlite, sqlite:///absolute/path.sqlite or redis://host:port`,
  );
}

// Keyv's default parser throws on text that is not JSON, which would abort a read
// or the whole start-up listing; this one passes such text on so that it is
// reported with its guild and key like any other invalid value.
function deserialize(text: string) {
  try {
    return JSON.parse(text);
  } catch {
    return { value: new UnparseableText(text) };
  }
}

/** Wraps an adapter the way the store expects: namespaced, plain JSON, errors thrown and logged. */
export function wrapAdapter(
  adapter: KeyvStoreAdapter,
  logger: Logger,
  options: { useKeyPrefix: boolean },
): Keyv<unknown> {
  const keyv = new Keyv<unknown>(adapter, {
    namespace: NAMESPACE,
    useKeyPrefix: options.useKeyPrefix,
    // Without this Keyv swallows a failed write and resolves `false`, or a failed
    // read as "absent": a caller would acknowledge a lost write or reset a record.
    throwOnErrors: true,
    serialize: (data) => JSON.stringify(data),
    deserialize,
  });
  // Adapter errors (lost connection, unreadable file) arrive here; an 'error' event
  // without a listener must never take the process down.
  keyv.on('error', (error: unknown) => logger.error({ err: error }, 'store error'));
  return keyv;
}

const JournalModeRows = z.array(z.object({ journal_mode: z.string() }));

/** A Keyv and the ownership leases (see lease.ts) on one connection to the same store. */
export interface StoreBackend {
  readonly keyv: Keyv<unknown>;
  /** Works until `keyv` is disconnected: release a held lease before closing the store. */
  readonly leases: LeaseBackend;
  /**
   * Keyv keys (without the namespace) of the form `guild:<id>:<recordPrefix>…`,
   * read from the backend's own key index without loading a single value: Keyv's
   * iterator reads every value of the namespace, which at 10,000 servers made
   * start-up slow and large. The one read past Keyv besides the lease.
   */
  readonly listKeys: (recordPrefix: string) => AsyncIterable<string>;
}

const KeyRows = z.array(z.object({ key: z.string() }));

async function openSqlite(file: string, logger: Logger): Promise<StoreBackend> {
  await mkdir(dirname(file), { recursive: true });
  const adapter = new SqliteAdapter(file, { busyTimeout: 5000 });
  const keyv = wrapAdapter(adapter, logger, { useKeyPrefix: true });
  try {
    // WAL with synchronous=NORMAL: a write costs ~0.16 ms instead of ~1.2 ms and a
    // committed write survives a killed process (only a power cut may lose the last ones).
    // The adapter has one connection, so setting these before first use covers every query.
    const rows = JournalModeRows.parse(await adapter.query('PRAGMA journal_mode = WAL'));
    if (rows[0]?.journal_mode !== 'wal') {
      logger.warn({ file, journalMode: rows[0]?.journal_mode }, 'SQLite refused WAL mode; writes will be slower');
    }
    await adapter.query('PRAGMA synchronous = NORMAL');
    // better-sqlite3 builds SQLite with a 16 MB page cache; SQLite's own 2 MB is plenty
    // here (records are cached above the store) and keeps RSS at 10,000 servers down.
    await adapter.query('PRAGMA cache_size = -2000');
  } catch (error) {
    await adapter.disconnect().catch(() => undefined);
    throw new Error(`Cannot open the SQLite store at ${file}: ${String(error)}`, { cause: error });
  }
  const namespaced = `${NAMESPACE}:`;
  async function* listKeys(recordPrefix: string): AsyncIterable<string> {
    // Record prefixes are plain `a:b:` text: no LIKE wildcards to escape.
    const rows = KeyRows.parse(
      await adapter.query('SELECT key FROM keyv WHERE key LIKE ?', `${namespaced}guild:%:${recordPrefix}%`),
    );
    for (const { key } of rows) yield key.slice(namespaced.length);
  }
  return { keyv, leases: createSqliteLeaseBackend(adapter), listKeys };
}

// An acknowledged write is as durable as the Redis server's persistence makes it:
// run it with appendonly yes (appendfsync everysec or always).
async function openRedis(url: string, logger: Logger): Promise<StoreBackend> {
  // Loaded only for a Redis store: the client costs ~0.15 s and ~14 MB at every SQLite start.
  const { default: KeyvRedis } = await import('@keyv/redis');
  const adapter = new KeyvRedis(
    {
      url,
      // Refused at once while disconnected, instead of queued until Redis is back: a click must
      // hear "try again" within Discord's 3 s, not be answered after its deadline.
      disableOfflineQueue: true,
      // Reconnects by itself, forever, at most a second apart.
      socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 1000) },
    },
    {
      namespace: NAMESPACE,
      throwOnErrors: true,
      throwOnConnectError: true,
      connectionTimeout: 10_000,
    },
  );
  // The adapter prefixes keys itself, so Keyv must not add its own prefix.
  const keyv = wrapAdapter(adapter, logger, { useKeyPrefix: false });
  let client: Awaited<ReturnType<typeof adapter.getClient>>;
  try {
    // Connect now so a wrong URL fails at start-up, not on the first click.
    client = await adapter.getClient();
  } catch (error) {
    await adapter.disconnect(true).catch(() => undefined);
    throw new Error(`Cannot connect to the Redis store: ${String(error)}`, { cause: error });
  }
  const namespaced = `${NAMESPACE}::`;
  async function* listKeys(recordPrefix: string): AsyncIterable<string> {
    let cursor = '0';
    do {
      const result = await client.scan(cursor, { MATCH: `${namespaced}guild:*:${recordPrefix}*`, COUNT: 1000 });
      cursor = String(result.cursor);
      for (const key of result.keys) yield key.slice(namespaced.length);
    } while (cursor !== '0');
  }
  // Lease keys sit outside Keyv's `roundtable::` prefix, so its iterator never lists them.
  return { keyv, leases: createRedisLeaseBackend(client, { prefix: `${NAMESPACE}:lease:` }), listKeys };
}

/** Opens the store's Keyv and its leases; see `parseStoreUrl` for the accepted URLs. */
export async function openBackend(url: string, logger: Logger): Promise<StoreBackend> {
  const location = parseStoreUrl(url);
  return location.kind === 'sqlite' ? openSqlite(location.file, logger) : openRedis(location.url, logger);
}

/** Opens a Keyv for a store URL; see `parseStoreUrl` for the accepted forms. */
export async function openKeyv(url: string, logger: Logger): Promise<Keyv<unknown>> {
  return (await openBackend(url, logger)).keyv;
}
