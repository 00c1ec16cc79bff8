import Keyv from 'keyv';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGuildStore, defineRecord, type GuildStore, StoreUnavailableError } from '../src/store/index.js';
import { captureLogger } from './support/capture-logger.js';

/**
 * A backend that stops answering (a frozen Redis) or refuses every call (one
 * that is down), injected under a real Keyv: the store bounds each call, says
 * "unavailable" in words for the user, refuses at once while it is down, and
 * comes back by itself.
 */

const counterRecord = defineRecord({
  key: 'counter',
  version: 1,
  schema: z.object({ count: z.number().int() }),
  initial: () => ({ count: 0 }),
});

const increment = (current: { count: number }) => ({ value: { count: current.count + 1 }, result: current.count + 1 });

/** A Map behind a switch: `answering`, `frozen` (calls never settle until thawed) or `refusing`. */
function faultyBackend() {
  const data = new Map<string, unknown>();
  let mode: 'answering' | 'frozen' | 'refusing' = 'answering';
  let thaw: () => void = () => undefined;
  let thawed = Promise.resolve();
  const control = {
    calls: 0,
    freeze() {
      mode = 'frozen';
      thawed = new Promise((resolve) => {
        thaw = resolve;
      });
    },
    refuse() {
      mode = 'refusing';
    },
    answer() {
      mode = 'answering';
      thaw();
    },
  };
  async function gate(): Promise<void> {
    control.calls += 1;
    if (mode === 'refusing')
      throw Object.assign(new Error('connect ECONNREFUSED (simulated)'), { code: 'ECONNREFUSED' });
    if (mode === 'frozen') await thawed;
  }
  const store = {
    async get(key: string) {
      await gate();
      return data.get(key);
    },
    async set(key: string, value: unknown) {
      await gate();
      data.set(key, value);
      return true;
    },
    async delete(key: string) {
      await gate();
      return data.delete(key);
    },
    async clear() {
      data.clear();
    },
  };
  return { store, data, control };
}

describe('a store whose backend goes away', () => {
  const stores: GuildStore[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  function open(timeoutMs = 150) {
    const backend = faultyBackend();
    const capture = captureLogger();
    const keyv = new Keyv<unknown>({ store: backend.store, namespace: 'roundtable', throwOnErrors: true });
    const store = createGuildStore(keyv, capture.logger, { timeoutMs });
    stores.push(store);
    return { ...backend, store, capture };
  }

  it('GIVEN a backend that stops answering THEN the first call fails after the timeout, the next at once, and nothing is acknowledged', async () => {
    const { store, control, data } = open();
    expect(await store.update('g1', counterRecord, increment)).toBe(1);
    control.freeze();
    const first = store.update('g1', counterRecord, increment);
    await expect(first).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(first).rejects.toThrow("The bot's storage is unavailable right now; try again in a moment.");
    // Refused without waiting out another timeout: no call reaches the backend.
    const calls = control.calls;
    await expect(store.update('g1', counterRecord, increment)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.read('g2', counterRecord)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(control.calls).toBe(calls);

    const available = new Promise<void>((resolve) => store.onAvailable(resolve));
    control.answer();
    await available;
    // The frozen write landed late; the store reads the record again rather than trust its cache.
    const stored = [...data.values()];
    expect(stored).toHaveLength(1);
    expect(await store.update('g1', counterRecord, increment)).toBe(3);
  });

  it('GIVEN a backend that refuses every call THEN each is refused as unavailable, and once it answers the store works again', async () => {
    const { store, control, capture } = open();
    await store.update('g1', counterRecord, increment);
    control.refuse();
    await expect(store.update('g1', counterRecord, increment)).rejects.toThrow(StoreUnavailableError);
    await expect(store.update('g1', counterRecord, increment)).rejects.toThrow(StoreUnavailableError);
    expect(capture.lines.filter((l) => l.msg.startsWith('the store is unavailable'))).toHaveLength(1);
    const available = new Promise<void>((resolve) => store.onAvailable(resolve));
    control.answer();
    await available;
    expect(await store.update('g1', counterRecord, increment)).toBe(2);
    expect(capture.lines.some((l) => l.msg === 'the store is available again')).toBe(true);
  });
});
