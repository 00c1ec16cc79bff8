import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRecord, openStore } from '../src/store/index.js';

const GUILDS = ['g0', 'g1', 'g2', 'g3'];

const counterRecord = defineRecord({
  key: 'counter',
  version: 1,
  schema: z.object({ count: z.number().int() }),
  initial: () => ({ count: 0 }),
});

// The child writes as fast as it can in four guilds at once and prints every
// count only after its update resolved, i.e. after the store acknowledged it.
// Each guild's next update waits until its line has left the process (the write's
// callback): a line still queued in the child when the kill comes never reaches
// the parent, and the bound below allows one unprinted write per guild, not a
// queue of them. (The child's stdout is a socket that holds only ~280 unread lines.)
const CHILD = `
import pino from 'pino';
import { z } from 'zod';
const [, storeModule, url] = process.argv;
const { defineRecord, openStore } = await import(storeModule);
const counter = defineRecord({
  key: 'counter', version: 1, schema: z.object({ count: z.number().int() }), initial: () => ({ count: 0 }),
});
const store = await openStore(url, pino({ level: 'silent' }));
await Promise.all(${JSON.stringify(GUILDS)}.map(async (guildId) => {
  for (;;) {
    const count = await store.update(guildId, counter, (c) => ({ value: { count: c.count + 1 }, result: c.count + 1 }));
    await new Promise((done, fail) => process.stdout.write(guildId + ' ' + count + '\\n', (e) => (e ? fail(e) : done())));
  }
}));
`;

const ACK = /^(g\d) (\d+)$/;

/** Runs the child until it acknowledged `acks` more writes, then kills it with SIGKILL. */
async function writeAndKill(url: string, acks: number): Promise<Map<string, number>> {
  const storeModule = pathToFileURL(resolve('src/store/index.ts')).href;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, storeModule, url], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acknowledged = new Map<string, number>();
  let seen = 0;
  let pending = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [, guildId, count] = ACK.exec(line) ?? [];
      if (guildId === undefined || count === undefined) throw new Error(`Unexpected child output: ${line}`);
      acknowledged.set(guildId, Number(count));
      seen++;
    }
    if (seen >= acks) child.kill('SIGKILL');
  });
  // A safety stop only: the child makes 2,100 writes in about a second.
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const signal = await new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, sig) => done(sig)));
  clearTimeout(timer);
  expect(seen, `the child acknowledged too few writes before it was stopped; stderr: ${stderr}`).toBeGreaterThanOrEqual(
    acks,
  );
  expect(signal).toBe('SIGKILL');
  return acknowledged;
}

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roundtable-durability-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('GIVEN a writer killed with SIGKILL mid-stream THEN every acknowledged write is in the file', async () => {
  const url = `sqlite://${join(dir, 'roundtable.sqlite')}`;
  // Three kills at different points, each run continuing from what the last one left.
  for (const acks of [500, 1300, 2100]) {
    const acknowledged = await writeAndKill(url, acks);
    const store = await openStore(url, pino({ level: 'silent' }));
    try {
      for (const guildId of GUILDS) {
        const { count } = await store.read(guildId, counterRecord);
        const acked = acknowledged.get(guildId) ?? 0;
        expect(count, guildId).toBeGreaterThanOrEqual(acked);
        // At most the one write that landed but was not yet printed when the kill came.
        expect(count, guildId).toBeLessThanOrEqual(acked + 1);
      }
    } finally {
      await store.close();
    }
  }
}, 200_000);
