import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv, { KeyvHooks } from 'keyv';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGuildStore, defineRecord, type GuildStore, openStore } from '../src/store/index.js';
import { openKeyv } from '../src/store/open-keyv.js';
import { SqliteAdapter } from '../src/store/sqlite-adapter.js';

/**
 * Group commit and per-key lanes, observed through a real Keyv on a real SQLite
 * file: its preSet hook shows each write the store sends, in order.
 */

const logger = pino({ level: 'silent' });

const CounterSchema = z.object({ count: z.number().int().nonnegative() });
type Counter = z.infer<typeof CounterSchema>;

const counterRecord = defineRecord({
  key: (name: string) => `counter:${name}`,
  version: 1,
  schema: CounterSchema,
  initial: (): Counter => ({ count: 0 }),
});

const listRecord = defineRecord({
  key: 'list',
  version: 1,
  schema: z.object({ items: z.array(z.object({ name: z.string() })) }),
  initial: () => ({ items: [] }),
});

function increment(current: Counter): { value: Counter; result: number } {
  const count = current.count + 1;
  return { value: { count }, result: count };
}

let dir: string;
let file: string;
let url: string;
const open: GuildStore[] = [];
const rawKeyvs: Keyv[] = [];

/** A store whose every write (Keyv set or delete) is recorded as `set <key>` / `delete <key>`. */
async function observedStore(): Promise<{ store: GuildStore; writes: string[] }> {
  const keyv = await openKeyv(url, logger);
  const writes: string[] = [];
  keyv.hooks.addHandler(KeyvHooks.PRE_SET, (data: { key: string }) => writes.push(`set ${data.key}`));
  keyv.hooks.addHandler(KeyvHooks.PRE_DELETE, (data: { key: string }) => writes.push(`delete ${data.key}`));
  const store = createGuildStore(keyv, logger);
  open.push(store);
  return { store, writes };
}

/** A second connection to the same file, as another reader would have. */
function rawKeyv(): { keyv: Keyv; adapter: SqliteAdapter } {
  const adapter = new SqliteAdapter(file, { busyTimeout: 5000 });
  const keyv = new Keyv(adapter, { namespace: 'roundtable' });
  rawKeyvs.push(keyv);
  return { keyv, adapter };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roundtable-batching-'));
  file = join(dir, 'roundtable.sqlite');
  url = `sqlite://${file}`;
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
  await Promise.all(rawKeyvs.splice(0).map((keyv) => keyv.disconnect()));
  await rm(dir, { recursive: true, force: true });
});

describe('group commit', () => {
  it('GIVEN 500 concurrent updates of one key THEN far fewer writes, each caller gets its own result', async () => {
    const { store, writes } = await observedStore();
    const results = await Promise.all(
      Array.from({ length: 500 }, () => store.update('g1', counterRecord('a'), increment)),
    );
    expect(results).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    // The first goes out alone; everything that queued behind it goes out as one write.
    expect(writes.filter((w) => w === 'set guild:g1:counter:a').length).toBeLessThanOrEqual(3);
    await store.close();
    const reopened = await openStore(url, logger);
    open.push(reopened);
    expect(await reopened.read('g1', counterRecord('a'))).toEqual({ count: 500 });
  });

  it('resolves each update only once its write is readable by another connection', async () => {
    const { store } = await observedStore();
    const { keyv } = rawKeyv();
    const Stored = z.object({ v: z.literal(1), data: CounterSchema });
    const seen = await Promise.all(
      Array.from({ length: 200 }, () =>
        store.update('g1', counterRecord('a'), increment).then(async (result) => {
          const stored = Stored.parse(await keyv.get('guild:g1:counter:a'));
          return stored.data.count >= result;
        }),
      ),
    );
    expect(seen.every(Boolean)).toBe(true);
  });

  it('GIVEN fns that throw, refuse or change nothing in one batch THEN only those callers are refused', async () => {
    const { store, writes } = await observedStore();
    await store.update('g1', counterRecord('a'), increment);
    const outcomes = await Promise.allSettled([
      store.update('g1', counterRecord('a'), increment),
      store.update('g1', counterRecord('a'), () => {
        throw new Error('engine bug');
      }),
      store.update('g1', counterRecord('a'), increment),
      store.update('g1', counterRecord('a'), () => ({ value: { count: -1 }, result: 'invalid' })),
      store.update('g1', counterRecord('a'), (current) => ({ value: current, result: `still ${current.count}` })),
      store.update('g1', counterRecord('a'), increment),
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : String(o.reason)))).toEqual([
      2,
      'Error: engine bug',
      3,
      expect.stringMatching(/Refusing to store an invalid counter:a for guild g1/),
      'still 3',
      4,
    ]);
    expect(writes.length).toBeLessThan(5);
    expect(await store.read('g1', counterRecord('a'))).toEqual({ count: 4 });
  });

  it('GIVEN only unchanged values THEN nothing is written', async () => {
    const { store, writes } = await observedStore();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.update('g1', counterRecord('a'), (current) => ({ value: current, result: i })),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(writes).toEqual([]);
  });

  it('GIVEN the database refuses a write THEN every waiter of that batch is rejected and none is kept', async () => {
    const { store } = await observedStore();
    expect(await store.update('g1', counterRecord('a'), increment)).toBe(1);
    // A real failure of the database: a trigger aborts writes to the key while the switch is on.
    const { adapter } = rawKeyv();
    await adapter.query('CREATE TABLE fail_switch (fail INTEGER NOT NULL)');
    await adapter.query('INSERT INTO fail_switch VALUES (1)');
    for (const event of ['INSERT', 'UPDATE']) {
      await adapter.query(`CREATE TRIGGER refuse_${event} BEFORE ${event} ON keyv
        WHEN NEW.key = 'roundtable:guild:g1:counter:a' AND (SELECT fail FROM fail_switch) = 1
        BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    }
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () => store.update('g1', counterRecord('a'), increment)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toEqual([]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : ''))).toEqual(
      Array.from({ length: 50 }, () => expect.stringContaining('disk says no')),
    );
    // Another key of the same server is not affected.
    expect(await store.update('g1', counterRecord('b'), increment)).toBe(1);

    await adapter.query('UPDATE fail_switch SET fail = 0');
    expect(await store.read('g1', counterRecord('a'))).toEqual({ count: 1 });
    expect(await store.update('g1', counterRecord('a'), increment)).toBe(2);
  });
});

describe('per-key lanes', () => {
  it('GIVEN a key with a write in flight and more queued THEN another key of the server writes first', async () => {
    const { store, writes } = await observedStore();
    // Both cached, so neither needs a read before its write.
    await store.update('g1', counterRecord('busy'), increment);
    await store.update('g1', counterRecord('other'), increment);
    writes.length = 0;

    const busy = Array.from({ length: 100 }, () => store.update('g1', counterRecord('busy'), increment));
    const other = store.update('g1', counterRecord('other'), increment);
    await Promise.all([...busy, other]);
    // The busy key's queued batch waits for its first write; the other key does not wait at all.
    expect(writes).toEqual(['set guild:g1:counter:busy', 'set guild:g1:counter:other', 'set guild:g1:counter:busy']);
    expect(await store.read('g1', counterRecord('busy'))).toEqual({ count: 101 });
    expect(await store.read('g1', counterRecord('other'))).toEqual({ count: 2 });
  });

  it('GIVEN a key whose write fails THEN a queued write of another key of the server still lands', async () => {
    const { store } = await observedStore();
    const { adapter } = rawKeyv();
    await adapter.query(`CREATE TRIGGER refuse BEFORE INSERT ON keyv WHEN NEW.key LIKE '%:counter:broken'
      BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    const [broken, fine] = await Promise.allSettled([
      store.update('g1', counterRecord('broken'), increment),
      store.update('g1', counterRecord('fine'), increment),
    ]);
    expect(broken?.status).toBe('rejected');
    expect(fine).toEqual({ status: 'fulfilled', value: 1 });
  });
});

describe('frozen values', () => {
  it('hands out frozen values: changing one throws, and the stored value stays as it was', async () => {
    const { store } = await observedStore();
    await store.update('g1', listRecord, () => ({ value: { items: [{ name: 'a' }] }, result: null }));
    const read = await store.read('g1', listRecord);
    expect(() => {
      read.items.push({ name: 'b' });
    }).toThrow(TypeError);
    expect(() => {
      const [first] = read.items;
      if (first) first.name = 'changed';
    }).toThrow(TypeError);
    // The initial value is frozen too, so code cannot come to rely on changing it.
    const empty = await store.read('g2', listRecord);
    expect(Object.isFrozen(empty.items)).toBe(true);
    expect(await store.read('g1', listRecord)).toEqual({ items: [{ name: 'a' }] });
  });

  it('serves the same frozen object from the cache and hands it to update fns', async () => {
    const { store } = await observedStore();
    await store.put('g1', listRecord, { items: [{ name: 'a' }] });
    const first = await store.read('g1', listRecord);
    expect(await store.read('g1', listRecord)).toBe(first);
    const seen = await store.update('g1', listRecord, (current) => ({ value: current, result: current }));
    expect(seen).toBe(first);
    await expect(
      store.update('g1', listRecord, (current) => {
        current.items.push({ name: 'mutated' });
        return { value: current, result: null };
      }),
    ).rejects.toThrow(TypeError);
    // Values built from the frozen one are fine, and the caller's own object is left unfrozen.
    const mine = { items: [...first.items, { name: 'b' }] };
    await store.update('g1', listRecord, () => ({ value: mine, result: null }));
    expect(Object.isFrozen(mine)).toBe(false);
    expect(await store.read('g1', listRecord)).toEqual({ items: [{ name: 'a' }, { name: 'b' }] });
  });

  it('reads values written before a restart as frozen', async () => {
    const { store } = await observedStore();
    await store.update('g1', listRecord, () => ({ value: { items: [{ name: 'a' }] }, result: null }));
    await store.close();
    const reopened = await openStore(url, logger);
    open.push(reopened);
    const read = await reopened.read('g1', listRecord);
    expect(Object.isFrozen(read.items[0])).toBe(true);
  });
});
