import { hostname } from 'node:os';
import type { Catalogue } from '../content/catalogue.js';
import { formatContentError } from '../content/errors.js';
import { loadCatalogue } from '../content/load.js';
import { projectParseCache } from '../content/parse-cache.js';
import type { Logger } from '../core/logger.js';
import { createGuildStore, type GuildStore } from '../store/index.js';
import { createHolderId, type HeldLease, holdLease, type LeaseBackend, type LeaseState } from '../store/lease.js';
import { openBackend } from '../store/open-keyv.js';

/** One process owns the store at a time when it runs every shard; each shard process owns its own lease. */
export const STORE_LEASE = 'store';

/**
 * The lease of one shard: shards of one count own disjoint servers, so they run
 * side by side on one Redis, while two processes of the same shard (a respawn, a
 * rolling restart) hand over as one process does. The count is part of the name:
 * stop every shard before changing SHARD_COUNT.
 */
export function leaseName(shard: ShardOf | null): string {
  // A lone shard owns every server, as one process does.
  return shard && shard.count > 1 ? `store:shard-${shard.id}-of-${shard.count}` : STORE_LEASE;
}

export interface ShardOf {
  readonly id: number;
  readonly count: number;
}

/**
 * Held jointly by every process of one shard count (see `HoldLeaseOptions.shared`):
 * a one-process bot and shards, or shards of two counts, would each own the same
 * servers, so a process of another count waits until the last of these stops.
 */
export const SHARD_COUNT_LEASE = 'store:shard-count';

function shardCountHolder(shard: ShardOf | null): string {
  return `shard-count-${shard?.count ?? 1}`;
}

export interface Prepared {
  catalogue: Catalogue;
  store: GuildStore;
  lease: HeldLease;
  /** Resolves if either lease is lost to another process: this one must then stop writing. */
  lost: Promise<void>;
  /** Hands the store over: releases the lease, then closes the store. Call after the bot stopped. */
  close(): Promise<void>;
}

/**
 * What `npm start` and `npm run play` both need before a client connects: the
 * content, checked, and the store, open and owned by this process. Problems are
 * printed for the person at the terminal (never a stack trace) and give null.
 *
 * Ownership: the in-memory parts of the runtimes (answer logs, timers, caches)
 * are sound only with one writer, so a second process on the same store (a
 * rolling restart, a second `npm start`, `npm run play` on the default store)
 * waits here, saying so, until the first one hands over on shutdown.
 */
export async function loadContentAndStore(
  settings: { CONTENT_DIR: string; STORE_URL: string },
  logger: Logger,
  shard: ShardOf | null = null,
): Promise<Prepared | null> {
  const loaded = await loadCatalogue(settings.CONTENT_DIR, { parseCache: projectParseCache(process.cwd()) });
  if (!loaded.ok) {
    console.error(`Roundtable cannot start: the content in ${settings.CONTENT_DIR}/ has errors.`);
    for (const error of loaded.errors) console.error(formatContentError(error));
    return null;
  }
  let backend: Awaited<ReturnType<typeof openBackend>>;
  try {
    backend = await openBackend(settings.STORE_URL, logger);
  } catch (error) {
    console.error(
      `Roundtable cannot start: the store in STORE_URL cannot be opened: ${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  }
  const { keyv, leases, listKeys } = backend;
  const count = await holdLease(leases, {
    name: SHARD_COUNT_LEASE,
    holder: shardCountHolder(shard),
    shared: true,
    logger,
    onWaiting: (current) => {
      const other = current.holder.replace(/^shard-count-/, '');
      console.error(
        `This store is in use by Roundtable running with SHARD_COUNT=${other}; waiting for those processes to stop (stop every shard before changing SHARD_COUNT).`,
      );
    },
  });
  const lease = leaseName(shard);
  const held = await holdLease(leases, {
    name: lease,
    holder: createHolderId(),
    logger,
    onWaiting: (current) => {
      console.error(
        `Another Roundtable process (${current.holder}) is using this store; waiting for it to stop before starting.`,
      );
      void takeOverFromDeadProcess(leases, lease, current, logger);
    },
  });
  const store = createGuildStore(keyv, logger, { listKeys });
  return {
    catalogue: loaded.catalogue,
    store,
    lease: held,
    lost: Promise.race([held.lost, count.lost]),
    async close() {
      await held.release();
      await count.release();
      await store.close();
    },
  };
}

/**
 * A holder on this machine whose process is gone (killed with -9) would block
 * us until its lease expires; its pid says at once that it will never renew.
 */
async function takeOverFromDeadProcess(
  leases: LeaseBackend,
  name: string,
  current: LeaseState,
  logger: Logger,
): Promise<void> {
  const [host, pid] = current.holder.split(':');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid) || isAlive(Number(pid))) return;
  logger.warn({ holder: current.holder }, 'the process holding the store is gone; taking over');
  try {
    await leases.release(name, current.holder);
  } catch (error) {
    logger.warn({ err: error }, 'could not take over the lease early; waiting for it to expire');
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
