import type Keyv from 'keyv';
import type { Logger } from 'pino';
import { z } from 'zod';
import { createSerial } from '../core/channel-queues.js';
import { compareText } from '../core/compare.js';
import { createAvailability, STORE_TIMEOUT_MS } from './availability.js';
import { LruCache } from './lru-cache.js';
import { openBackend } from './open-keyv.js';
import {
  decodeStored,
  defineRecord,
  isQuarantineKey,
  type Problem,
  QUARANTINE_INDEX_KEY,
  QUARANTINE_VERSION,
  type QuarantineEntry,
  QuarantineEntrySchema,
  type QuarantineIndex,
  QuarantineIndexSchema,
  type QuarantineNote,
  quarantinedRecordKey,
  quarantineKey,
  type RecordType,
  type StoredEnvelope,
  UnparseableText,
  validateData,
} from './record.js';

/**
 * Per-server state behind Keyv (SQLite or Redis).
 *
 * Key layout: one namespace per server. Record `settings` of server 123 is the
 * Keyv key `guild:123:settings`, a per-channel round `guild:123:quiz:round:456`
 * (inside the Keyv namespace `roundtable`, see open-keyv.ts). The stored value
 * is `{ v: <record version>, data }`.
 *
 * Concurrency: the operations on one record (key) run one batch at a time in
 * this process; other keys, of the same server or not, never wait for it. While
 * a key's write is in flight, later operations on it queue, and then go out
 * together: their `fn`s run one after another in memory and the result is one
 * write (group commit). The store keeps a write-through cache of the values it
 * validated (the most recently used ones, see `StoreOptions`), deep-frozen and
 * handed out as they are. Both are per process, which is sound because a server
 * is always handled by one process (see lease.ts); nothing here assumes a single
 * process otherwise (no global index keys that two shards would both rewrite).
 *
 * Unreadable values (not JSON, not an envelope, another version without a
 * migration, data failing the schema) are set aside, never overwritten: the raw
 * value is copied to `quarantine:<key>` in the server's namespace, the key is
 * listed in the server's `quarantine` index, and writes to it are refused with
 * `QuarantinedRecordError` until the operator discards it (quarantine-cli.ts).
 * Reads of it give the record's `initial()`.
 *
 * Availability: every call to the backend is bounded (`StoreOptions.timeoutMs`);
 * one that times out or finds the connection gone rejects with
 * `StoreUnavailableError` (a message for the user) and marks the store down, and
 * until a probe gets an answer again the calls are refused at once. A refused or failed write was never acknowledged;
 * its cached value is dropped and read again once the store is back.
 */
export interface GuildStore {
  /** The record's current value, frozen; its `initial()` when absent or set aside. */
  read<T>(guildId: string, record: RecordType<T>): Promise<T>;
  /**
   * Several records of one server in one pass (one Keyv `getMany` for those not
   * cached), in the order given, frozen; `undefined` where nothing readable is
   * stored (absent or set aside, not `initial()`), so callers can tell a missing
   * chunk from an empty one.
   */
  readMany<T>(guildId: string, records: readonly RecordType<T>[]): Promise<(T | undefined)[]>;
  /**
   * Read-modify-write of one record. `fn` gets the current value (frozen: build a
   * new one) and returns the next one and a result; returning `current` itself
   * means no change. Updates queued behind a write in flight are applied one after
   * another and written once; each promise resolves with its own result only after
   * that write is durable (so acknowledge users only then), and rejects if it
   * failed. `fn` runs alone for its key: keep it pure and quick. Rejects with
   * `QuarantinedRecordError` while the record is set aside.
   */
  update<T, R>(guildId: string, record: RecordType<T>, fn: (current: T) => Update<T, R>): Promise<R>;
  /**
   * Writes `value` without reading the stored one first, for write-once keys such
   * as a chunk of answers (so a value there that was never read is replaced, not
   * checked). Validated like `update`'s value; durable when the promise resolves.
   * Rejects with `QuarantinedRecordError` while set aside.
   */
  put<T>(guildId: string, record: RecordType<T>, value: T): Promise<void>;
  /** Rejects with `QuarantinedRecordError` while the record is set aside. */
  delete<T>(guildId: string, record: RecordType<T>): Promise<void>;
  /**
   * Every stored record whose key starts with `prefix`, across all servers, e.g.
   * `quiz:round:` to resume rounds after a restart; quarantine keys are not
   * records and never listed. It scans the namespace with Keyv's iterator (SQLite
   * and Redis both have one), so call it at start-up, not per event. With several
   * shards, each keeps the servers it owns.
   */
  listRecords(prefix: string): Promise<StoredRecordKey[]>;
  /** Every value set aside, across all servers (a namespace scan, for the operator). */
  listQuarantined(): Promise<QuarantinedRecord[]>;
  /** What was set aside under a record key, with the raw value; `undefined` if nothing is kept. */
  readQuarantined(guildId: string, key: string): Promise<QuarantineEntry | undefined>;
  /**
   * Deletes the value set aside under a record key and the unreadable value
   * itself, so the record starts again from `initial()`. False if nothing was set
   * aside there. A running bot notices on its next write to that key.
   */
  discardQuarantined(guildId: string, key: string): Promise<boolean>;
  /** Called each time the backend answers again after it was unavailable. */
  onAvailable(listener: () => void): void;
  /** Waits for queued operations, then disconnects. Later calls are refused. */
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

export interface QuarantinedRecord extends StoredRecordKey, QuarantineNote {}

export interface StoreOptions {
  /** How many validated values to keep in memory; older ones are read again when needed. */
  readonly cacheEntries?: number;
  /** Lists keys without reading values (see `StoreBackend.listKeys`); without it, listing scans every value. */
  readonly listKeys?: (recordPrefix: string) => AsyncIterable<string>;
  /** How long one backend call may take before the store counts as unavailable (default 2 s). */
  readonly timeoutMs?: number;
}

/** A write refused because the record's stored value could not be read and was set aside. */
export class QuarantinedRecordError extends Error {
  override readonly name = 'QuarantinedRecordError';

  constructor(
    readonly guildId: string,
    readonly key: string,
  ) {
    // Meant to be shown to the user as is: it says what happened and who can fix it.
    super(
      "This part of the server's saved state could not be read and was set aside for the bot's operator; " +
        'it cannot be changed until they have dealt with it.',
    );
  }
}

export async function openStore(url: string, logger: Logger, options: StoreOptions = {}): Promise<GuildStore> {
  const { keyv, listKeys } = await openBackend(url, logger);
  return createGuildStore(keyv, logger, { listKeys, ...options });
}

/** A value validated by `schema` (that very object), deep-frozen. */
interface Held<T> {
  readonly kind: 'held';
  readonly schema: z.ZodType<T>;
  readonly version: number;
  readonly data: T;
}

const ABSENT = Object.freeze({ kind: 'absent' });
/** Set aside: never cached, always decided by the server's quarantine index. */
const QUARANTINED = Object.freeze({ kind: 'quarantined' });
/** Not loaded, and not set aside: only operations that replace the value run on it. */
const UNKNOWN = Object.freeze({ kind: 'unknown' });

type Cached = Held<unknown> | typeof ABSENT;
type State = Cached | typeof QUARANTINED | typeof UNKNOWN;

type Job =
  | {
      readonly kind: 'read';
      readonly record: RecordType<unknown>;
      /** Gets the state before the batch: the last durable one. */
      readonly deliver: (state: State) => void;
      readonly fail: (error: unknown) => void;
    }
  | {
      readonly kind: 'write';
      /** Set when the job needs the current value: the batch loads it with this record. */
      readonly load?: RecordType<unknown>;
      /** Pure: the state after this job, given the one before; throws to refuse this caller alone. */
      readonly apply: (state: State) => State;
      readonly done: () => void;
      readonly fail: (error: unknown) => void;
    }
  /** Runs alone between batches (discarding a quarantined value). Must not throw. */
  | { readonly kind: 'exclusive'; readonly run: () => Promise<void> };

interface Lane {
  readonly guildId: string;
  readonly recordKey: string;
  readonly jobs: Job[];
  done: Promise<void>;
}

type QuarantineMap = ReadonlyMap<string, QuarantineNote>;

const NOTHING_SET_ASIDE: QuarantineMap = new Map();
const GUILD_ID = /^[^:\s]+$/;
/** Read (never written) to learn whether the backend answers again; outside every server's keys. */
const PROBE_KEY = 'availability-probe';
const STORED_KEY = /^guild:([^:]+):(.+)$/;
const IteratorEntry = z.tuple([z.string(), z.unknown()]);

const quarantineIndexRecord = defineRecord({
  key: QUARANTINE_INDEX_KEY,
  version: QUARANTINE_VERSION,
  schema: QuarantineIndexSchema,
  initial: (): QuarantineIndex => ({}),
});

const quarantineEntryRecord = defineRecord({
  key: (recordKey: string) => quarantineKey(recordKey),
  version: QUARANTINE_VERSION,
  schema: QuarantineEntrySchema.nullable(),
  initial: (): QuarantineEntry | null => null,
});

/** Freezes a value and everything in it, so a value shared from the cache cannot be changed. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

// Zod's output is a fresh copy, except under z.unknown() or z.any(): those parts of a caller's value are frozen too.
function hold<T>(record: RecordType<T>, data: T): Held<T> {
  return { kind: 'held', schema: record.schema, version: record.version, data: deepFreeze(data) };
}

// The very schema object that validated the data makes it a T: no parsing, no cast.
function holds<T>(held: Held<unknown>, record: RecordType<T>): held is Held<T> {
  return held.schema === record.schema;
}

function valueIn<T>(record: RecordType<T>, state: State): T {
  if (state.kind === 'unknown') throw new Error(`${record.key} was not loaded`);
  if (state.kind !== 'held') return deepFreeze(record.initial());
  if (holds(state, record)) return state.data;
  // Another record type with the same key: fine as long as its schema accepts the data.
  const decoded = validateData(record, state.data);
  if (!decoded.ok) throw new Error(`Two record types with the key ${record.key} disagree on its shape`);
  return deepFreeze(decoded.value);
}

function guildKey(guildId: string, recordKey: string): string {
  return `guild:${guildId}:${recordKey}`;
}

/** Builds the store on a Keyv prepared by `wrapAdapter` (namespaced, plain JSON, throwing on errors). */
export function createGuildStore(keyv: Keyv<unknown>, logger: Logger, options: StoreOptions = {}): GuildStore {
  // Bounded because some records are written once and rarely read again (round archives).
  // Forgetting an entry is always safe: the next use reloads it inside the key's lane.
  const cache = new LruCache<string, Cached>(options.cacheEntries ?? 10_000);
  const lanes = new Map<string, Lane>();
  // Per server, the keys set aside; read once per process, so a put needs no read.
  const indexes = new Map<string, Promise<QuarantineMap>>();
  // readMany fills the cache outside the lanes; a lane touching the key drops these tokens.
  const fillTokens = new Map<string, Set<object>>();
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;
  const timeoutMs = options.timeoutMs ?? STORE_TIMEOUT_MS;
  const availability = createAvailability({ timeoutMs, logger, probe: () => keyv.get(PROBE_KEY) });
  /** One bounded backend call (see "Availability" above). */
  const io = availability.run;

  function checkOpen(): void {
    if (closing) throw new Error('The store is closed');
  }

  function checkGuild(guildId: string): void {
    if (!GUILD_ID.test(guildId)) throw new Error(`Invalid guild id ${JSON.stringify(guildId)}`);
  }

  function storeKey(guildId: string, record: RecordType<unknown>): string {
    checkOpen();
    checkGuild(guildId);
    if (isQuarantineKey(record.key)) throw new Error(`The record key ${record.key} is reserved for quarantine`);
    return guildKey(guildId, record.key);
  }

  function track<R>(task: () => Promise<R>): Promise<R> {
    const run = task();
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
    return run;
  }

  function remember(key: string, entry: Cached): void {
    cache.set(key, entry);
    fillTokens.delete(key);
  }

  function forget(key: string): void {
    cache.delete(key);
    fillTokens.delete(key);
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

  function refuseIfSetAside(guildId: string, recordKey: string, state: State): void {
    if (state.kind === 'quarantined') throw new QuarantinedRecordError(guildId, recordKey);
  }

  async function write(key: string, envelope: StoredEnvelope): Promise<void> {
    if ((await io(() => keyv.set(key, envelope))) === false)
      throw new Error(`The store did not accept the write of ${key}`);
  }

  // ---- the quarantine index of each server

  const serially = createSerial();

  async function readIndex(guildId: string): Promise<QuarantineMap> {
    const stored = await io(() => keyv.get(guildKey(guildId, QUARANTINE_INDEX_KEY)));
    if (stored === undefined) return NOTHING_SET_ASIDE;
    const decoded = decodeStored(quarantineIndexRecord, stored);
    if (decoded.ok) return new Map(Object.entries(decoded.value));
    // The unreadable values it listed are still in place, so each is set aside again when next read.
    logger.error({ guildId, key: QUARANTINE_INDEX_KEY, ...decoded.problem }, 'quarantine index is unreadable');
    return NOTHING_SET_ASIDE;
  }

  function installIndex(guildId: string, index: Promise<QuarantineMap>): Promise<QuarantineMap> {
    indexes.set(guildId, index);
    index.catch(() => {
      if (indexes.get(guildId) === index) indexes.delete(guildId);
    });
    return index;
  }

  function quarantineIndex(guildId: string): Promise<QuarantineMap> {
    return indexes.get(guildId) ?? installIndex(guildId, readIndex(guildId));
  }

  /** Reads the index again: the operator may have discarded a value from another process. */
  function refreshIndex(guildId: string): Promise<QuarantineMap> {
    return serially(guildId, () => installIndex(guildId, readIndex(guildId)));
  }

  function changeIndex(guildId: string, change: (index: QuarantineMap) => QuarantineMap): Promise<void> {
    return serially(guildId, async () => {
      const next = change(await quarantineIndex(guildId));
      const key = guildKey(guildId, QUARANTINE_INDEX_KEY);
      try {
        if (next.size === 0) await io(() => keyv.delete(key));
        else await write(key, { v: QUARANTINE_VERSION, data: Object.fromEntries(next) });
      } catch (error) {
        // It may or may not have landed: read it again next time.
        indexes.delete(guildId);
        throw error;
      }
      indexes.set(guildId, Promise.resolve(next));
    });
  }

  async function setAside(lane: Lane, record: RecordType<unknown>, stored: unknown, problem: Problem): Promise<void> {
    const { guildId, recordKey } = lane;
    const at = new Date().toISOString();
    const raw = stored instanceof UnparseableText ? stored.text : JSON.stringify(stored);
    const entry: QuarantineEntry = { at, problem, recordVersion: record.version, raw };
    // The copy first: until the index lists the key nothing was refused, and the bad value stays in place.
    await write(guildKey(guildId, quarantineKey(recordKey)), { v: QUARANTINE_VERSION, data: entry });
    await changeIndex(guildId, (index) => new Map(index).set(recordKey, { at, problem }));
    logger.error(
      { guildId, key: recordKey, quarantineKey: quarantineKey(recordKey), version: record.version, ...problem },
      'stored record is unreadable; set aside for the operator, writes to it are refused',
    );
  }

  // ---- lanes: one per key, one batch at a time

  async function load(lane: Lane, key: string, record: RecordType<unknown>): Promise<State> {
    const stored = await io(() => keyv.get(key));
    if (stored === undefined) return ABSENT;
    const decoded = decodeStored(record, stored);
    if (decoded.ok) return hold(record, decoded.value);
    await setAside(lane, record, stored, decoded.problem);
    return QUARANTINED;
  }

  async function startState(lane: Lane, key: string, batch: readonly Job[]): Promise<State> {
    const cached = cache.get(key);
    if (cached) return cached;
    let index = await quarantineIndex(lane.guildId);
    if (index.has(lane.recordKey) && batch.some((job) => job.kind === 'write')) {
      index = await refreshIndex(lane.guildId);
    }
    if (index.has(lane.recordKey)) return QUARANTINED;
    let loader: RecordType<unknown> | undefined;
    for (const job of batch) {
      if (job.kind === 'read') loader ??= job.record;
      else if (job.kind === 'write') loader ??= job.load;
    }
    return loader ? load(lane, key, loader) : UNKNOWN;
  }

  async function persist(key: string, state: State): Promise<void> {
    if (state.kind === 'held') await write(key, { v: state.version, data: state.data });
    else if (state.kind === 'absent') await io(() => keyv.delete(key));
  }

  async function runBatch(lane: Lane, key: string, batch: readonly Job[]): Promise<void> {
    let start: State;
    try {
      start = await startState(lane, key, batch);
    } catch (error) {
      for (const job of batch) if (job.kind !== 'exclusive') job.fail(error);
      return;
    }
    if (start.kind === 'quarantined') {
      const refused = batch.filter((job) => job.kind === 'write').length;
      if (refused > 0)
        logger.warn({ guildId: lane.guildId, key: lane.recordKey, refused }, 'writes refused: set aside');
    }
    const applied: Extract<Job, { kind: 'write' }>[] = [];
    let state = start;
    for (const job of batch) {
      if (job.kind === 'read') {
        job.deliver(start);
      } else if (job.kind === 'write') {
        try {
          state = job.apply(state);
          applied.push(job);
        } catch (error) {
          job.fail(error);
        }
      }
    }
    if (state !== start) {
      try {
        await persist(key, state);
      } catch (error) {
        // The write may or may not have landed: forget the cached value, the next use reloads it.
        forget(key);
        for (const job of applied) job.fail(error);
        return;
      }
    }
    if (state.kind === 'held' || state.kind === 'absent') remember(key, state);
    for (const job of applied) job.done();
  }

  async function drain(lane: Lane, key: string): Promise<void> {
    try {
      // Whatever queued while the previous batch was in flight goes out as the next batch.
      while (lane.jobs.length > 0) {
        const first = lane.jobs[0];
        if (first?.kind === 'exclusive') {
          lane.jobs.shift();
          await first.run();
          continue;
        }
        const cut = lane.jobs.findIndex((job) => job.kind === 'exclusive');
        await runBatch(lane, key, lane.jobs.splice(0, cut === -1 ? lane.jobs.length : cut));
      }
    } finally {
      lanes.delete(key);
    }
  }

  function submit(guildId: string, recordKey: string, job: Job): void {
    const key = guildKey(guildId, recordKey);
    const existing = lanes.get(key);
    if (existing) {
      existing.jobs.push(job);
      return;
    }
    const lane: Lane = { guildId, recordKey, jobs: [job], done: Promise.resolve() };
    lanes.set(key, lane);
    lane.done = drain(lane, key);
  }

  function readState(guildId: string, record: RecordType<unknown>): Promise<State> {
    return new Promise((resolve, reject) => {
      submit(guildId, record.key, { kind: 'read', record, deliver: resolve, fail: reject });
    });
  }

  function submitWrite(
    guildId: string,
    record: RecordType<unknown>,
    job: Omit<Job & { kind: 'write' }, 'kind' | 'done' | 'fail'>,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      submit(guildId, record.key, { kind: 'write', ...job, done: resolve, fail: reject });
    });
  }

  async function readManyUncached<T>(
    guildId: string,
    wanted: readonly { readonly record: RecordType<T>; readonly key: string; readonly at: number }[],
    found: (T | undefined)[],
  ): Promise<void> {
    const index = await quarantineIndex(guildId);
    const fetch = wanted.filter((item) => !index.has(item.record.key));
    if (fetch.length === 0) return;
    const token = {};
    for (const { key } of fetch) {
      const tokens = fillTokens.get(key) ?? new Set();
      tokens.add(token);
      fillTokens.set(key, tokens);
    }
    const unreadable: (typeof fetch)[number][] = [];
    try {
      const stored = await io(() => keyv.getMany(fetch.map((item) => item.key)));
      fetch.forEach((item, i) => {
        const raw = stored[i];
        // Only if no lane touched the key meanwhile: what this pass read may be older than its write.
        const fill = (entry: Cached) => {
          if (fillTokens.get(item.key)?.has(token) && !lanes.has(item.key) && !cache.has(item.key)) {
            cache.set(item.key, entry);
          }
        };
        if (raw === undefined) {
          fill(ABSENT);
          return;
        }
        const decoded = decodeStored(item.record, raw);
        if (!decoded.ok) {
          unreadable.push(item);
          return;
        }
        const held = hold(item.record, decoded.value);
        fill(held);
        found[item.at] = held.data;
      });
    } finally {
      for (const { key } of fetch) {
        const tokens = fillTokens.get(key);
        tokens?.delete(token);
        if (tokens?.size === 0) fillTokens.delete(key);
      }
    }
    // Through the key's lane, which sets the value aside.
    await Promise.all(
      unreadable.map(async (item) => {
        const state = await readState(guildId, item.record);
        found[item.at] = state.kind === 'held' ? valueIn(item.record, state) : undefined;
      }),
    );
  }

  async function scan(visit: (guildId: string, key: string, value: unknown) => void): Promise<void> {
    const { iterator } = keyv;
    if (!iterator) throw new Error('This store cannot list its keys');
    // Keyv's iterator takes the namespace from the adapter and ignores its argument.
    for await (const entry of iterator(undefined)) {
      const [storedKey, value] = IteratorEntry.parse(entry);
      const [, guildId, key] = STORED_KEY.exec(storedKey) ?? [];
      if (guildId !== undefined && key !== undefined) visit(guildId, key, value);
    }
  }

  return {
    async read(guildId, record) {
      const key = storeKey(guildId, record);
      const cached = cache.get(key);
      // A cached value is the last acknowledged one, so it can be served without queueing.
      if (cached) return valueIn(record, cached);
      return valueIn(record, await readState(guildId, record));
    },

    async readMany<T>(guildId: string, records: readonly RecordType<T>[]) {
      const wanted = records.map((record, at) => ({ record, key: storeKey(guildId, record), at }));
      const found: (T | undefined)[] = records.map(() => undefined);
      const missing = wanted.filter((item) => {
        const cached = cache.get(item.key);
        if (cached) found[item.at] = cached.kind === 'held' ? valueIn(item.record, cached) : undefined;
        return !cached;
      });
      if (missing.length > 0) await track(() => readManyUncached(guildId, missing, found));
      return found;
    },

    async update<T, R>(guildId: string, record: RecordType<T>, fn: (current: T) => Update<T, R>) {
      storeKey(guildId, record);
      let outcome: { readonly result: R } | undefined;
      await submitWrite(guildId, record, {
        load: record,
        apply: (state) => {
          refuseIfSetAside(guildId, record.key, state);
          const current = valueIn(record, state);
          const next = fn(current);
          outcome = next;
          if (next.value === current) return state;
          return hold(record, checkValue(guildId, record, next.value));
        },
      });
      if (!outcome) throw new Error(`The update of ${record.key} did not run`);
      return outcome.result;
    },

    async put(guildId, record, value) {
      storeKey(guildId, record);
      const next = hold(record, checkValue(guildId, record, value));
      await submitWrite(guildId, record, {
        apply: (state) => {
          refuseIfSetAside(guildId, record.key, state);
          return next;
        },
      });
    },

    async delete(guildId, record) {
      storeKey(guildId, record);
      await submitWrite(guildId, record, {
        apply: (state) => {
          refuseIfSetAside(guildId, record.key, state);
          return ABSENT;
        },
      });
    },

    async listRecords(prefix) {
      checkOpen();
      const found: StoredRecordKey[] = [];
      const keep = (guildId: string, key: string) => {
        if (key.startsWith(prefix) && !isQuarantineKey(key)) found.push({ guildId, key });
      };
      const { listKeys } = options;
      await track(async () => {
        if (!listKeys) return scan(keep);
        for await (const stored of listKeys(prefix)) {
          const [, guildId, key] = STORED_KEY.exec(stored) ?? [];
          if (guildId !== undefined && key !== undefined) keep(guildId, key);
        }
      });
      return found.sort((a, b) => compareText(a.guildId, b.guildId) || compareText(a.key, b.key));
    },

    async listQuarantined() {
      checkOpen();
      const found = new Map<string, QuarantinedRecord>();
      await track(() =>
        scan((guildId, key, value) => {
          if (key === QUARANTINE_INDEX_KEY) {
            const decoded = decodeStored(quarantineIndexRecord, value);
            if (!decoded.ok) return;
            for (const [recordKey, note] of Object.entries(decoded.value)) {
              found.set(`${guildId}:${recordKey}`, { guildId, key: recordKey, ...note });
            }
            return;
          }
          // A copy the index does not list (set aside when the process stopped) is shown too.
          const recordKey = quarantinedRecordKey(key);
          if (recordKey === undefined || found.has(`${guildId}:${recordKey}`)) return;
          const decoded = decodeStored(quarantineEntryRecord(recordKey), value);
          if (decoded.ok && decoded.value) {
            const { at, problem } = decoded.value;
            found.set(`${guildId}:${recordKey}`, { guildId, key: recordKey, at, problem });
          }
        }),
      );
      return [...found.values()].sort((a, b) => compareText(a.guildId, b.guildId) || compareText(a.key, b.key));
    },

    async readQuarantined(guildId, recordKey) {
      checkOpen();
      checkGuild(guildId);
      const record = quarantineEntryRecord(recordKey);
      const stored = await track(() => io(() => keyv.get(guildKey(guildId, record.key))));
      if (stored === undefined) return undefined;
      const decoded = decodeStored(record, stored);
      if (!decoded.ok)
        throw new Error(`The copy set aside for ${recordKey} is unreadable too (${decoded.problem.reason})`);
      return decoded.value ?? undefined;
    },

    async discardQuarantined(guildId, recordKey) {
      checkOpen();
      checkGuild(guildId);
      if (isQuarantineKey(recordKey)) throw new Error(`${recordKey} is not a record key`);
      const key = guildKey(guildId, recordKey);
      const copyKey = guildKey(guildId, quarantineKey(recordKey));
      return new Promise<boolean>((resolve, reject) => {
        submit(guildId, recordKey, {
          kind: 'exclusive',
          run: async () => {
            try {
              const listed = (await refreshIndex(guildId)).has(recordKey);
              if (!listed && (await io(() => keyv.get(copyKey))) === undefined) {
                resolve(false);
                return;
              }
              // The values first: if this stops half-way the key is still refused, and discarding again finishes it.
              await io(() => keyv.deleteMany([key, copyKey]));
              if (listed) {
                await changeIndex(guildId, (index) => {
                  const next = new Map(index);
                  next.delete(recordKey);
                  return next;
                });
              }
              remember(key, ABSENT);
              logger.warn(
                { guildId, key: recordKey },
                'quarantined record discarded; it starts again from its initial value',
              );
              resolve(true);
            } catch (error) {
              forget(key);
              reject(error);
            }
          },
        });
      });
    },

    onAvailable(listener) {
      availability.onAvailable(listener);
    },

    close() {
      closing ??= (async () => {
        // Nothing new can start once `closing` is set, so these cover everything.
        await Promise.all([...[...lanes.values()].map((lane) => lane.done), ...inFlight]);
        availability.stop();
        // A backend that is gone cannot hold up a shutdown: what was acknowledged is already durable.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          keyv.disconnect(),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, timeoutMs);
          }),
        ]).finally(() => clearTimeout(timer));
      })();
      return closing;
    },
  };
}
