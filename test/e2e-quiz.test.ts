import type { MessageView } from '@roundtable/local-discord';
import { DEFAULT_BOT_PERMISSIONS, EVERYONE_PERMISSIONS } from '@roundtable/local-discord/fixtures';
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Pack, QuizItem } from '../src/content/schema.js';
import { buttonId, checkDiscordAfterEachTest, type Harness, startHarness } from './support/bot-harness.js';

/** Quiz rounds as a class plays them, through the real discord.js client and a real SQLite store. */

let h: Harness;
let pack: Pack;

beforeAll(async () => {
  h = await startHarness();
  pack = h.pack;
});
checkDiscordAfterEachTest(() => h.discord);

afterAll(async () => {
  await h?.close();
});

const LETTERS = ['A', 'B', 'C', 'D'];

function questionMessages(channelId?: string): MessageView[] {
  return h.discord.channelMessages(channelId).filter((m) => /^Question \d+ of \d+/.test(m.embeds[0]?.title ?? ''));
}

/** The item a question message shows, found by its question text. */
function itemOf(message: MessageView): QuizItem {
  const item = pack.quiz.find((i) => message.embeds[0]?.description?.includes(i.question.slice(0, 50)));
  if (!item) throw new Error(`no quiz item matches message ${message.id}`);
  return item;
}

function choiceButton(message: MessageView, choice: number): string {
  const item = itemOf(message);
  return buttonId(message, item.choices[choice] ?? '');
}

/** Where choice `choice` (the item's index) sits among the answer buttons: the round shuffles them. */
function shownAt(message: MessageView, choice: number): number {
  return message.buttons.findIndex((b) => b.label === itemOf(message).choices[choice]);
}

async function nextQuestion(count: number, channelId?: string): Promise<MessageView> {
  return h.discord.waitFor(() => {
    const all = questionMessages(channelId);
    return all.length >= count ? all[count - 1] : undefined;
  });
}

function standingsMessage(channelId?: string): MessageView | undefined {
  return h.discord.channelMessages(channelId).find((m) => m.embeds[0]?.title === 'Final standings');
}

describe('a host-paced round with several students', () => {
  test('GIVEN two questions THEN answers are acknowledged privately, reveals show the split, and standings close the round', async () => {
    const { teacher, student1, student2, student3 } = h.discord.users;
    const start = await h.discord.slash(teacher, 'quiz', { questions: 2, seconds: 0 }, { subcommand: 'start' }).reply();
    expect(start.ephemeral).toBe(false);
    expect(start.content).toContain('2 questions · no timer (you reveal each answer) · 1 point per correct answer');

    const q1 = await nextQuestion(1);
    const item1 = itemOf(q1);
    const correct1 = item1.choices.indexOf(item1.answer);
    const wrong1 = (correct1 + 1) % item1.choices.length;
    expect(q1.embeds[0]?.title).toBe('Question 1 of 2');
    const shown = q1.buttons.filter((b) => !b.label?.includes('(host)')).map((b) => b.label ?? '');
    expect([...shown].sort()).toEqual([...item1.choices].sort());
    const letter1 = LETTERS[shownAt(q1, correct1)];

    const a1 = await h.discord.click(student1, q1, choiceButton(q1, correct1)).reply();
    expect(a1.ephemeral).toBe(true);
    expect(a1.content).toBe(`Answer received: **${letter1}**. Your result appears here at the reveal.`);
    const again = await h.discord.click(student1, q1, choiceButton(q1, wrong1)).reply();
    expect(again.content).toBe(`You already answered **${letter1}**. Your first answer is the one that counts.`);
    await h.discord.click(student2, q1, choiceButton(q1, wrong1)).reply();
    await h.discord.click(student3, q1, choiceButton(q1, correct1)).reply();

    const refused = await h.discord.click(student2, q1, buttonId(q1, 'Reveal (host)')).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/^Only the host can do that: people with Manage Server\./);
    expect(h.discord.message(q1.id)?.embeds[0]?.title).toBe('Question 1 of 2');

    await h.discord.click(teacher, q1, buttonId(q1, 'Reveal (host)')).ack();
    const revealed = await h.discord.waitFor(() => {
      const m = h.discord.message(q1.id);
      return m?.embeds[0]?.title === 'Question 1 of 2: the answer' ? m : undefined;
    });
    const text = revealed.embeds[0]?.description ?? '';
    expect(text).toContain(`✅ ${['🇦', '🇧', '🇨', '🇩'][shownAt(q1, correct1)]} ${item1.answer}`);
    expect(text).toContain('2 (67%)');
    expect(text).toContain('1 (33%)');
    expect(revealed.embeds[0]?.fields.find((f) => f.name === 'Why')?.value).toBeTruthy();
    expect(revealed.embeds[0]?.fields.find((f) => f.name === `From the article (¶${item1.paragraph})`)).toBeTruthy();
    expect(revealed.buttons.filter((b) => item1.choices.includes(b.label ?? '')).every((b) => b.disabled)).toBe(true);

    const late = await h.discord.forgeClick(h.discord.users.owner, revealed, choiceButton(q1, correct1)).reply();
    expect(late.content).toBe('This question has closed: answers are no longer taken.');

    await h.discord.click(teacher, revealed, buttonId(revealed, 'Next question (host)')).ack();
    const q2 = await nextQuestion(2);
    const item2 = itemOf(q2);
    expect(item2.id).not.toBe(item1.id);
    await h.discord.click(student2, q2, choiceButton(q2, item2.choices.indexOf(item2.answer))).reply();
    await h.discord.click(teacher, q2, buttonId(q2, 'Reveal (host)')).ack();
    const revealed2 = await h.discord.waitFor(() => {
      const m = h.discord.message(q2.id);
      return m?.buttons.some((b) => b.label === 'Final standings (host)') ? m : undefined;
    });
    await h.discord.click(teacher, revealed2, buttonId(revealed2, 'Final standings (host)')).ack();

    const standings = await h.discord.waitFor(() => standingsMessage());
    const lines = standings.embeds[0]?.description ?? '';
    expect(lines).toContain('Round complete. 3 players.');
    // student1 and student3 each have 1 point, as does student2: everyone shares first place.
    expect(lines.match(/🥇/g)?.length).toBe(3);

    const stale = await h.discord.forgeClick(student1, q2, choiceButton(q2, 0)).reply();
    expect(stale.content).toBe('This round has ended. Ask your host to start a new one with /quiz start.');

    const board = await h.discord.slash(student1, 'quiz', { scope: 'round' }, { subcommand: 'leaderboard' }).reply();
    expect(board.content).toBe('');
    expect(board.embeds[0]?.title).toBe('Leaderboard: the last round here');
    const score = await h.discord.slash(student1, 'quiz', {}, { subcommand: 'score' }).reply();
    expect(score.ephemeral).toBe(true);
    expect(score.content).toBe('You have **1 correct** of 1 answer (100%) over 1 round: rank **1** of 3.');

    const report = await h.discord.slash(teacher, 'quiz', {}, { subcommand: 'report' }).reply();
    expect(report.ephemeral).toBe(true);
    const csv = report.attachments[0]?.data.toString('utf8') ?? '';
    const rows = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(rows[0]).toBe(
      'round id,question number,question id,question,correct answer,user id,display name,answer,correct,points,seconds to answer',
    );
    // Four answers, and the two players who skipped question 2 have their row too.
    expect(rows).toHaveLength(1 + 4 + 2);
    const skipped = rows.filter((r) => r.endsWith(',not answered,0,'));
    expect(skipped.map((r) => r.split(',')[1])).toEqual(['2', '2']);
    expect(skipped.some((r) => r.includes(`,${student1.id},`))).toBe(true);
    const students = (report.attachments[1]?.data.toString('utf8') ?? '')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(report.attachments.map((a) => a.filename)).toEqual([
      expect.stringMatching(/-answers\.csv$/),
      expect.stringMatching(/-students\.csv$/),
    ]);
    expect(students[0]).toBe(
      'round id,user id,display name,rank,points,correct,wrong,not answered,questions asked,percent correct',
    );
    const s1 = students.find((r) => r.includes(`,${student1.id},`))?.split(',');
    expect(s1?.slice(3)).toEqual(['1', '1', '1', '0', '1', '2', '50']);
  });
});

describe('hosts and bad input', () => {
  test('GIVEN seconds:5 THEN the host is told what to choose, in words, and no round starts', async () => {
    const channelId = h.discord.addChannel('quiz-seconds');
    const reply = await h.discord.slash('teacher', 'quiz', { seconds: 5 }, { subcommand: 'start', channelId }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('Choose 10 to 120 seconds, or 0 for no timer.');
    expect(h.discord.channelMessages(channelId)).toHaveLength(0);
  });

  test('GIVEN a host role THEN its members may start a round; a second start in the channel links the first', async () => {
    const channelId = h.discord.addChannel('quiz-room');
    const roleId = h.discord.addRole('Quiz host', 0n);
    const helper = h.discord.addMember('helper', { roles: [roleId] });
    const refused = await h.discord.slash(helper, 'quiz', { seconds: 0 }, { subcommand: 'start', channelId }).reply();
    expect(refused.content).toMatch(/^Only the host can do that/);

    await h.discord.slash('teacher', 'config', { role: roleId }, { subcommand: 'host-role' }).reply();
    const started = await h.discord
      .slash(helper, 'quiz', { seconds: 0, questions: 30, difficulty: 'hard' }, { subcommand: 'start', channelId })
      .reply();
    const hard = pack.quiz.filter((i) => i.difficulty === 'hard').length;
    expect(started.content).toContain(`the round uses ${hard} instead of 30`);
    const q1 = await nextQuestion(1, channelId);

    const busy = await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'start', channelId }).reply();
    expect(busy.ephemeral).toBe(true);
    // The link points at the question, or at the channel while its id is still being saved.
    expect(busy.content).toContain(`https://discord.com/channels/${h.discord.guild.id}/${channelId}`);

    const forged = await h.discord.forgeClick('student1', q1, 'quiz-answer:notaround:0:1').reply();
    expect(forged.content).toBe('This round has ended. Ask your host to start a new one with /quiz start.');
    const malformed = await h.discord.forgeClick('student1', q1, 'quiz-answer:x:0:9').reply();
    expect(malformed.content).toBe(
      'This button is not one Roundtable understands. Run the command again to get a fresh one.',
    );

    const stop = await h.discord.slash(helper, 'quiz', {}, { subcommand: 'stop', channelId }).reply();
    expect(stop.content).toBe('Round ended. The standings are posted below.');
    const standings = await h.discord.waitFor(() => standingsMessage(channelId));
    expect(standings.embeds[0]?.description).toContain('Round ended by the host after question 1.');
  });

  test('GIVEN /quiz reset THEN only after the confirmation button are all-time scores cleared', async () => {
    const ask = await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'reset' }).reply();
    expect(ask.ephemeral).toBe(true);
    const before = await h.discord.slash('student1', 'quiz', {}, { subcommand: 'score' }).reply();
    expect(before.content).toContain('You have **1 correct**');
    const done = await h.discord.click('teacher', ask, buttonId(ask, 'Yes, clear all scores')).reply();
    expect(done.content).toBe('All-time scores cleared.');
    const after = await h.discord.slash('student1', 'quiz', {}, { subcommand: 'score' }).reply();
    expect(after.content).toMatch(/^You have no answers counted yet/);
  });
});

describe('a timed round under load', () => {
  test('GIVEN 300 students clicking at once THEN every click is acknowledged in time and counted once', async () => {
    const channelId = h.discord.addChannel('big-class');
    const students = Array.from({ length: 300 }, (_, i) => h.discord.addMember(`pupil${i}`));
    await h.discord.slash('teacher', 'quiz', { questions: 1, seconds: 0 }, { subcommand: 'start', channelId }).reply();
    const q1 = await nextQuestion(1, channelId);
    const item = itemOf(q1);
    const handles = students.map((s, i) => h.discord.click(s, q1, choiceButton(q1, i % item.choices.length)));
    const replies = await Promise.all(handles.map((handle) => handle.reply(10_000)));
    expect(replies.filter((r) => r.content.startsWith('Answer received:'))).toHaveLength(300);
    expect(handles.flatMap((handle) => handle.rejections)).toEqual([]);
    // The count on the question is refreshed every few seconds, not once per click.
    const counted = await h.discord.waitFor(() => {
      const m = h.discord.message(q1.id);
      return m?.embeds[0]?.fields.find((f) => f.name === 'Answered')?.value === '300' ? m : undefined;
    }, 6000);
    expect(counted.edits).toBeLessThan(5);

    await h.discord.click('teacher', q1, buttonId(q1, 'Reveal (host)')).ack();
    const revealed = await h.discord.waitFor(() => {
      const m = h.discord.message(q1.id);
      return m?.embeds[0]?.title?.endsWith('the answer') ? m : undefined;
    });
    expect(revealed.embeds[0]?.fields.find((f) => f.name === 'Answered')?.value).toMatch(/^300 answered, 75 correct/);

    const report = await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'report', channelId }).reply();
    const csv = report.attachments[0]?.data.toString('utf8') ?? '';
    expect(csv.trim().split('\r\n').slice(1)).toHaveLength(300);
    for (const student of students) expect(csv).toContain(`,${student.id},${student.username},`);
  }, 60_000);

  test('GIVEN a timer and auto THEN the question closes at its deadline with speed points and the next follows', async () => {
    const channelId = h.discord.addChannel('timed');
    await h.discord
      .slash('teacher', 'quiz', { questions: 2, seconds: 10, auto: true }, { subcommand: 'start', channelId })
      .reply();
    const q1 = await nextQuestion(1, channelId);
    expect(q1.embeds[0]?.fields.find((f) => f.name === 'Time')?.value).toMatch(/^Closes <t:\d+:R>$/);
    const item = itemOf(q1);
    await h.discord.click('student1', q1, choiceButton(q1, item.choices.indexOf(item.answer))).reply();
    const revealed = await h.discord.waitFor(() => {
      const m = h.discord.message(q1.id);
      return m?.embeds[0]?.title?.endsWith('the answer') ? m : undefined;
    }, 15_000);
    expect(revealed.embeds[0]?.fields.find((f) => f.name === 'Answered')?.value).toMatch(
      /^1 answered, 1 correct · fastest: Student 1 \(\+(9\d\d|1000)\)$/,
    );
    expect(revealed.embeds[0]?.description).toMatch(/Next question <t:\d+:R>/);
    const q2 = await h.discord.waitFor(() => questionMessages(channelId)[1], 8000);
    expect(q2.embeds[0]?.title).toBe('Question 2 of 2');
    await h.discord.slash('teacher', 'quiz', {}, { subcommand: 'stop', channelId }).reply();
  }, 40_000);
});

describe('permissions', () => {
  test('GIVEN the bot cannot embed links THEN the host is told which permission before the round starts', async () => {
    const limited = await startHarness({
      discord: { botPermissions: DEFAULT_BOT_PERMISSIONS & ~PermissionFlagsBits.EmbedLinks },
    });
    limited.discord.setRolePermissions(
      limited.discord.guild.id,
      EVERYONE_PERMISSIONS & ~PermissionFlagsBits.EmbedLinks,
    );
    try {
      const reply = await limited.discord.slash('teacher', 'quiz', {}, { subcommand: 'start' }).reply();
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toMatch(/^Roundtable needs \*\*Embed Links\*\* in this channel to run a quiz round\./);
      expect(limited.discord.channelMessages()).toEqual([]);
    } finally {
      await limited.close();
    }
  });
});
