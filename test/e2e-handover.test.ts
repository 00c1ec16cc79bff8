import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalDiscord, type MessageView, startLocalDiscord } from '@roundtable/local-discord';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { botEnv, type ChildBot, killChildren, startChild } from './support/child-bot.js';

/**
 * A rolling restart as an operator does it: a second bot process starts on the
 * same store while the first still runs a round, then the first gets SIGTERM.
 * The second waits for the store, says so, takes over when the first hands it
 * over, and the question is revealed once with every acknowledged answer.
 */

let discord: LocalDiscord;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roundtable-handover-'));
  discord = await startLocalDiscord({ timeoutMs: 15_000 });
});

afterAll(async () => {
  await killChildren();
  await discord?.close();
  await rm(dir, { recursive: true, force: true });
});

function botProcess(): ChildBot {
  return startChild('main', { env: botEnv(discord, `sqlite://${join(dir, 'store.sqlite')}`) });
}

function firstChoice(message: MessageView): string {
  const found = message.buttons.find((b) => !b.label?.includes('(host)'));
  if (!found?.customId) throw new Error('no answer button');
  return found.customId;
}

const isReveal = (m: MessageView) => m.embeds[0]?.title?.endsWith('the answer') ?? false;

describe('two processes on one store', () => {
  test('GIVEN a second process started mid-round THEN it waits, takes over on SIGTERM, loses no answer and reveals once', async () => {
    const channelId = discord.addChannel('handover');
    const students = Array.from({ length: 12 }, (_, i) => discord.addMember(`hand${i}`));
    const first = botProcess();
    await first.waitForLog('ready');
    await discord.slash('teacher', 'quiz', { questions: 1, seconds: 30 }, { subcommand: 'start', channelId }).reply();
    const question = await discord.waitFor(() =>
      discord.channelMessages(channelId).find((m) => m.embeds[0]?.title === 'Question 1 of 1'),
    );
    const answer = async (from: number, to: number) => {
      const replies = await Promise.all(
        students.slice(from, to).map((s) => discord.click(s, question, firstChoice(question)).reply()),
      );
      for (const reply of replies) expect(reply.content).toMatch(/^Answer received/);
    };
    await answer(0, 4);

    const second = botProcess();
    await second.waitForOutput('Another Roundtable process');
    expect(second.logs.some((line) => line.msg === 'ready')).toBe(false);
    // The first process still owns the round while the second waits.
    await answer(4, 8);

    first.process.kill('SIGTERM');
    expect(await first.waitForExit()).toEqual({ code: 0, signal: null });
    await second.waitForLog('ready');
    await answer(8, 12);

    const revealed = await discord.waitFor(() => {
      const m = discord.message(question.id);
      return m && isReveal(m) ? m : undefined;
    }, 40_000);
    expect(revealed.embeds[0]?.fields.find((f) => f.name === 'Answered')?.value).toMatch(/^12 answered/);
    await discord.slash('teacher', 'quiz', {}, { subcommand: 'stop', channelId }).reply();
    await discord.waitFor(() =>
      discord.channelMessages(channelId).find((m) => m.embeds[0]?.title === 'Final standings'),
    );
    // One reveal: the question edited once into its answer, no second reveal posted.
    expect(discord.channelMessages(channelId).filter(isReveal)).toHaveLength(1);
    const report = await discord.slash('teacher', 'quiz', {}, { subcommand: 'report', channelId }).reply();
    const rows = (report.attachments[0]?.data.toString('utf8') ?? '').trim().split('\r\n').slice(1);
    expect(rows).toHaveLength(12);

    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(discord.violations).toEqual([]);
  }, 90_000);
});
