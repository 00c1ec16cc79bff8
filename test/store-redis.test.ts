import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRecord, type GuildStore, openStore } from '../src/store/index.js';

const redisUrl = process.env.REDIS_URL;
const logger = pino({ level: 'silent' });

const counterRecord = defineRecord({
  key: 'counter',
  version: 1,
  schema: z.object({ count: z.number().int() }),
  initial: () => ({ count: 0 }),
});

const roundRecord = defineRecord({
  key: (channelId: string) => `quiz:round:${channelId}`,
  version: 1,
  schema: z.object({ question: z.number().int() }).nullable(),
  initial: (): { question: number } | null => null,
});

function increment(current: { count: number }) {
  const count = current.count + 1;
  return { value: { count }, result: count };
}

if (!redisUrl) {
  it.skip('Redis store tests: skipped because REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379)', () => {});
}

describe.runIf(redisUrl)('GuildStore on Redis', () => {
  const url = redisUrl ?? '';
  // Guild ids unique to this run, so a shared server's other data is never touched.
  const run = randomUUID().slice(0, 8);
  const guildA = `test-${run}-a`;
  const guildB = `test-${run}-b`;
  const opened: GuildStore[] = [];

  async function openTracked(): Promise<GuildStore> {
    const store = await openStore(url, logger);
    opened.push(store);
    return store;
  }

  afterAll(async () => {
    const cleanup = await openStore(url, logger);
    for (const guildId of [guildA, guildB]) {
      await cleanup.delete(guildId, counterRecord);
      await cleanup.delete(guildId, roundRecord('c1'));
    }
    await cleanup.close();
    await Promise.all(opened.map((store) => store.close()));
  });

  it('GIVEN 300 parallel increments THEN each applies once and survives a reopen', async () => {
    const store = await openTracked();
    const results = await Promise.all(
      Array.from({ length: 300 }, () => store.update(guildA, counterRecord, increment)),
    );
    expect(results).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    await store.close();
    expect(await (await openTracked()).read(guildA, counterRecord)).toEqual({ count: 300 });
  });

  it('lists records by prefix and deletes them', async () => {
    const store = await openTracked();
    await store.update(guildB, roundRecord('c1'), () => ({ value: { question: 2 }, result: null }));
    const mine = (await store.listRecords('quiz:round:')).filter((entry) => entry.guildId === guildB);
    expect(mine).toEqual([{ guildId: guildB, key: 'quiz:round:c1' }]);
    await store.delete(guildB, roundRecord('c1'));
    await store.close();
    expect(await (await openTracked()).read(guildB, roundRecord('c1'))).toBeNull();
  });
});
