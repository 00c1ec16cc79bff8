import { type LocalDiscord, type LocalGuild, type MessageView, startLocalDiscord } from '@roundtable/local-discord';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { openBackend } from '../src/store/open-keyv.js';
import { botEnv, type ChildBot, killChildren, type LogLine, startChild } from './support/child-bot.js';

/**
 * `npm start` with SHARD_COUNT=auto on one Redis, against a local Discord that
 * recommends two shards: the manager spawns one process per shard, each
 * answers only its own server, and a shard killed with SIGKILL mid-question is
 * respawned and reveals the question whose deadline passed while it was down,
 * with every acknowledged answer, while the other shard's round goes on.
 */

const redisUrl = process.env.REDIS_URL;
// A database of its own, so other Redis tests running at the same time never see these keys.
const STORE_DB = 11;

if (!redisUrl) {
  it.skip('Sharded e2e: skipped because REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379)', () => {});
}

let discord: LocalDiscord;

beforeAll(async () => {
  if (!redisUrl) return;
  // The local Discord's ids repeat from run to run: start from an empty database.
  const { keyv } = await openBackend(storeUrl(redisUrl), pino({ level: 'silent' }));
  await keyv.clear();
  await keyv.disconnect();
  discord = await startLocalDiscord({ timeoutMs: 15_000, recommendedShards: 2, maxConcurrency: 2 });
});

afterAll(async () => {
  await killChildren();
  await discord?.close();
});

function storeUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${STORE_DB}`;
  return parsed.toString();
}

function questionIn(channelId: string, n: number): Promise<MessageView> {
  return discord.waitFor(() =>
    discord.channelMessages(channelId).find((m) => m.embeds[0]?.title?.startsWith(`Question ${n} of`)),
  );
}

function firstChoice(message: MessageView): string {
  const found = message.buttons.find((b) => !b.label?.includes('(host)'));
  if (!found?.customId) throw new Error('no answer button');
  return found.customId;
}

const answered = (m: MessageView | undefined) => m?.embeds[0]?.fields.find((f) => f.name === 'Answered')?.value;

describe.runIf(redisUrl)('two shards on one Redis', () => {
  test('GIVEN SHARD_COUNT=auto THEN each shard answers only its servers, and a killed shard comes back and finishes its round', async () => {
    // The default server is on shard 1 of 2; this one on shard 0.
    const second: LocalGuild = discord.addGuild({ name: 'Second school', shard: [0, 2] });
    const timedA = discord.addChannel('quiz-a');
    const timedB = discord.addChannel('quiz-b', second.id);
    const students = ['student1', 'student2', 'student3'];

    const manager: ChildBot = startChild('main', {
      env: { ...botEnv(discord, storeUrl(redisUrl ?? '')), SHARD_COUNT: 'auto' },
    });
    await manager.waitForLog('every shard is ready', () => true, 40_000);
    const readyOf = (shard: number) => manager.waitForLog('ready', (line) => line.shard === shard, 40_000);
    const [ready0, ready1] = await Promise.all([readyOf(0), readyOf(1)]);
    expect(ready0.guilds).toBe(1);
    expect(ready1.guilds).toBe(1);
    expect(discord.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    // Registered once, by the manager; no shard registers them again.
    expect(discord.commandPuts).toBe(1);
    expect(manager.logs.filter((l) => l.msg === 'registered the slash commands').map((l) => l.shard)).toEqual([
      'manager',
    ]);

    // A one-process bot on the same Redis would own these servers too: it waits instead.
    const single = startChild('main', { env: botEnv(discord, storeUrl(redisUrl ?? '')) });
    await single.waitForOutput('This store is in use by Roundtable running with SHARD_COUNT=2; waiting');
    expect(single.logs.some((l) => l.msg === 'ready')).toBe(false);
    expect(await single.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    const startA = await discord
      .slash('teacher', 'quiz', { questions: 1, seconds: 12 }, { subcommand: 'start', channelId: timedA })
      .reply();
    expect(startA.content).toMatch(/^\*\*Quiz round on/);
    await discord
      .slash('teacher', 'quiz', { questions: 2, seconds: 0 }, { subcommand: 'start', channelId: timedB })
      .reply();
    const questionA = await questionIn(timedA, 1);
    const openedAt = Date.now();
    const questionB = await questionIn(timedB, 1);
    for (const student of students) {
      expect((await discord.click(student, questionA, firstChoice(questionA)).reply()).content).toMatch(
        /^Answer received/,
      );
    }
    // Each server's interactions reached its own shard's process only.
    const handledBy = (guildId: string) =>
      new Set(manager.logs.filter((l) => l.msg === 'interaction' && l.guildId === guildId).map((l) => l.shard));
    // The router logs each interaction after its reply, and the child logs asynchronously: wait for the lines.
    const logged = (guildId: string) => manager.logs.filter((l) => l.msg === 'interaction' && l.guildId === guildId);
    await manager.waitForLog('interaction', () => logged(discord.guild.id).length > students.length);
    await manager.waitForLog('interaction', () => logged(second.id).length > 0);
    expect([...handledBy(discord.guild.id)]).toEqual([1]);
    expect([...handledBy(second.id)]).toEqual([0]);

    // SIGKILL shard 1 (the default server's) shortly before its question's deadline.
    const pid = pidOf(ready1);
    await sleep(Math.max(0, openedAt + 11_000 - Date.now()));
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const died = await manager.waitForLog('shard died; respawning it', (l) => l.shard === 1);
    expect(died.signal).toBe('SIGKILL');

    // Shard 0 goes on answering meanwhile.
    for (const student of students) {
      expect((await discord.click(student, questionB, firstChoice(questionB)).reply()).content).toMatch(
        /^Answer received/,
      );
    }

    const back = await manager.waitForLog('ready', (l) => l.shard === 1 && pidOf(l) !== pid, 40_000);
    // The deadline passed while no process of shard 1 was up: the reveal below is the overdue one.
    expect(back.time).toBeGreaterThan(openedAt + 12_000);
    expect(back.time).toBeGreaterThan(killedAt);
    expect(back.rounds).toBe(1);
    const revealed = await discord.waitFor(() => {
      const m = discord.message(questionA.id);
      return m?.embeds[0]?.title === 'Question 1 of 1: the answer' ? m : undefined;
    });
    expect(answered(revealed)).toMatch(/^3 answered/);
    // Shard 0's process was never touched.
    expect(manager.logs.filter((l) => l.msg === 'ready' && l.shard === 0)).toHaveLength(1);

    for (const channelId of [timedA, timedB]) {
      await discord.slash('teacher', 'quiz', {}, { subcommand: 'stop', channelId }).reply();
      const report = await discord.slash('teacher', 'quiz', {}, { subcommand: 'report', channelId }).reply();
      const rows = (report.attachments[0]?.data.toString('utf8') ?? '').trim().split('\r\n').slice(1);
      expect(rows.filter((r) => !r.includes(',not answered,'))).toHaveLength(3);
    }

    expect(await manager.stop('SIGTERM', 30_000)).toEqual({ code: 0, signal: null });
    // Both shards handed their leases over on the way out.
    expect(manager.logs.filter((l) => l.msg === 'released the store lease').map((l) => l.shard)).toEqual(
      expect.arrayContaining([0, 1]),
    );
    expect(discord.violations).toEqual([]);
  }, 90_000);
});

function pidOf(line: LogLine): number {
  const { pid } = line;
  if (typeof pid !== 'number') throw new Error('a log line without pid');
  return pid;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
