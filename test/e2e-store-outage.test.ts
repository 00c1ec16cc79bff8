import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalDiscord, type MessageView, startLocalDiscord } from '@roundtable/local-discord';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { STORE_UNAVAILABLE } from '../src/store/index.js';
import { buttonId } from './support/bot-harness.js';
import { botEnv, type ChildBot, killChildren, startChild } from './support/child-bot.js';
import { HAS_REDIS_SERVER, type RedisServer, redisServer } from './support/redis-server.js';

/**
 * Redis killed mid-round under a bot process (`npm start` on a redis-server of
 * this test's own, run with `appendonly yes` and `appendfsync always`): while
 * it is down every interaction that needs the store is told so within
 * Discord's 3 seconds and nothing is acknowledged as saved, reading commands
 * keep working, the process stays up; once Redis is back on the same port the
 * bot reconnects by itself and the round goes on with every acknowledged answer.
 */

if (!HAS_REDIS_SERVER) {
  it.skip('Redis outage e2e: skipped because the redis-server binary is not installed', () => {});
}

let discord: LocalDiscord;
let dir: string;
let redis: RedisServer;

beforeAll(async () => {
  if (!HAS_REDIS_SERVER) return;
  dir = await mkdtemp(join(tmpdir(), 'roundtable-outage-'));
  redis = await redisServer(dir, 'always');
  await redis.start();
  discord = await startLocalDiscord({ timeoutMs: 10_000 });
});

afterAll(async () => {
  await killChildren();
  await redis?.kill();
  await discord?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function firstChoice(message: MessageView): string {
  const found = message.buttons.find((b) => !b.label?.includes('(host)'));
  if (!found?.customId) throw new Error('no answer button');
  return found.customId;
}

describe.runIf(HAS_REDIS_SERVER)('Redis goes away mid-round', () => {
  test('GIVEN Redis killed and restarted THEN the store is refused within 3 s meanwhile, reading goes on, and the round resumes with every acknowledged answer', async () => {
    const channelId = discord.addChannel('outage');
    const bot: ChildBot = startChild('main', { env: botEnv(discord, redis.url) });
    await bot.waitForLog('ready');
    await discord.slash('teacher', 'quiz', { questions: 2, seconds: 0 }, { subcommand: 'start', channelId }).reply();
    const question = await discord.waitFor(() =>
      discord.channelMessages(channelId).find((m) => m.embeds[0]?.title === 'Question 1 of 2'),
    );
    for (const student of ['student1', 'student2']) {
      expect((await discord.click(student, question, firstChoice(question)).reply()).content).toMatch(
        /^Answer received/,
      );
    }

    await redis.kill();
    // Each of these is answered before Discord's deadline (the local Discord records a violation otherwise).
    const click = await discord.click('student3', question, firstChoice(question)).reply();
    expect(click.content).toContain("The bot's storage is unavailable right now");
    expect(click.content).toContain('your answer was not saved');
    expect(click.flags & 64).toBe(64);
    const score = await discord.slash('student1', 'quiz', {}, { subcommand: 'score', channelId }).reply();
    expect(score.content).toBe(STORE_UNAVAILABLE);
    expect(score.flags & 64).toBe(64);
    const reveal = await discord.click('teacher', question, buttonId(question, 'Reveal (host)')).reply();
    expect(reveal.content).toBe(STORE_UNAVAILABLE);
    // Reading needs no store.
    const summary = await discord.slash('student2', 'summary', {}, { channelId }).reply();
    expect(summary.content + JSON.stringify(summary.embeds)).not.toContain('storage');
    expect(summary.embeds.length + summary.content.length).toBeGreaterThan(0);
    expect(discord.message(question.id)?.embeds[0]?.title).toBe('Question 1 of 2');

    await redis.start();
    await bot.waitForLog('the store is available again');
    const again = await discord.click('student3', question, firstChoice(question)).reply();
    expect(again.content).toMatch(/^Answer received/);
    // student1's answer survived the restart of Redis: a second click is refused as a repeat.
    expect((await discord.click('student1', question, firstChoice(question)).reply()).content).toMatch(
      /^You already answered/,
    );
    await discord.click('teacher', question, buttonId(question, 'Reveal (host)')).ack();
    const revealed = await discord.waitFor(() => {
      const m = discord.message(question.id);
      return m?.buttons.some((b) => b.label === 'Next question (host)') ? m : undefined;
    });
    expect(revealed.embeds[0]?.fields.find((f) => f.name === 'Answered')?.value).toMatch(/^3 answered/);

    await discord.slash('teacher', 'quiz', {}, { subcommand: 'stop', channelId }).reply();
    const report = await discord.slash('teacher', 'quiz', {}, { subcommand: 'report', channelId }).reply();
    const rows = (report.attachments[0]?.data.toString('utf8') ?? '').trim().split('\r\n').slice(1);
    expect(rows.filter((r) => !r.includes(',not answered,'))).toHaveLength(3);

    // The process stayed up throughout and stops cleanly.
    expect(bot.logs.some((l) => l.msg.startsWith('lost the store lease'))).toBe(false);
    expect(await bot.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(discord.violations).toEqual([]);
  }, 60_000);

  test('GIVEN Redis killed while a session retries a prompt THEN host actions are refused meanwhile, and once it is back the prompt is posted and the recap counts every reply', async () => {
    const channelId = discord.addChannel('discussion');
    const prompts = () => discord.channelMessages(channelId).filter((m) => m.embeds[0]?.title?.startsWith('Prompt '));
    const bot: ChildBot = startChild('main', { env: botEnv(discord, redis.url) });
    await bot.waitForLog('ready');
    const { teacher, student1, student2 } = discord.users;
    await discord.slash(teacher, 'session', { prompts: 2, threads: false }, { subcommand: 'start', channelId }).reply();
    const first = await discord.waitFor(() => prompts()[0]);
    discord.postUserMessage(student1, channelId);

    // Discord fails the next prompt twice over (discord.js retries 4 times a call); Redis dies before the retry.
    const fault = discord.failRequests({
      method: 'POST',
      path: `/channels/${channelId}/messages`,
      status: 503,
      times: 8,
    });
    await discord.click(teacher, first, buttonId(first, 'Next prompt')).ack();
    await discord.waitFor(() => fault.hits.length === 4 || undefined);
    await redis.kill();
    const refused = await discord.slash(teacher, 'session', {}, { subcommand: 'end', channelId }).reply();
    expect(refused.content).toBe(STORE_UNAVAILABLE);
    expect(refused.flags & 64).toBe(64);
    // Chat goes on: counted in memory, written once the store is back.
    discord.postUserMessage(student2, channelId);
    await bot.waitForLog('session step failed; retrying', (line) =>
      JSON.stringify(line.err).includes(STORE_UNAVAILABLE),
    );
    expect(prompts()).toHaveLength(1);

    await redis.start();
    await bot.waitForLog('the store is available again');
    const second = await discord.waitFor(() => prompts()[1], 15_000);
    expect(second.embeds[0]?.title).toBe('Prompt 2 of 2');
    expect(fault.remaining).toBe(0);
    const ended = await discord.slash(teacher, 'session', {}, { subcommand: 'end', channelId }).reply();
    expect(ended.content).toContain('Session ended');
    const recap = await discord.waitFor(() =>
      discord.channelMessages(channelId).find((m) => m.text.includes('Session recap')),
    );
    expect(recap.text).toContain('2 replies from 2 people');
    expect(prompts()).toHaveLength(2);

    expect(await bot.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(discord.violations).toEqual([]);
  }, 60_000);
});
