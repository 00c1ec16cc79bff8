import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRecord, type GuildStore, openStore } from '../src/store/index.js';

const chunkRecord = defineRecord({
  key: (n: string) => `answers:${n}`,
  version: 1,
  schema: z.array(z.string()),
  initial: (): string[] => [],
});

let dir: string;
let url: string;
const open: GuildStore[] = [];

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
    await expect(
      store.put('g1', chunkRecord('1'), z.array(z.string()).parse([]).concat(['ok'])),
    ).resolves.toBeUndefined();
    // @ts-expect-error: a number is not an answer id, which is the point.
    await expect(store.put('g1', chunkRecord('2'), [1])).rejects.toThrow(/Refusing to store an invalid answers:2/);
    expect(await store.readMany('g1', [chunkRecord('2')])).toEqual([undefined]);
  });
});
