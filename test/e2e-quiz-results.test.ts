import type { InteractionHandle, MessageView } from '@roundtable/local-discord';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { QuizItem } from '../src/content/schema.js';
import { buttonId, checkDiscordAfterEachTest, type Harness, startHarness } from './support/bot-harness.js';

/**
 * What each student and the host see of a round's life: a private result at
 * every reveal, no live buttons on a question that is over, a round that
 * outlives its message found again.
 */

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
checkDiscordAfterEachTest(() => h.discord);

afterAll(async () => {
  await h?.close();
});

const LETTERS = ['A', 'B', 'C', 'D'];

function questions(channelId: string): MessageView[] {
  return h.discord.channelMessages(channelId).filter((m) => /^Question \d+ of \d+/.test(m.embeds[0]?.title ?? ''));
}

async function question(channelId: string, n: number): Promise<MessageView> {
  return h.discord.waitFor(() => questions(channelId)[n - 1]);
}

function itemOf(message: MessageView): QuizItem {
  const item = h.pack.quiz.find((i) => message.embeds[0]?.description?.includes(i.question.slice(0, 50)));
  if (!item) throw new Error(`no quiz item matches message ${message.id}`);
  return item;
}

/** The letter a choice's button was shown under: the round shuffles the choices, so its place on the message. */
function shownLetter(message: MessageView, id: string): string {
  return LETTERS[message.buttons.findIndex((b) => b.customId === id)] ?? '?';
}

function choices(message: MessageView): {
  rightId: string;
  wrongId: string;
  /** How a student's result names each: the letter it was shown under, and its text. */
  right: string;
  wrong: string;
  rightLetter: string;
} {
  const item = itemOf(message);
  const right = item.choices.indexOf(item.answer);
  const wrong = (right + 1) % item.choices.length;
  const rightId = buttonId(message, item.choices[right] ?? '');
  const wrongId = buttonId(message, item.choices[wrong] ?? '');
  return {
    rightId,
    wrongId,
    right: `**${shownLetter(message, rightId)}** (${item.choices[right]})`,
    wrong: `**${shownLetter(message, wrongId)}** (${item.choices[wrong]})`,
    rightLetter: shownLetter(message, rightId),
  };
}

async function revealed(message: MessageView): Promise<MessageView> {
  return h.discord.waitFor(() => {
    const m = h.discord.message(message.id);
    return m?.embeds[0]?.title?.endsWith('the answer') ? m : undefined;
  });
}

/** The student's acknowledgement once the bot edited their result into it. */
async function resultOf(click: InteractionHandle): Promise<string> {
  return h.discord.waitFor(() => {
    const content = click.original?.content ?? '';
    return content.startsWith('**Question') ? content : undefined;
  });
}

function liveButtons(message: MessageView | undefined): string[] {
  return (message?.buttons ?? []).filter((b) => !b.disabled).map((b) => b.label ?? '');
}

describe('every student learns how they did', () => {
  test('GIVEN a reveal THEN each student who answered finds their verdict, points and rank in their own acknowledgement', async () => {
    const channelId = h.discord.addChannel('results');
    await h.discord.slash('teacher', 'quiz', { questions: 2, seconds: 0 }, { subcommand: 'start', channelId }).reply();
    const q1 = await question(channelId, 1);
    const c1 = choices(q1);

    const host = await h.discord.click('teacher', q1, c1.rightId).reply();
    expect(host.ephemeral).toBe(true);
    expect(host.content).toMatch(/^You are hosting this round, so your answers do not count\./);

    const ann = h.discord.click('student1', q1, c1.rightId);
    const bo = h.discord.click('student2', q1, c1.wrongId);
    expect((await ann.reply()).content).toBe(
      `Answer received: **${c1.rightLetter}**. Your result appears here at the reveal.`,
    );
    await bo.reply();

    await h.discord.click('teacher', q1, buttonId(q1, 'Reveal (host)')).ack();
    const reveal1 = await revealed(q1);
    expect(await resultOf(ann)).toBe(
      `**Question 1: ✅ correct!** You answered ${c1.right}: +1 point.\n` +
        'You have **1 point** this round: rank **1** of 2, 1 of 1 question correct.',
    );
    expect(await resultOf(bo)).toBe(
      `**Question 1: ❌ not this time.** You answered ${c1.wrong}. The answer was ${c1.right}.\n` +
        'You have **0 points** this round: rank **2** of 2, 0 of 1 question correct.',
    );
    // Nobody else's answer is in anyone's view; the channel shows the top of the round.
    const top = reveal1.embeds[0]?.fields.find((f) => f.name === 'Top of the round')?.value ?? '';
    expect(top).toContain('Student 1: 1 point');
    expect(top).not.toContain('Teacher');

    // A student who did not answer asks with the button and is told privately.
    const cy = await h.discord.click('student3', reveal1, buttonId(reveal1, 'My result')).reply();
    expect(cy.ephemeral).toBe(true);
    expect(cy.content).toBe(`**Question 1:** you did not answer. The answer was ${c1.right}.`);

    await h.discord.click('teacher', reveal1, buttonId(reveal1, 'Next question (host)')).ack();
    const q2 = await question(channelId, 2);
    // The superseded reveal keeps its answer but no host buttons that would act on another question.
    const old = await h.discord.waitFor(() => {
      const m = h.discord.message(q1.id);
      return m && !m.buttons.some((b) => b.label?.includes('(host)')) ? m : undefined;
    });
    expect(old.embeds[0]?.title).toBe('Question 1 of 2: the answer');
    expect(liveButtons(old)).toEqual(['My result']);

    const c2 = choices(q2);
    await h.discord.click('student2', q2, c2.rightId).reply();
    await h.discord.click('teacher', q2, buttonId(q2, 'Reveal (host)')).ack();
    const reveal2 = await revealed(q2);
    await h.discord.click('teacher', reveal2, buttonId(reveal2, 'Final standings (host)')).ack();
    const standings = await h.discord.waitFor(() =>
      h.discord.channelMessages(channelId).find((m) => m.embeds[0]?.title === 'Final standings'),
    );
    const whole = await h.discord.click('student2', standings, buttonId(standings, 'My result')).reply();
    expect(whole.ephemeral).toBe(true);
    expect(whole.content).toBe('Round over: you finished **1st** of 2 with 1 point, 1 of 2 questions correct.');
    const absent = await h.discord.click('student3', standings, buttonId(standings, 'My result')).reply();
    expect(absent.content).toBe('You did not answer in this round.');
  });

  test('GIVEN host_plays THEN the host scores like a student', async () => {
    const channelId = h.discord.addChannel('host-plays');
    const start = await h.discord
      .slash('teacher', 'quiz', { questions: 1, seconds: 0, host_plays: true }, { subcommand: 'start', channelId })
      .reply();
    expect(start.content).not.toContain('does not score');
    const q1 = await question(channelId, 1);
    const own = await h.discord.click('teacher', q1, choices(q1).rightId).reply();
    expect(own.content).toMatch(/^Answer received/);
    await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'stop', channelId }).reply();
  });
});

describe('no question is left live', () => {
  test('GIVEN /quiz stop mid-question THEN the open question is revealed with its buttons closed, then the standings', async () => {
    const channelId = h.discord.addChannel('stop-early');
    await h.discord.slash('teacher', 'quiz', { questions: 3, seconds: 60 }, { subcommand: 'start', channelId }).reply();
    const q1 = await question(channelId, 1);
    const ann = h.discord.click('student1', q1, choices(q1).rightId);
    await ann.reply();
    const stop = await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'stop', channelId }).reply();
    expect(stop.content).toBe('Round ended. The standings are posted below.');

    const reveal = await revealed(q1);
    expect(reveal.embeds[0]?.fields.find((f) => f.name === 'Answered')?.value).toMatch(/^1 answered/);
    expect(liveButtons(reveal)).toEqual(['My result']);
    expect(await resultOf(ann)).toMatch(/^\*\*Question 1: ✅ correct!\*\*/);
    const standings = await h.discord.waitFor(() =>
      h.discord.channelMessages(channelId).find((m) => m.embeds[0]?.title === 'Final standings'),
    );
    // The reveal comes before the standings, as the class reads the channel.
    const order = h.discord.channelMessages(channelId).map((m) => m.id);
    expect(order.indexOf(standings.id)).toBeGreaterThan(order.indexOf(q1.id));
  });

  test('GIVEN the question message was deleted THEN /quiz start says so and posts it again, and the round goes on', async () => {
    const channelId = h.discord.addChannel('lost-message');
    await h.discord.slash('teacher', 'quiz', { questions: 2, seconds: 0 }, { subcommand: 'start', channelId }).reply();
    const q1 = await question(channelId, 1);
    await h.discord.click('student1', q1, choices(q1).rightId).reply();
    h.discord.deleteMessage(q1);

    const busy = await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'start', channelId }).reply();
    expect(busy.ephemeral).toBe(true);
    expect(busy.content).toContain('Its message had been deleted, so it is posted again below.');
    const again = await h.discord.waitFor(() =>
      questions(channelId).find((m) => m.id !== q1.id && !h.discord.message(m.id)?.deleted),
    );
    expect(again.embeds[0]?.title).toBe('Question 1 of 2');
    expect(again.embeds[0]?.fields.find((f) => f.name === 'Answered')?.value).toBe('1');

    await h.discord.click('teacher', again, buttonId(again, 'Reveal (host)')).ack();
    const reveal = await revealed(again);
    expect(reveal.embeds[0]?.fields.find((f) => f.name === 'Answered')?.value).toMatch(/^1 answered/);
    await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'stop', channelId }).reply();
    await h.discord.waitFor(() =>
      h.discord.channelMessages(channelId).find((m) => m.embeds[0]?.title === 'Final standings'),
    );
  });
});

describe('the reports a teacher grades from', () => {
  test('GIVEN names in several scripts and a skipped question THEN both files read back with a CSV library, cell for cell', async () => {
    const channelId = h.discord.addChannel('report-scripts');
    const names = ['Zoë Ångström', '李雷', 'محمد علي', 'Олена, "Лена"', '=SUM(A1)'];
    const students = names.map((n) => h.discord.addMember(n));
    await h.discord.slash('teacher', 'quiz', { questions: 2, seconds: 0 }, { subcommand: 'start', channelId }).reply();
    const q1 = await question(channelId, 1);
    const c1 = choices(q1);
    for (const [i, s] of students.entries())
      await h.discord.click(s, q1, i % 2 === 0 ? c1.rightId : c1.wrongId).reply();
    await h.discord.click('teacher', q1, buttonId(q1, 'Reveal (host)')).ack();
    const r1 = await revealed(q1);
    await h.discord.click('teacher', r1, buttonId(r1, 'Next question (host)')).ack();
    const q2 = await question(channelId, 2);
    // Only the first student answers question 2; the others skip it.
    await h.discord.click(students[0] ?? 'student1', q2, choices(q2).rightId).reply();
    await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'stop', channelId }).reply();
    await h.discord.waitFor(() =>
      h.discord.channelMessages(channelId).find((m) => m.embeds[0]?.title === 'Final standings'),
    );

    const report = await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'report', channelId }).reply();
    expect(report.content).toMatch(/: 2 questions asked, 5 players, 6 answers\./);
    const [answersFile, studentsFile] = report.attachments;
    const answers: Record<string, string>[] = parse(answersFile?.data ?? Buffer.alloc(0), { bom: true, columns: true });
    const sheet: Record<string, string>[] = parse(studentsFile?.data ?? Buffer.alloc(0), { bom: true, columns: true });

    expect(answers).toHaveLength(10);
    expect(new Set(answers.map((r) => r['display name']))).toEqual(new Set([...names.slice(0, 4), "'=SUM(A1)"]));
    const item1 = itemOf(q1);
    expect(answers.filter((r) => r['question number'] === '1').every((r) => r['correct answer'] === item1.answer)).toBe(
      true,
    );
    // Choices are named by their text: letters differ from round to round.
    const zoeFirst = answers.find((r) => r['question number'] === '1' && r['display name'] === 'Zoë Ångström');
    expect(zoeFirst).toMatchObject({ answer: item1.answer, correct: 'yes' });
    const liFirst = answers.find((r) => r['question number'] === '1' && r['display name'] === '李雷');
    expect(liFirst).toMatchObject({
      answer: item1.choices[(item1.choices.indexOf(item1.answer) + 1) % item1.choices.length],
      correct: 'no',
    });
    expect(answers.filter((r) => r.correct === 'not answered').map((r) => r['display name'])).toEqual([
      '李雷',
      'محمد علي',
      'Олена, "Лена"',
      "'=SUM(A1)",
    ]);

    expect(sheet).toHaveLength(5);
    const zoe = sheet.find((r) => r['display name'] === 'Zoë Ångström');
    expect(zoe).toMatchObject({ rank: '1', correct: '2', wrong: '0', 'not answered': '0', 'percent correct': '100' });
    const li = sheet.find((r) => r['display name'] === '李雷');
    expect(li).toMatchObject({
      correct: '0',
      wrong: '1',
      'not answered': '1',
      'questions asked': '2',
      'percent correct': '0',
    });
  });
});

describe('the reset confirmation', () => {
  test('GIVEN Cancel THEN nothing is cleared and the buttons are gone', async () => {
    const ask = await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'reset' }).reply();
    const before = await h.discord.slash('student1', 'quiz', {}, { subcommand: 'score' }).reply();
    const cancelled = await h.discord.click('teacher', ask, buttonId(ask, 'Cancel')).reply();
    expect(cancelled.content).toMatch(/^Nothing was cleared/);
    expect(cancelled.buttons).toHaveLength(0);
    const after = await h.discord.slash('student1', 'quiz', {}, { subcommand: 'score' }).reply();
    expect(after.content).toBe(before.content);
    expect(after.content).toMatch(/^You have \*\*\d+ correct\*\*/);
  });
});
