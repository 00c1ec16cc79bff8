import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import KeyvRedis from '@keyv/redis';
import pino, { type Logger } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRecord, type GuildStore, openStore, QuarantinedRecordError } from '../src/store/index.js';
import { SqliteAdapter } from '../src/store/sqlite-adapter.js';
import { captureLogger } from './support/capture-logger.js';

/**
 * Unreadable stored values are set aside, on SQLite and (with REDIS_URL) on
 * Redis: corrupt values are written raw, beside the store, as another tool or a
 * bug would leave them.
 */

const counterRecord = defineRecord({
  key: 'counter',
  version: 2,
  schema: z.object({ count: z.number().int().nonnegative() }),
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

/** Raw access to the stored text of a key (`guild:<id>:<key>`), past the store. */
interface RawAccess {
  write(key: string, text: string): Promise<void>;
  read(key: string): Promise<string | undefined>;
  close(): Promise<void>;
}

interface Backend {
  readonly name: string;
  readonly available: boolean;
  /** A fresh store location for one test. */
  location(): Promise<string>;
  raw(url: string): RawAccess;
}

const TextValue = z.string().optional();

const sqlite: Backend = {
  name: 'SQLite',
  available: true,
  async location() {
    const dir = await mkdtemp(join(tmpdir(), 'roundtable-quarantine-'));
    temps.push(dir);
    return `sqlite://${join(dir, 'roundtable.sqlite')}`;
  },
  raw(url) {
    const adapter = new SqliteAdapter(url.slice('sqlite://'.length), { busyTimeout: 5000 });
    return {
      // Keyv keys on SQLite are `roundtable:<key>`.
      write: async (key, text) => {
        await adapter.set(`roundtable:${key}`, text);
      },
      read: async (key) => TextValue.parse((await adapter.get(`roundtable:${key}`)) ?? undefined),
      close: () => adapter.disconnect(),
    };
  },
};

const redisUrl = process.env.REDIS_URL;
const redis: Backend = {
  name: 'Redis',
  available: redisUrl !== undefined,
  location: async () => redisUrl ?? '',
  raw(url) {
    // The adapter adds the namespace prefix itself, as the store's does.
    const adapter = new KeyvRedis(url, { namespace: 'roundtable', throwOnErrors: true });
    return {
      write: async (key, text) => {
        await adapter.set(key, text);
      },
      read: async (key) => TextValue.parse((await adapter.get(key)) ?? undefined),
      close: () => adapter.disconnect(),
    };
  },
};

const temps: string[] = [];
const open: GuildStore[] = [];
const raws: RawAccess[] = [];
// Unique per run, so a shared Redis keeps other data apart; cleaned up below.
const run = randomUUID().slice(0, 8);
let serial = 0;
const usedGuilds: { url: string; guildId: string }[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
  await Promise.all(raws.splice(0).map((raw) => raw.close()));
});

afterAll(async () => {
  if (redisUrl) {
    const cleanup = await openStore(redisUrl, pino({ level: 'silent' }));
    for (const { url, guildId } of usedGuilds) {
      if (url !== redisUrl) continue;
      for (const key of ['counter', 'quiz:round:c1']) await cleanup.discardQuarantined(guildId, key);
      for (const channelId of ['c1', 'c2']) await cleanup.delete(guildId, roundRecord(channelId));
      await cleanup.delete(guildId, counterRecord).catch(() => undefined);
    }
    await cleanup.close();
  }
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CLI = resolve('src/bin/store-quarantine.ts');

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run store:quarantine -- <args>` as its own process, with only STORE_URL set. */
async function cli(url: string, ...args: string[]): Promise<CliRun> {
  const cwd = await mkdtemp(join(tmpdir(), 'roundtable-quarantine-cli-'));
  temps.push(cwd);
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', STORE_URL: url, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((done) => child.once('close', done));
  return { code, stdout, stderr };
}

describe.each([sqlite, redis])('quarantine on $name', (backend) => {
  let url: string;
  let guildId: string;
  let otherGuild: string;

  async function setUp(): Promise<RawAccess> {
    url = await backend.location();
    serial++;
    guildId = `q${run}a${serial}`;
    otherGuild = `q${run}b${serial}`;
    usedGuilds.push({ url, guildId }, { url, guildId: otherGuild });
    const raw = backend.raw(url);
    raws.push(raw);
    return raw;
  }

  async function openTracked(logger: Logger = pino({ level: 'silent' })): Promise<GuildStore> {
    const store = await openStore(url, logger);
    open.push(store);
    return store;
  }

  const bad = JSON.stringify({ value: { v: 2, data: { count: 'many' } } });

  it.runIf(backend.available)(
    'GIVEN a value failing its schema THEN it is reported, copied verbatim, refused, and the rest works',
    async () => {
      const raw = await setUp();
      const seed = await openTracked();
      await seed.update(guildId, roundRecord('c1'), () => ({ value: { question: 1 }, result: null }));
      await seed.update(otherGuild, counterRecord, increment);
      await seed.close();
      await raw.write(`guild:${guildId}:counter`, bad);

      const { logger, lines } = captureLogger();
      const store = await openTracked(logger);
      expect(await store.read(guildId, counterRecord)).toEqual({ count: 0 });
      expect(lines).toContainEqual(
        expect.objectContaining({ level: 50, guildId, key: 'counter', reason: 'invalid-data' }),
      );

      // Every write is refused with an error meant for the user.
      for (const attempt of [
        () => store.update(guildId, counterRecord, increment),
        () => store.put(guildId, counterRecord, { count: 5 }),
        () => store.delete(guildId, counterRecord),
      ]) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(QuarantinedRecordError);
        expect(error).toMatchObject({ guildId, key: 'counter' });
        expect(String(error)).toMatch(/could not be read and was set aside for the bot's operator/);
      }
      expect(await store.readMany(guildId, [counterRecord])).toEqual([undefined]);

      // The bad value is where it was; its copy is beside it, with time and problem.
      expect(await raw.read(`guild:${guildId}:counter`)).toBe(bad);
      const copy = await store.readQuarantined(guildId, 'counter');
      expect(copy).toMatchObject({
        raw: JSON.stringify({ v: 2, data: { count: 'many' } }),
        recordVersion: 2,
        problem: { reason: 'invalid-data', issues: [expect.stringContaining('count')] },
      });
      expect(Date.parse(copy?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);

      // The server's other records and other servers go on.
      expect(await store.read(guildId, roundRecord('c1'))).toEqual({ question: 1 });
      await store.update(guildId, roundRecord('c1'), () => ({ value: { question: 2 }, result: null }));
      expect(await store.update(otherGuild, counterRecord, increment)).toBe(2);
      const mine = (await store.listRecords('')).filter((entry) => entry.guildId === guildId);
      expect(mine).toEqual([
        { guildId, key: 'counter' },
        { guildId, key: 'quiz:round:c1' },
      ]);

      // After a restart: still refused, without being read or reported again.
      await store.close();
      const restarted = captureLogger();
      const reopened = await openTracked(restarted.logger);
      expect(await reopened.read(guildId, counterRecord)).toEqual({ count: 0 });
      await expect(reopened.put(guildId, counterRecord, { count: 1 })).rejects.toBeInstanceOf(QuarantinedRecordError);
      await expect(reopened.update(guildId, counterRecord, increment)).rejects.toBeInstanceOf(QuarantinedRecordError);
      expect(restarted.lines.filter((line) => line.level >= 50)).toEqual([]);
      expect(await reopened.read(guildId, roundRecord('c1'))).toEqual({ question: 2 });
      expect((await reopened.listQuarantined()).filter((entry) => entry.guildId === guildId)).toEqual([
        { guildId, key: 'counter', at: copy?.at, problem: copy?.problem },
      ]);
    },
  );

  it.runIf(backend.available)('GIVEN text that is not JSON THEN its copy is the text verbatim', async () => {
    const raw = await setUp();
    await raw.write(`guild:${guildId}:quiz:round:c1`, '{"value": {"v": 1, "data": {"quest');
    const store = await openTracked();
    expect(await store.readMany(guildId, [roundRecord('c1'), roundRecord('c2')])).toEqual([undefined, undefined]);
    expect(await store.readQuarantined(guildId, 'quiz:round:c1')).toMatchObject({
      raw: '{"value": {"v": 1, "data": {"quest',
      problem: { reason: 'not-json' },
    });
    await expect(
      store.update(guildId, roundRecord('c1'), () => ({ value: { question: 1 }, result: null })),
    ).rejects.toBeInstanceOf(QuarantinedRecordError);
    await store.update(guildId, roundRecord('c2'), () => ({ value: { question: 1 }, result: null }));
    expect(await store.readMany(guildId, [roundRecord('c1'), roundRecord('c2')])).toEqual([undefined, { question: 1 }]);
  });

  it.runIf(backend.available)(
    'GIVEN the CLI THEN list, show and discard work, and a running store accepts writes again',
    { timeout: 60_000 },
    async () => {
      const raw = await setUp();
      await raw.write(`guild:${guildId}:counter`, bad);
      await raw.write(`guild:${otherGuild}:quiz:round:c1`, 'not json {');
      const running = await openTracked();
      expect(await running.read(guildId, counterRecord)).toEqual({ count: 0 });
      expect(await running.read(otherGuild, roundRecord('c1'))).toBeNull();
      await expect(running.update(guildId, counterRecord, increment)).rejects.toBeInstanceOf(QuarantinedRecordError);

      const listed = await cli(url, 'list');
      expect(listed.code, listed.stderr).toBe(0);
      const mine = listed.stdout
        .split('\n')
        .filter((line) => line.startsWith(`${guildId}\t`) || line.startsWith(`${otherGuild}\t`));
      expect(mine).toEqual([
        expect.stringMatching(new RegExp(`^${guildId}\\tcounter\\t\\d{4}-\\d\\d-\\d\\dT.*Z\\tinvalid-data: count: `)),
        expect.stringMatching(new RegExp(`^${otherGuild}\\tquiz:round:c1\\t.*\\tnot-json$`)),
      ]);

      const shown = await cli(url, 'show', otherGuild, 'quiz:round:c1');
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toBe('not json {\n');
      expect(shown.stderr).toContain('not-json');

      const discarded = await cli(url, 'discard', guildId, 'counter');
      expect(discarded.code, discarded.stderr).toBe(0);
      expect(discarded.stderr).toContain(`Discarded counter of server ${guildId}`);
      expect(await raw.read(`guild:${guildId}:counter`)).toBeUndefined();
      expect(await raw.read(`guild:${guildId}:quarantine:counter`)).toBeUndefined();

      // The store that was running all along takes writes again, starting from the initial value.
      expect(await running.update(guildId, counterRecord, increment)).toBe(1);
      // The other one is still set aside.
      await expect(
        running.update(otherGuild, roundRecord('c1'), () => ({ value: { question: 1 }, result: null })),
      ).rejects.toBeInstanceOf(QuarantinedRecordError);

      const again = await cli(url, 'discard', guildId, 'counter');
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('Nothing is set aside for counter');
      const missing = await cli(url, 'show', guildId, 'counter');
      expect(missing.code).toBe(1);
      const usage = await cli(url, 'shred');
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('npm run store:quarantine -- list');

      await running.close();
      const reopened = await openTracked();
      expect(await reopened.read(guildId, counterRecord)).toEqual({ count: 1 });
    },
  );
});

describe('quarantine keys', () => {
  it('refuses record keys that would collide with the quarantine keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'roundtable-quarantine-'));
    temps.push(dir);
    const store = await openStore(`sqlite://${join(dir, 'r.sqlite')}`, pino({ level: 'silent' }));
    open.push(store);
    const sneaky = defineRecord({ key: 'quarantine:counter', version: 1, schema: z.null(), initial: () => null });
    await expect(store.read('g1', sneaky)).rejects.toThrow(/reserved for quarantine/);
    expect(await store.discardQuarantined('g1', 'counter')).toBe(false);
  });
});
