import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { GuildStore } from './guild-store.js';
import { defineRecord } from './record.js';

const benchCounter = defineRecord({
  key: 'bench:counter',
  version: 1,
  schema: z.object({ count: z.number().int() }),
  initial: () => ({ count: 0 }),
});

export interface WriteBench {
  readonly updates: number;
  readonly totalMs: number;
  readonly msPerUpdate: number;
}

/**
 * Time per acknowledged update: each one awaits the durable write before the
 * next starts, as a click's acknowledgement does. Cleans up its record after.
 */
export async function benchWrites(
  store: GuildStore,
  options: { readonly updates?: number; readonly guildId?: string } = {},
): Promise<WriteBench> {
  const updates = options.updates ?? 1000;
  const guildId = options.guildId ?? 'bench';
  // One warm-up write, so opening the file and the first cache fill are not timed.
  await store.update(guildId, benchCounter, (current) => ({ value: { count: current.count + 1 }, result: null }));
  const start = performance.now();
  for (let i = 0; i < updates; i++) {
    await store.update(guildId, benchCounter, (current) => ({ value: { count: current.count + 1 }, result: null }));
  }
  const totalMs = performance.now() - start;
  await store.delete(guildId, benchCounter);
  return { updates, totalMs, msPerUpdate: totalMs / updates };
}
