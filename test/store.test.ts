import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Keyv from 'keyv';
import pino, { type Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRecord, type GuildStore, openStore, parseStoreUrl, QuarantinedRecordError } from '../src/store/index.js';
import { SqliteAdapter } from '../src/store/sqlite-adapter.js';
import { captureLogger } from './support/capture-logger.js';

const CounterSchema = z.object({ count: z.number().int().nonnegative() });
type Counter = z.infer<typeof CounterSchema>;

const counterRecord = defineRecord({
  key: 'counter',
  version: 2,
  schema: CounterSchema,
  initial: (): Counter => ({ count: 0 }),
  // Version 1 stored a bare number.
  migrate: (data, fromVersion) => (fromVersion === 1 ? { count: z.number().parse(data) } : undefined),
});

const roundRecord = defineRecord({
  key: (channelId: string) => `quiz:round:${channelId}`,
  version: 1,
  schema: z.object({ question: z.number().int() }).nullable(),
  initial: (): { question: number } | null => null,
});

function increment(current: Counter): { value: Counter; result: number } {
  const count = current.count + 1;
  return { value: { count }, result: count };
}

let dir: string;
let url: string;
let file: string;
const open: GuildStore[] = [];

async function openTracked(logger: Logger = pino({ level: 'silent' }), at: string = url): Promise<GuildStore> {
  const store = await openStore(at, logger);
  open.push(store);
  return store;
}

/** A plain Keyv on the same file, as another tool would write it. */
async function withRawKeyv(fn: (keyv: Keyv, adapter: SqliteAdapter) => Promise<void>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const adapter = new SqliteAdapter(file, { busyTimeout: 5000 });
  const keyv = new Keyv(adapter, { namespace: 'roundtable' });
  try {
    await fn(keyv, adapter);
  } finally {
    await keyv.disconnect();
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roundtable-store-'));
  file = join(dir, 'nested', 'roundtable.sqlite');
  url = `sqlite://${file}`;
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('parseStoreUrl', () => {
  it.each([
    ['sqlite://data/roundtable.sqlite', '/srv/bot', { kind: 'sqlite', file: '/srv/bot/data/roundtable.sqlite' }],
    ['sqlite:///var/lib/rt.sqlite', '/srv/bot', { kind: 'sqlite', file: '/var/lib/rt.sqlite' }],
    ['redis://localhost:6379', '/srv/bot', { kind: 'redis', url: 'redis://localhost:6379' }],
    ['rediss://cache.example:6380', '/srv/bot', { kind: 'redis', url: 'rediss://cache.example:6380' }],
  ])('GIVEN %s in %s THEN it is %o', (input, cwd, expected) => {
    expect(parseStoreUrl(input, cwd)).toEqual(expected);
  });

  it.each([
    ['postgres://user:secret@db/rt', /Unsupported store URL scheme postgres:/],
    ['data/roundtable.sqlite', /Unsupported store URL scheme \(none\)/],
    ['sqlite://', /has no file path/],
  ])('GIVEN %s THEN it throws a clear error', (input, message) => {
    expect(() => parseStoreUrl(input, '/srv/bot')).toThrow(message);
  });

  it('does not echo the rest of an unknown URL, which may hold a password', () => {
    expect(() => parseStoreUrl('mongodb://user:secret@db/rt')).toThrow(/^(?!.*secret)/);
  });

  it('makes openStore reject before touching the disk', async () => {
    await expect(openStore('memcached://localhost', pino({ level: 'silent' }))).rejects.toThrow(
      /Unsupported store URL scheme memcached:/,
    );
  });
});

describe('GuildStore on SQLite', () => {
  it('GIVEN a new file THEN reads give the initial value and nothing is written', async () => {
    const store = await openTracked();
    expect(await store.read('g1', counterRecord)).toEqual({ count: 0 });
    expect(await store.read('g1', roundRecord('c1'))).toBeNull();
    // Returning `current` itself means no write.
    expect(await store.update('g1', counterRecord, (current) => ({ value: current, result: 'same' }))).toBe('same');
    expect(await store.listRecords('')).toEqual([]);
  });

  it('creates the missing folder and turns on WAL', async () => {
    const store = await openTracked();
    await store.update('g1', counterRecord, increment);
    expect(await readdir(join(dir, 'nested'))).toContain('roundtable.sqlite-wal');
    await withRawKeyv(async (_keyv, adapter) => {
      expect(await adapter.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    });
  });

  it('GIVEN written records THEN a reopened store reads them back', async () => {
    const first = await openTracked();
    await first.update('g1', counterRecord, increment);
    await first.update('g1', counterRecord, increment);
    await first.update('g1', roundRecord('c9'), () => ({ value: { question: 3 }, result: null }));
    await first.update('g2', counterRecord, increment);
    await first.close();

    const second = await openTracked();
    expect(await second.read('g1', counterRecord)).toEqual({ count: 2 });
    expect(await second.read('g2', counterRecord)).toEqual({ count: 1 });
    expect(await second.read('g1', roundRecord('c9'))).toEqual({ question: 3 });
    expect(await second.read('g2', roundRecord('c9'))).toBeNull();
  });

  it('stores keys as guild:<guildId>:<record key> in the roundtable namespace', async () => {
    const store = await openTracked();
    await store.update('123', roundRecord('456'), () => ({ value: { question: 1 }, result: null }));
    await store.close();
    await withRawKeyv(async (keyv, adapter) => {
      expect(await adapter.query('SELECT key, value FROM keyv')).toEqual([
        { key: 'roundtable:guild:123:quiz:round:456', value: '{"value":{"v":1,"data":{"question":1}}}' },
      ]);
      expect(await keyv.get('guild:123:quiz:round:456')).toEqual({ v: 1, data: { question: 1 } });
    });
  });

  it('deletes a record', async () => {
    const store = await openTracked();
    await store.update('g1', counterRecord, increment);
    await store.delete('g1', counterRecord);
    expect(await store.read('g1', counterRecord)).toEqual({ count: 0 });
    await store.close();
    expect(await (await openTracked()).read('g1', counterRecord)).toEqual({ count: 0 });
  });

  it('lists stored records by key prefix across guilds', async () => {
    const store = await openTracked();
    await store.update('g2', roundRecord('c1'), () => ({ value: { question: 0 }, result: null }));
    await store.update('g1', roundRecord('c2'), () => ({ value: { question: 0 }, result: null }));
    await store.update('g1', counterRecord, increment);
    await store.close();

    const reopened = await openTracked();
    expect(await reopened.listRecords('quiz:round:')).toEqual([
      { guildId: 'g1', key: 'quiz:round:c2' },
      { guildId: 'g2', key: 'quiz:round:c1' },
    ]);
    expect(await reopened.listRecords('')).toHaveLength(3);
  });

  it('hands out frozen values, so changing one throws and changes nothing stored', async () => {
    const store = await openTracked();
    await store.update('g1', counterRecord, increment);
    const value = await store.read('g1', counterRecord);
    expect(() => {
      value.count = 99;
    }).toThrow(TypeError);
    expect(await store.read('g1', counterRecord)).toEqual({ count: 1 });
    expect(await store.update('g1', counterRecord, increment)).toBe(2);
  });

  it('rejects an update whose fn throws or whose value fails the schema, and keeps going', async () => {
    const store = await openTracked();
    await expect(
      store.update('g1', counterRecord, () => {
        throw new Error('engine bug');
      }),
    ).rejects.toThrow('engine bug');
    await expect(store.update('g1', counterRecord, () => ({ value: { count: -1 }, result: null }))).rejects.toThrow(
      /Refusing to store an invalid counter for guild g1/,
    );
    expect(await store.update('g1', counterRecord, increment)).toBe(1);
    expect(await store.listRecords('')).toEqual([{ guildId: 'g1', key: 'counter' }]);
  });

  it('refuses a guild id that would break the key layout', async () => {
    const store = await openTracked();
    await expect(store.read('g:1', counterRecord)).rejects.toThrow(/Invalid guild id/);
    await expect(store.read('', counterRecord)).rejects.toThrow(/Invalid guild id/);
  });
});

describe('unreadable stored values', () => {
  it.each([
    ['data that fails the schema', { v: 2, data: { count: 'many' } }, 'invalid-data'],
    ['another version without migration', { v: 7, data: { count: 1 } }, 'other-version'],
    ['a value that is not an envelope', { count: 1 }, 'not-an-envelope'],
    ['a failed migration', { v: 1, data: 'not a number' }, 'migration-failed'],
  ])('GIVEN %s THEN it is logged, set aside and kept, and writes to it are refused', async (_name, stored, reason) => {
    await withRawKeyv(async (keyv) => {
      await keyv.set('guild:g1:counter', stored);
    });
    const { logger, lines } = captureLogger();
    const store = await openTracked(logger);
    expect(await store.read('g1', counterRecord)).toEqual({ count: 0 });
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, guildId: 'g1', key: 'counter', reason }));
    // Not overwritten: the next write is refused, and the value is still there, with its copy.
    await expect(store.update('g1', counterRecord, increment)).rejects.toBeInstanceOf(QuarantinedRecordError);
    await store.close();
    await withRawKeyv(async (keyv) => {
      expect(await keyv.get('guild:g1:counter')).toEqual(stored);
      expect(await keyv.get('guild:g1:quarantine:counter')).toMatchObject({
        v: 1,
        data: { raw: JSON.stringify(stored), problem: { reason } },
      });
    });
  });

  it('GIVEN text that is not JSON THEN it is logged and set aside verbatim', async () => {
    await withRawKeyv(async (_keyv, adapter) => {
      await adapter.set('roundtable:guild:g1:counter', 'not json {');
    });
    const { logger, lines } = captureLogger();
    const store = await openTracked(logger);
    expect(await store.read('g1', counterRecord)).toEqual({ count: 0 });
    expect(lines).toContainEqual(expect.objectContaining({ guildId: 'g1', key: 'counter', reason: 'not-json' }));
    expect(await store.readQuarantined('g1', 'counter')).toMatchObject({ raw: 'not json {' });
    // The listing is not broken by it either, and shows no quarantine keys.
    expect(await store.listRecords('')).toEqual([{ guildId: 'g1', key: 'counter' }]);
  });

  it('GIVEN an older version with a migration THEN the migrated value is read', async () => {
    await withRawKeyv(async (keyv) => {
      await keyv.set('guild:g1:counter', { v: 1, data: 41 });
    });
    const store = await openTracked();
    expect(await store.read('g1', counterRecord)).toEqual({ count: 41 });
    expect(await store.update('g1', counterRecord, increment)).toBe(42);
  });
});

describe('serialised mutations', () => {
  it('GIVEN 300 parallel increments of one guild THEN each applies once, in call order', async () => {
    const store = await openTracked();
    const results = await Promise.all(Array.from({ length: 300 }, () => store.update('g1', counterRecord, increment)));
    expect(results).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(await store.read('g1', counterRecord)).toEqual({ count: 300 });
    await store.close();
    expect(await (await openTracked()).read('g1', counterRecord)).toEqual({ count: 300 });
  });

  it('GIVEN a cache smaller than the working set THEN values are reloaded, never lost', async () => {
    const store = await openStore(url, pino({ level: 'silent' }), { cacheEntries: 2 });
    open.push(store);
    const guilds = ['g0', 'g1', 'g2', 'g3', 'g4'];
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => {
        const guildId = guilds[i % guilds.length] ?? 'g0';
        return i % 2 === 0
          ? store.update(guildId, counterRecord, increment)
          : store.update(guildId, roundRecord('c1'), (round) => ({
              value: { question: (round?.question ?? 0) + 1 },
              result: null,
            }));
      }),
    );
    for (const guildId of guilds) {
      expect(await store.read(guildId, counterRecord)).toEqual({ count: 30 });
      expect(await store.read(guildId, roundRecord('c1'))).toEqual({ question: 30 });
    }
  });

  it('GIVEN a long queue in one guild THEN another guild does not wait behind it', async () => {
    const store = await openTracked();
    const order: string[] = [];
    const busy = Array.from({ length: 200 }, (_, i) =>
      store.update('busy', counterRecord, increment).then(() => order.push(`busy-${i}`)),
    );
    const other = store.update('other', counterRecord, increment).then(() => order.push('other'));
    await Promise.all([...busy, other]);
    expect(order.indexOf('other')).toBeLessThan(order.indexOf('busy-199'));
    expect(await store.read('busy', counterRecord)).toEqual({ count: 200 });
    expect(await store.read('other', counterRecord)).toEqual({ count: 1 });
  });

  it('GIVEN pending updates THEN close waits for them, then refuses new calls', async () => {
    const store = await openTracked();
    let settled = 0;
    const pending = Array.from({ length: 100 }, (_, i) =>
      store.update(`g${i % 3}`, counterRecord, increment).then(() => settled++),
    );
    await store.close();
    expect(settled).toBe(100);
    await Promise.all(pending);
    await expect(store.read('g0', counterRecord)).rejects.toThrow('The store is closed');
    await expect(store.update('g0', counterRecord, increment)).rejects.toThrow('The store is closed');

    const reopened = await openTracked();
    const counts = await Promise.all(['g0', 'g1', 'g2'].map((g) => reopened.read(g, counterRecord)));
    expect(counts.map((c) => c.count)).toEqual([34, 33, 33]);
  });
});

describe('errors from the database', () => {
  it('GIVEN a path that is a folder THEN openStore rejects clearly and the error event is logged', async () => {
    const folder = join(dir, 'a-folder.sqlite');
    await mkdir(folder);
    const { logger, lines } = captureLogger();
    await expect(openStore(`sqlite://${folder}`, logger)).rejects.toThrow(/Cannot open the SQLite store at/);
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, msg: 'store error' }));
  });
});
