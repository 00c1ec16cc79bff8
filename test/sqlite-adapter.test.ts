import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteAdapter } from '../src/store/sqlite-adapter.js';

let dir: string;
let keyv: Keyv<unknown>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roundtable-sqlite-adapter-'));
  keyv = new Keyv<unknown>(new SqliteAdapter(join(dir, 'store.sqlite')), { namespace: 'roundtable' });
});

afterEach(async () => {
  await keyv.disconnect();
  await rm(dir, { recursive: true, force: true });
});

describe('the SQLite adapter under Keyv', () => {
  it('GIVEN values set THEN get, getMany, has and delete answer as Keyv promises', async () => {
    await keyv.set('a', { n: 1 });
    await keyv.set('b', 'text');
    expect(await keyv.get('a')).toEqual({ n: 1 });
    expect(await keyv.get(['b', 'missing', 'a'])).toEqual(['text', undefined, { n: 1 }]);
    expect(await keyv.has('b')).toBe(true);
    expect(await keyv.delete('b')).toBe(true);
    expect(await keyv.delete('b')).toBe(false);
    expect(await keyv.get('b')).toBeUndefined();
  });

  it('GIVEN more keys than a page WHEN writes land during the listing THEN every key is listed once and the writes succeed', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    for (const key of keys) await keyv.set(key, key);
    const seen: string[] = [];
    const { iterator } = keyv;
    if (!iterator) throw new Error('the adapter must be listable');
    for await (const entry of iterator(undefined)) {
      const [key] = entry;
      if (typeof key === 'string') seen.push(key);
      // A write between entries: an open cursor would make better-sqlite3 refuse it.
      if (seen.length % 700 === 0) await keyv.set(`w${seen.length}`, seen.length);
    }
    expect(seen.filter((key) => key.startsWith('k'))).toEqual(keys);
    expect(await keyv.get('w1400')).toBe(1400);
  });

  it('GIVEN a caller that writes in a loop THEN timers and I/O still run between its writes', async () => {
    // Settled without a turn of the event loop, a loop of awaited statements would never
    // let a timer fire (nor a socket be read or stdout be flushed) until it ended.
    let fired = 0;
    const timer = setInterval(() => fired++, 1);
    try {
      const startedAt = Date.now();
      for (let i = 0; Date.now() - startedAt < 50; i++) await keyv.set('loop', i);
      expect(fired).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
  });
});
