import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyvHooks } from 'keyv';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGuildStore, defineRecord, type GuildStore, openStore } from '../src/store/index.js';
import { openKeyv } from '../src/store/open-keyv.js';

const chunkRecord = defineRecord({
  key: (n: string) => `answers:${n}`,
  version: 1,
  schema: z.array(z.string()),
  initial: (): string[] => [],
});

let dir: string;
let url: string;
const open: GuildStore[] = [];

/** A store whose reads of the database are counted: `get` and `getMany` calls, with their keys. */
async function observedStore(): Promise<{ store: GuildStore; reads: string[][] }> {
  const keyv = await openKeyv(url, pino({ level: 'silent' }));
  const reads: string[][] = [];
  keyv.hooks.addHandler(KeyvHooks.PRE_GET, (data: { key: string }) => reads.push([data.key]));
  keyv.hooks.addHandler(KeyvHooks.PRE_GET_MANY, (data: { keys: string[] }) => reads.push(data.keys));
  const store = createGuildStore(keyv, pino({ level: 'silent' }));
  open.push(store);
  return { store, reads };
}

async function openTracked(): Promise<GuildStore> {
  const store = await openStore(url, pino({ level: 'silent' }));
  open.push(store);
  return store;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roundtable-store-ops-'));
  url = `sqlite://${join(dir, 'roundtable.sqlite')}`;
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('put and readMany', () => {
  it('GIVEN puts THEN readMany reads them back in order, undefined where absent, also after a reopen', async () => {
    const store = await openTracked();
    await store.put('g1', chunkRecord('1'), ['a', 'b']);
    await store.put('g1', chunkRecord('3'), []);
    const records = [chunkRecord('1'), chunkRecord('2'), chunkRecord('3')];
    expect(await store.readMany('g1', records)).toEqual([['a', 'b'], undefined, []]);
    await store.close();
    expect(await (await openTracked()).readMany('g1', records)).toEqual([['a', 'b'], undefined, []]);
  });

  it('refuses to put a value that fails the schema and stores nothing', async () => {
    const store = await openTracked();
    await expect(store.put('g1', chunkRecord('1'), ['ok'])).resolves.toBeUndefined();
    // @ts-expect-error: a number is not an answer id, which is the point.
    await expect(store.put('g1', chunkRecord('2'), [1])).rejects.toThrow(/Refusing to store an invalid answers:2/);
    expect(await store.readMany('g1', [chunkRecord('2')])).toEqual([undefined]);
  });

  it('reads what is not cached in one getMany, then serves it from the cache', async () => {
    const first = await openTracked();
    for (const n of ['1', '2', '3']) await first.put('g1', chunkRecord(n), [n]);
    await first.close();

    const { store, reads } = await observedStore();
    const records = ['1', '2', '3', '4'].map((n) => chunkRecord(n));
    expect(await store.read('g1', chunkRecord('1'))).toEqual(['1']);
    reads.length = 0;
    expect(await store.readMany('g1', records)).toEqual([['1'], ['2'], ['3'], undefined]);
    // The quarantine index was read with the first read; `answers:1` was cached by it.
    expect(reads).toEqual([
      ['roundtable:guild:g1:answers:2', 'roundtable:guild:g1:answers:3', 'roundtable:guild:g1:answers:4'],
    ]);
    reads.length = 0;
    expect(await store.readMany('g1', records)).toEqual([['1'], ['2'], ['3'], undefined]);
    expect(await store.read('g1', chunkRecord('4'))).toEqual([]);
    expect(reads).toEqual([]);
  });

  it('GIVEN a put to a new key THEN nothing is read first, and readMany sees it at once', async () => {
    const { store, reads } = await observedStore();
    await store.read('g1', chunkRecord('0'));
    reads.length = 0;
    await Promise.all(['1', '2', '3'].map((n) => store.put('g1', chunkRecord(n), [n])));
    expect(reads).toEqual([]);
    expect(await store.readMany('g1', [chunkRecord('1'), chunkRecord('2'), chunkRecord('3')])).toEqual([
      ['1'],
      ['2'],
      ['3'],
    ]);
    expect(reads).toEqual([]);
  });

  it('GIVEN readMany and updates of the same keys at once THEN the cache keeps the written values', async () => {
    const store = await openStore(url, pino({ level: 'silent' }), { cacheEntries: 3 });
    open.push(store);
    const records = Array.from({ length: 6 }, (_, i) => chunkRecord(String(i)));
    for (let round = 1; round <= 20; round++) {
      const value = [String(round)];
      await Promise.all([
        store.readMany('g1', records),
        ...records.map((record) => store.update('g1', record, () => ({ value, result: null }))),
        store.readMany('g1', records),
      ]);
      expect(await store.readMany('g1', records)).toEqual(records.map(() => value));
    }
  });
});
