import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalDiscord, type MessageView, startLocalDiscord } from '@roundtable/local-discord';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadRealPack } from './fixtures/real-pack.js';
import { buttonId } from './support/bot-harness.js';
import { botEnv, type ChildBot, killChildren, startChild } from './support/child-bot.js';

/**
 * The bot as `npm start` runs it, killed with SIGKILL mid-question and started
 * again on the same SQLite file: every acknowledged answer survives, a
 * deadline that passed while it was down is revealed at once, and the round
 * finishes.
 */

let discord: LocalDiscord;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roundtable-restart-'));
  discord = await startLocalDiscord({ timeoutMs: 10_000 });
});

afterAll(async () => {
  await killChildren();
  await discord?.close();
  await rm(dir, { recursive: true, force: true });
});

async function startBotProcess(): Promise<ChildBot> {
  const child = startChild('main', { env: botEnv(discord, `sqlite://${join(dir, 'store.sqlite')}`) });
  await child.waitForLog('ready');
  return child;
}

function questionIn(channelId: string, n: number): Promise<MessageView> {
  return discord.waitFor(() =>
    discord.channelMessages(channelId).find((m) => m.embeds[0]?.title?.startsWith(`Question ${n} of`)),
  );
}

/** The answer buttons of a question message, as shown: label and custom id. */
function answerButtons(message: MessageView): [string, string][] {
  return message.buttons.filter((b) => !b.label?.includes('(host)')).map((b) => [b.label ?? '', b.customId ?? '']);
}

/** The first answer button (not a host button) of a question message. */
function firstChoice(message: MessageView): string {
  const found = message.buttons.find((b) => !b.label?.includes('(host)'));
  if (!found?.customId) throw new Error('no answer button');
  return found.customId;
}

describe('a round survives kill -9', () => {
  test('GIVEN answers acknowledged before a SIGKILL THEN after a restart they all count and the round finishes', async () => {
    const timed = discord.addChannel('timed');
    const paced = discord.addChannel('paced');
    const first = await startBotProcess();

    await discord
      .slash('teacher', 'quiz', { questions: 1, seconds: 10 }, { subcommand: 'start', channelId: timed })
      .reply();
    await discord
      .slash('teacher', 'quiz', { questions: 2, seconds: 0 }, { subcommand: 'start', channelId: paced })
      .reply();
    const timedQ = await questionIn(timed, 1);
    const pacedQ1 = await questionIn(paced, 1);
    const openedAt = Date.now();
    for (const student of ['student1', 'student2', 'student3']) {
      expect((await discord.click(student, timedQ, firstChoice(timedQ)).reply()).content).toMatch(/^Answer received/);
      expect((await discord.click(student, pacedQ1, firstChoice(pacedQ1)).reply()).content).toMatch(/^Answer received/);
    }

    // The order this round shows question 1's choices in, before the crash.
    const shownBefore = answerButtons(pacedQ1);
    const linesBefore = pacedQ1.embeds[0]?.description;

    first.process.kill('SIGKILL');
    expect((await first.waitForExit()).signal).toBe('SIGKILL');
    // Let the timed question's deadline pass while the bot is down.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, openedAt + 10_500 - Date.now())));
    expect(discord.message(timedQ.id)?.embeds[0]?.title).toBe('Question 1 of 1');

    const second = await startBotProcess();
    const revealed = await discord.waitFor(() => {
      const m = discord.message(timedQ.id);
      return m?.embeds[0]?.title === 'Question 1 of 1: the answer' ? m : undefined;
    });
    expect(revealed.embeds[0]?.fields.find((f) => f.name === 'Answered')?.value).toMatch(/^3 answered/);

    // The host-paced round carries on where it was.
    const again = await discord.click('student1', pacedQ1, firstChoice(pacedQ1)).reply();
    expect(again.content).toMatch(/^You already answered/);
    // A choice other than the first: its button still records it after the restart.
    const [thirdLabel = '', thirdId = ''] = shownBefore[2] ?? [];
    const owner = await discord.click('owner', pacedQ1, thirdId).reply();
    expect(owner.content).toBe('Answer received: **C**. Your result appears here at the reveal.');
    // The restarted bot redraws the question (its answered count) in the same order.
    const redrawn = await discord.waitFor(() => {
      const m = discord.message(pacedQ1.id);
      return m?.embeds[0]?.fields.find((f) => f.name === 'Answered')?.value === '4' ? m : undefined;
    });
    expect(answerButtons(redrawn)).toEqual(shownBefore);
    expect(redrawn.embeds[0]?.description).toBe(linesBefore);
    await discord.click('teacher', pacedQ1, buttonId(pacedQ1, 'Reveal (host)')).ack();
    const pacedRevealed = await discord.waitFor(() => {
      const m = discord.message(pacedQ1.id);
      return m?.buttons.some((b) => b.label === 'Next question (host)') ? m : undefined;
    });
    expect(pacedRevealed.embeds[0]?.fields.find((f) => f.name === 'Answered')?.value).toMatch(/^4 answered/);
    // The reveal keeps the order, counts each click on the choice it was made on, and marks the right answer.
    const pack = await loadRealPack();
    const item = pack.quiz.find((i) => linesBefore?.includes(i.question));
    if (!item) throw new Error('the question is not in the real pack');
    const lines = (pacedRevealed.embeds[0]?.description ?? '').split('\n').filter((l) => /^(✅|▫️) /.test(l));
    expect(lines.map((l) => l.replace(/^(✅|▫️) \S+ /, ''))).toEqual(shownBefore.map(([label]) => label));
    const counts = (pacedRevealed.embeds[0]?.description ?? '').split('\n').filter((l) => l.startsWith('`'));
    expect(counts[0]).toMatch(/ 3 \(75%\)$/);
    expect(counts[2]).toMatch(/ 1 \(25%\)$/);
    expect(lines.filter((l) => l.startsWith('✅'))).toEqual([expect.stringContaining(item.answer)]);
    expect(answerButtons(pacedRevealed)[2]?.[0]).toBe(thirdLabel);
    await discord.click('teacher', pacedRevealed, buttonId(pacedRevealed, 'Next question (host)')).ack();
    const pacedQ2 = await questionIn(paced, 2);
    await discord.click('student2', pacedQ2, firstChoice(pacedQ2)).reply();
    await discord.slash('teacher', 'quiz', {}, { subcommand: 'stop', channelId: paced }).reply();

    const report = await discord.slash('teacher', 'quiz', {}, { subcommand: 'report', channelId: paced }).reply();
    const rows = (report.attachments[0]?.data.toString('utf8') ?? '').trim().split('\r\n').slice(1);
    // Five answers; the three who skipped question 2 have a "not answered" row for it.
    expect(rows.filter((r) => !r.includes(',not answered,'))).toHaveLength(5);
    expect(rows.filter((r) => r.includes(',not answered,'))).toHaveLength(3);

    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(discord.violations).toEqual([]);
  }, 60_000);
});
