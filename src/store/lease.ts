import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SqliteAdapter } from './sqlite-adapter.js';

/**
 * Ownership lease: exactly one bot process owns the store's state at a time.
 *
 * Keyv has no compare-and-set, so this reaches past it to the backend's own
 * atomic operations on the same connection: one SQLite upsert on a table of its
 * own (`roundtable_lease`, beside Keyv's table in the same file), or Redis
 * `SET NX PX` plus Lua scripts that check the holder. A lease has a name (`store`,
 * or one per shard, see startup.ts), a holder id (see `createHolderId`) and an expiry;
 * its holder renews it well before then, and an expired lease is free to take.
 */
export interface LeaseBackend {
  /** Takes the lease if it is free or expired, or renews it if `holder` has it; true if `holder` now has it. */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Frees the lease, but only if `holder` has it. */
  release(name: string, holder: string): Promise<void>;
  /** Who has the lease now; null when it is free or expired. */
  current(name: string): Promise<LeaseState | null>;
}

export interface LeaseState {
  readonly holder: string;
  /** Wall-clock milliseconds. */
  readonly expiresAt: number;
}

/** `host:pid:random`: tells an operator which process has the store, and differs across restarts with the same pid. */
export function createHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

function checkTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs < 1) throw new RangeError(`Lease ttl must be at least 1 ms, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}

// ---------------------------------------------------------------------------
// SQLite

export const SQLITE_LEASE_TABLE = 'roundtable_lease';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${SQLITE_LEASE_TABLE} (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL
)`;

// One statement, so atomic across connections and processes: the row is written
// only if it is new, expired or already ours, and RETURNING yields a row only then.
const ACQUIRE = `INSERT INTO ${SQLITE_LEASE_TABLE} (name, holder, expires_at) VALUES (?, ?, ?)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE ${SQLITE_LEASE_TABLE}.expires_at <= ? OR ${SQLITE_LEASE_TABLE}.holder = excluded.holder
RETURNING holder`;

const RELEASE = `DELETE FROM ${SQLITE_LEASE_TABLE} WHERE name = ? AND holder = ?`;
const CURRENT = `SELECT holder, expires_at FROM ${SQLITE_LEASE_TABLE} WHERE name = ? AND expires_at > ?`;

const AcquiredRows = z.array(z.object({ holder: z.string() }));
const LeaseRows = z.array(z.object({ holder: z.string(), expires_at: z.number() }));

export interface SqliteLeaseOptions {
  /**
   * Wall clock in ms. Every process on one file shares the machine's clock, so
   * expiry is comparable across them; tests pass a skewed clock to simulate expiry.
   */
  readonly now?: () => number;
}

/** Leases in their own table of the adapter's SQLite file, on Keyv's own connection. */
export function createSqliteLeaseBackend(
  adapter: Pick<SqliteAdapter, 'query'>,
  options: SqliteLeaseOptions = {},
): LeaseBackend {
  const now = options.now ?? Date.now;
  let ready: Promise<void> | undefined;
  // Created on first use; a failed attempt is tried again on the next call.
  function ensureTable(): Promise<void> {
    ready ??= adapter.query(CREATE_TABLE).then(
      () => undefined,
      (error: unknown) => {
        ready = undefined;
        throw error;
      },
    );
    return ready;
  }
  return {
    async tryAcquire(name, holder, ttlMs) {
      const ttl = checkTtl(ttlMs);
      await ensureTable();
      const at = now();
      const rows = AcquiredRows.parse(await adapter.query(ACQUIRE, name, holder, at + ttl, at));
      return rows[0]?.holder === holder;
    },
    async release(name, holder) {
      await ensureTable();
      await adapter.query(RELEASE, name, holder);
    },
    async current(name) {
      await ensureTable();
      const row = LeaseRows.parse(await adapter.query(CURRENT, name, now()))[0];
      return row ? { holder: row.holder, expiresAt: row.expires_at } : null;
    },
  };
}

// ---------------------------------------------------------------------------
// Redis

/** What the lease needs of a node-redis client (a client, cluster or sentinel from `KeyvRedis.getClient()`). */
export interface RedisLeaseClient {
  set(
    key: string,
    value: string,
    options: { condition: 'NX'; expiration: { type: 'PX'; value: number } },
  ): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/**
 * Outside Keyv's namespace on purpose: Keyv's Redis adapter prefixes its keys
 * `roundtable::` and its iterator and clear() scan `roundtable::*`, which never
 * matches `roundtable:lease:…` (one colon), so the listing never sees a lease.
 */
export const DEFAULT_REDIS_LEASE_PREFIX = 'roundtable:lease:';

// Renews our lease, or takes it if it expired since the SET NX: both in one step,
// so a lease that runs out between the two calls is not mistaken for someone else's.
const RENEW_SCRIPT = `local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

// Holder and remaining ttl read together, so they describe one moment.
const CURRENT_SCRIPT = `local holder = redis.call('GET', KEYS[1])
if not holder then return false end
return {holder, redis.call('PTTL', KEYS[1])}`;

const ScriptCount = z.number();
const CurrentReply = z.tuple([z.string(), z.number()]).nullable();

export interface RedisLeaseOptions {
  /** Key prefix; the lease `store` is the key `<prefix>store`. */
  readonly prefix?: string;
  /** Only turns Redis's remaining ttl into `expiresAt`; expiry itself runs on the Redis server's clock. */
  readonly now?: () => number;
}

/** Leases as Redis keys that expire on their own: a killed holder's lease frees itself. */
export function createRedisLeaseBackend(client: RedisLeaseClient, options: RedisLeaseOptions = {}): LeaseBackend {
  const prefix = options.prefix ?? DEFAULT_REDIS_LEASE_PREFIX;
  const now = options.now ?? Date.now;
  return {
    async tryAcquire(name, holder, ttlMs) {
      const ttl = checkTtl(ttlMs);
      const key = prefix + name;
      const set = await client.set(key, holder, { condition: 'NX', expiration: { type: 'PX', value: ttl } });
      if (set === 'OK') return true;
      // Taken: renew it if it is ours.
      const renewed = ScriptCount.parse(
        await client.eval(RENEW_SCRIPT, { keys: [key], arguments: [holder, `${ttl}`] }),
      );
      return renewed === 1;
    },
    async release(name, holder) {
      await client.eval(RELEASE_SCRIPT, { keys: [prefix + name], arguments: [holder] });
    },
    async current(name) {
      const reply = CurrentReply.parse(await client.eval(CURRENT_SCRIPT, { keys: [prefix + name], arguments: [] }));
      if (reply === null) return null;
      const [holder, remainingMs] = reply;
      // -1 would mean a key without expiry, which this module never writes.
      return { holder, expiresAt: remainingMs >= 0 ? now() + remainingMs : Number.POSITIVE_INFINITY };
    },
  };
}

// ---------------------------------------------------------------------------
// Holding a lease

export const DEFAULT_LEASE_TTL_MS = 15_000;

export interface HoldLeaseOptions {
  readonly name: string;
  readonly holder: string;
  /** How long a lease lasts without renewal, i.e. how long a killed holder blocks the next one. */
  readonly ttlMs?: number;
  /** Wall clock in ms, for this holder's own view of when its lease runs out. */
  readonly now?: () => number;
  readonly logger: Logger;
  /** Called once, when the lease is first found held by another process. */
  readonly onWaiting?: (current: LeaseState) => void;
  /** Stops waiting for the lease (the promise rejects with the signal's reason); no effect once held. */
  readonly signal?: AbortSignal;
  /**
   * Held jointly by every process that uses the same `holder` (all shards of one
   * count): each renews it, and `release()` only stops renewing, leaving it to
   * expire, since the others may still hold it.
   */
  readonly shared?: boolean;
}

export interface HeldLease {
  readonly name: string;
  readonly holder: string;
  /** True while the lease is ours by this process's clock: not released, not lost, not expired. */
  readonly held: boolean;
  /**
   * Resolves (never rejects) if the lease is lost: another holder has it. (One
   * that ran out while the store was unreachable is taken back when the store
   * answers, if it is still free.) The process must then stop writing. Never
   * resolves after `release()`.
   */
  readonly lost: Promise<void>;
  /** Stops renewing and frees the lease for the next process (the handover on SIGTERM). Never rejects. */
  release(): Promise<void>;
}

/**
 * Takes the lease, waiting while another process has it, and keeps it renewed
 * in the background (every ttl/3) until `release()` or until it is lost.
 */
export async function holdLease(backend: LeaseBackend, options: HoldLeaseOptions): Promise<HeldLease> {
  const { name, holder, logger, signal } = options;
  const ttlMs = checkTtl(options.ttlMs ?? DEFAULT_LEASE_TTL_MS);
  const now = options.now ?? Date.now;
  const pollMs = Math.max(200, Math.ceil(ttlMs / 10));
  let waited = false;
  for (;;) {
    signal?.throwIfAborted();
    const startedAt = now();
    let acquired: boolean | undefined;
    try {
      acquired = await backend.tryAcquire(name, holder, ttlMs);
    } catch (error) {
      logger.warn({ err: error, lease: name }, `cannot reach the store to take its lease; retrying in ${pollMs} ms`);
    }
    if (acquired === true) {
      if (signal?.aborted) {
        await backend.release(name, holder).catch(() => undefined);
        signal.throwIfAborted();
      }
      if (waited)
        logger.info({ lease: name, holder }, 'the other process handed over; this process now owns the store');
      // Counted from before the request, so this process never believes in a lease longer than the store does.
      return startRenewing(
        backend,
        { name, holder, ttlMs, now, logger, pollMs, shared: options.shared ?? false },
        startedAt + ttlMs,
      );
    }
    if (acquired === false && !waited) {
      const current = await backend.current(name).catch(() => null);
      // null: freed in the meantime, so the next try may get it without a warning.
      if (current !== null) {
        waited = true;
        logger.warn(
          { lease: name, holder: current.holder, until: new Date(current.expiresAt).toISOString() },
          `another process owns the store (holder ${current.holder}, until ${new Date(current.expiresAt).toISOString()}); waiting for it to hand over`,
        );
        options.onWaiting?.(current);
      }
    }
    // A ref'd timer on purpose: a process that waits for the store must not exit meanwhile.
    await sleep(pollMs, signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface RenewContext {
  readonly name: string;
  readonly holder: string;
  readonly ttlMs: number;
  readonly now: () => number;
  readonly logger: Logger;
  readonly pollMs: number;
  readonly shared: boolean;
}

function startRenewing(backend: LeaseBackend, context: RenewContext, firstValidUntil: number): HeldLease {
  const { name, holder, ttlMs, now, logger, pollMs, shared } = context;
  const renewMs = Math.max(1, Math.floor(ttlMs / 3));
  let validUntil = firstValidUntil;
  let state: 'held' | 'lost' | 'released' = 'held';
  let timer: NodeJS.Timeout | undefined;
  let renewing: Promise<void> | undefined;
  let released: Promise<void> | undefined;
  let resolveLost: () => void = () => undefined;
  const lost = new Promise<void>((resolve) => {
    resolveLost = resolve;
  });

  function markLost(reason: string, current: LeaseState | null): void {
    if (state !== 'held') return;
    state = 'lost';
    clearTimeout(timer);
    logger.error(
      { lease: name, holder, newHolder: current?.holder },
      `lost the store lease (${reason}); this process must stop writing to the store`,
    );
    resolveLost();
  }

  /**
   * A lease that ran out while the store could not be reached has lapsed, not
   * been lost: the lease lives in the store itself, so no other process could
   * write there either while this one could not. Once the store answers again,
   * the lease is taken back if it is still free, and lost only if another
   * process has it. (One process that took it and handed it over in between
   * would go unnoticed; the answers it acknowledged are in the store, only this
   * process's caches would be stale. See README, "Running at scale".)
   */
  let lapsed = false;

  // Returns the delay to the next attempt, or undefined to stop.
  async function renew(): Promise<number | undefined> {
    const startedAt = now();
    if (startedAt >= validUntil && !lapsed) {
      lapsed = true;
      logger.error(
        { lease: name, holder },
        'the store lease ran out while the store was unreachable; taking it back once the store answers, unless another process has it',
      );
    }
    try {
      if (await backend.tryAcquire(name, holder, ttlMs)) {
        if (lapsed)
          logger.warn({ lease: name, holder }, 'the store answers again and the lease was still free: held again');
        lapsed = false;
        validUntil = startedAt + ttlMs;
        return renewMs;
      }
    } catch (error) {
      const retryMs = lapsed ? pollMs : Math.max(0, Math.min(pollMs, validUntil - now()));
      if (!lapsed) {
        logger.warn(
          { err: error, lease: name, until: new Date(validUntil).toISOString() },
          `could not renew the store lease; retrying in ${retryMs} ms`,
        );
      }
      return retryMs;
    }
    const current = await backend.current(name).catch(() => null);
    markLost(current ? `held by ${current.holder}` : 'held by another process', current);
    return undefined;
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(() => {
      renewing = renew()
        .then((next) => {
          if (next !== undefined && state === 'held') schedule(next);
        })
        .catch((error: unknown) => logger.error({ err: error, lease: name }, 'store lease renewal failed'))
        .finally(() => {
          renewing = undefined;
        });
    }, delayMs);
    // Renewal alone must never keep a process alive that is otherwise done.
    timer.unref();
  }

  schedule(renewMs);

  async function doRelease(): Promise<void> {
    clearTimeout(timer);
    // A renewal in flight could otherwise write the lease back after it is freed.
    await renewing;
    if (shared) return;
    try {
      await backend.release(name, holder);
      logger.info({ lease: name, holder }, 'released the store lease');
    } catch (error) {
      logger.warn(
        { err: error, lease: name, until: new Date(validUntil).toISOString() },
        'could not release the store lease; the next process gets it once it expires',
      );
    }
  }

  return {
    name,
    holder,
    get held() {
      return state === 'held' && now() < validUntil;
    },
    lost,
    release() {
      if (released) return released;
      // A lost lease is someone else's: nothing to free.
      const wasHeld = state === 'held';
      state = 'released';
      released = wasHeld ? doRelease() : Promise.resolve();
      return released;
    },
  };
}
