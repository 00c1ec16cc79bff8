import type { MessageView } from '@roundtable/local-discord';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { QuizItem } from '../src/content/schema.js';
import { createLogger } from '../src/core/logger.js';
import { openKeyv } from '../src/store/open-keyv.js';
import { buttonId, checkDiscordAfterEachTest, type Harness, startHarness } from './support/bot-harness.js';

/**
 * The faults a class meets mid-round, through the real discord.js client and a
 * real SQLite store: a long round, a click that reaches the bot late, a question
 * a moderator deleted, and Discord failing for a while.
 */

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ discord: { timeoutMs: 10_000 } });
});
checkDiscordAfterEachTest(() => h.discord);

afterAll(async () => {
  await h?.close();
});

function questions(channelId: string): MessageView[] {
  return h.discord.channelMessages(channelId).filter((m) => /^Question \d+ of \d+/.test(m.embeds[0]?.title ?? ''));
}

function itemOf(message: MessageView): QuizItem {
  const item = h.pack.quiz.find((i) => message.embeds[0]?.description?.includes(i.question.slice(0, 50)));
  if (!item) throw new Error(`no quiz item matches message ${message.id}`);
  return item;
}

function choiceId(message: MessageView, choice: number): string {
  return buttonId(message, itemOf(message).choices[choice] ?? '');
}

/** The letter choice `choice` (the item's index) is shown under: the round shuffles the choices. */
function shownLetter(message: MessageView, choice: number): string {
  return 'ABCD'[message.buttons.findIndex((b) => b.customId === choiceId(message, choice))] ?? '?';
}

function isReveal(message: MessageView | undefined): boolean {
  return message?.embeds[0]?.title?.endsWith('the answer') ?? false;
}

function answeredField(message: MessageView | undefined): string | undefined {
  return message?.embeds[0]?.fields.find((f) => f.name === 'Answered')?.value;
}

async function reportRows(channelId: string): Promise<string[]> {
  const report = await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'report', channelId }).reply();
  return (report.attachments[0]?.data.toString('utf8') ?? '').trim().split('\r\n').slice(1);
}

describe('a long round', () => {
  test('GIVEN 30 questions with a class answering each THEN the last question is acknowledged like the first', async () => {
    const channelId = h.discord.addChannel('thirty');
    const students = Array.from({ length: 40 }, (_, i) => h.discord.addMember(`long${i}`));
    await h.discord.slash('teacher', 'quiz', { questions: 30, seconds: 0 }, { subcommand: 'start', channelId }).reply();
    const total = (await h.discord.waitFor(() => questions(channelId)[0])).embeds[0]?.title?.match(/of (\d+)/)?.[1];
    const count = Number(total);
    for (let n = 1; n <= count; n++) {
      const question = await h.discord.waitFor(() => questions(channelId)[n - 1]);
      const handles = students.map((s, i) => h.discord.click(s, question, choiceId(question, i % 4)));
      const replies = await Promise.all(handles.map((handle) => handle.reply()));
      expect(replies.filter((r) => r.content.startsWith('Answer received:'))).toHaveLength(students.length);
      expect(handles.flatMap((handle) => handle.rejections)).toEqual([]);
      await h.discord.click('teacher', question, buttonId(question, 'Reveal (host)')).ack();
      const revealed = await h.discord.waitFor(() => {
        const m = h.discord.message(question.id);
        return isReveal(m) ? m : undefined;
      });
      expect(answeredField(revealed)).toMatch(new RegExp(`^${students.length} answered`));
      const label = n === count ? 'Final standings (host)' : 'Next question (host)';
      await h.discord.click('teacher', revealed, buttonId(revealed, label)).ack();
    }
    await h.discord.waitFor(() =>
      h.discord.channelMessages(channelId).find((m) => m.embeds[0]?.title === 'Final standings'),
    );
    expect(await reportRows(channelId)).toHaveLength(students.length * count);
  }, 120_000);
});

describe('a timed question', () => {
  test('GIVEN a click made before the deadline but delivered after the reveal THEN it still counts, and the reveal catches up', async () => {
    const channelId = h.discord.addChannel('late-click');
    await h.discord
      .slash('teacher', 'quiz', { questions: 1, seconds: 10, scoring: 'simple' }, { subcommand: 'start', channelId })
      .reply();
    const q1 = await h.discord.waitFor(() => questions(channelId)[0]);
    const onTime = await h.discord.click('student1', q1, choiceId(q1, 0)).reply();
    expect(onTime.content).toMatch(/^Answer received/);
    // Clicked now, but Discord hands it over only after the question has closed.
    const late = h.discord.click('student2', q1, choiceId(q1, 1), { hold: true });
    await h.discord.waitFor(() => (isReveal(h.discord.message(q1.id)) ? true : undefined), 15_000);
    expect(answeredField(h.discord.message(q1.id))).toMatch(/^1 answered/);
    late.deliver();
    expect((await late.reply()).content).toBe(
      `Answer received: **${shownLetter(q1, 1)}**. Your result appears here at the reveal.`,
    );
    // A click made after the question closed (from a client still showing the question) is refused.
    const tooLate = await h.discord.forgeClick('student3', q1.id, choiceId(q1, 2)).reply();
    expect(tooLate.content).toBe('This question has closed: answers are no longer taken.');
    await h.discord.waitFor(() =>
      answeredField(h.discord.message(q1.id))?.startsWith('2 answered') ? true : undefined,
    );
    await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'stop', channelId }).reply();
    await h.discord.waitFor(() =>
      h.discord.channelMessages(channelId).find((m) => m.embeds[0]?.title === 'Final standings'),
    );
    const rows = await reportRows(channelId);
    expect(rows).toHaveLength(2);
  }, 40_000);

  test('GIVEN a moderator deleted the question THEN its reveal is posted as a new message and the round goes on', async () => {
    const channelId = h.discord.addChannel('deleted');
    await h.discord
      .slash('teacher', 'quiz', { questions: 2, seconds: 10, auto: true }, { subcommand: 'start', channelId })
      .reply();
    const q1 = await h.discord.waitFor(() => questions(channelId)[0]);
    await h.discord.click('student1', q1, choiceId(q1, 0)).reply();
    h.discord.deleteMessage(q1);
    const reveal = await h.discord.waitFor(() => h.discord.channelMessages(channelId).find((m) => isReveal(m)), 15_000);
    expect(reveal.id).not.toBe(q1.id);
    expect(answeredField(reveal)).toMatch(/^1 answered/);
    // auto: the next question follows the reveal by itself.
    const q2 = await h.discord.waitFor(() => questions(channelId)[1], 10_000);
    expect(q2.embeds[0]?.title).toBe('Question 2 of 2');
    await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'stop', channelId }).reply();
  }, 40_000);
});

describe('Discord failing underneath', () => {
  test('GIVEN a run of 5xx answers when the question is posted THEN the round is delayed, then goes on and finishes', async () => {
    const channelId = h.discord.addChannel('outage');
    // discord.js retries a 5xx three times itself: eight failures outlast two whole calls.
    const fault = h.discord.failRequests({
      method: 'POST',
      path: `/channels/${channelId}/messages`,
      status: 503,
      times: 8,
    });
    const start = await h.discord
      .slash('teacher', 'quiz', { questions: 1, seconds: 0 }, { subcommand: 'start', channelId })
      .reply();
    expect(start.content).toContain('Quiz round on');
    const q1 = await h.discord.waitFor(() => questions(channelId)[0], 20_000);
    expect(fault.remaining).toBe(0);
    await h.discord.click('student1', q1, choiceId(q1, 0)).reply();
    await h.discord.click('teacher', q1, buttonId(q1, 'Reveal (host)')).ack();
    const revealed = await h.discord.waitFor(() => {
      const m = h.discord.message(q1.id);
      return isReveal(m) ? m : undefined;
    });
    await h.discord.click('teacher', revealed, buttonId(revealed, 'Final standings (host)')).ack();
    const standings = await h.discord.waitFor(() =>
      h.discord.channelMessages(channelId).find((m) => m.embeds[0]?.title === 'Final standings'),
    );
    expect(standings.embeds[0]?.description).toBeDefined();
    expect(await reportRows(channelId)).toHaveLength(1);
  }, 60_000);
});

describe('a damaged stored value', () => {
  test("GIVEN one channel's round record is corrupt THEN it is set aside, that channel says so, and the other channel goes on", async () => {
    const damaged = h.discord.addChannel('damaged');
    const healthy = h.discord.addChannel('healthy');
    for (const channelId of [damaged, healthy]) {
      await h.discord
        .slash('teacher', 'quiz', { questions: 2, seconds: 0 }, { subcommand: 'start', channelId })
        .reply();
    }
    const healthyQ = await h.discord.waitFor(() => questions(healthy)[0]);
    await h.discord.waitFor(() => questions(damaged)[0]);
    await h.discord.click('student1', healthyQ, choiceId(healthyQ, 0)).reply();

    await h.stopBot();
    const keyv = await openKeyv(h.storeUrl, createLogger('silent'));
    await keyv.set(`guild:${h.discord.guild.id}:quiz:round:${damaged}`, { v: 2, data: { phase: 'nonsense' } });
    await keyv.disconnect();
    await h.restartBot();

    const refused = await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'start', channelId: damaged }).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/^This part of the server's saved state could not be read and was set aside/);

    const again = await h.discord.click('student2', healthyQ, choiceId(healthyQ, 1)).reply();
    expect(again.content).toBe(
      `Answer received: **${shownLetter(healthyQ, 1)}**. Your result appears here at the reveal.`,
    );
    await h.discord.click('teacher', healthyQ, buttonId(healthyQ, 'Reveal (host)')).ack();
    const revealed = await h.discord.waitFor(() => {
      const m = h.discord.message(healthyQ.id);
      return isReveal(m) ? m : undefined;
    });
    expect(answeredField(revealed)).toMatch(/^2 answered/);
    await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'stop', channelId: healthy }).reply();
  }, 60_000);
});
