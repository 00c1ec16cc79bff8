import type { InteractionHandle, MessageView, ReplyView } from '@roundtable/local-discord';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { QuizItem } from '../src/content/schema.js';
import { homeworkProgressRecord } from '../src/features/homework/records.js';
import { buttonId, checkDiscordAfterEachTest, type Harness, startHarness } from './support/bot-harness.js';

/**
 * Homework as a class lives it, through the real bot and the local Discord:
 * each student's private run in their own order, resumed after a restart; the
 * due time passing (the bot's clock is moved on rather than waited for); the
 * teacher's status view and the two report files.
 */

const HOUR = 3_600_000;
let offset = 0;
const clock = () => Date.now() + offset;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ now: clock });
});
checkDiscordAfterEachTest(() => h.discord);

afterAll(async () => {
  await h?.close();
});

function itemOf(view: MessageView): QuizItem {
  const text = view.embeds[0]?.description ?? '';
  const item = h.pack.quiz.find((i) => text.includes(i.question.slice(0, 50)));
  if (!item) throw new Error(`no quiz item matches message ${view.id}: ${text.slice(0, 80)}`);
  return item;
}

/** The button of the right (or a wrong) choice of the question shown. */
function choice(view: MessageView, right: boolean): string {
  const item = itemOf(view);
  const index = item.choices.indexOf(item.answer);
  return buttonId(view, item.choices[right ? index : (index + 1) % item.choices.length] ?? '');
}

async function assign(channelId: string, options: Record<string, string | number | boolean>): Promise<string> {
  const reply = await h.discord.slash('teacher', 'homework', options, { subcommand: 'assign', channelId }).reply();
  expect(reply.ephemeral).toBe(true);
  const id = /^Homework \*\*([a-z0-9]+)\*\* set/.exec(reply.content)?.[1];
  if (!id) throw new Error(`no assignment id in: ${reply.content}`);
  return id;
}

function card(channelId: string, id: string): Promise<MessageView> {
  return h.discord.waitFor(() =>
    h.discord.channelMessages(channelId).find((m) => m.embeds[0]?.footer?.startsWith(`Homework ${id} ·`)),
  );
}

function cardNow(channelId: string, id: string, title: RegExp): Promise<MessageView> {
  return h.discord.waitFor(() => {
    const m = h.discord.channelMessages(channelId).find((c) => c.embeds[0]?.footer?.startsWith(`Homework ${id} ·`));
    return m && title.test(m.embeds[0]?.title ?? '') ? m : undefined;
  });
}

const title = (view: MessageView | null | undefined) => view?.embeds[0]?.title ?? '';

/** Answers the question shown, then presses Next; returns the view after Next. */
async function answerAndNext(user: string, view: ReplyView, right: boolean): Promise<ReplyView> {
  const verdict = await h.discord.click(user, view, choice(view, right)).reply();
  expect(title(verdict)).toMatch(right ? /: ✅ correct$/ : /: ❌ not this time$/);
  const next = verdict.buttons.find((b) => b.label === 'Next question' || b.label === 'See my score');
  if (!next?.customId) throw new Error('no Next button');
  return h.discord.click(user, verdict, next.customId).reply();
}

let classChannel = '';
let classId = '';

describe('a student run', () => {
  test('GIVEN a student cut off by a restart after two answers THEN Start resumes at question three, and an old button changes nothing', async () => {
    classChannel = h.discord.addChannel('homework');
    classId = await assign(classChannel, { questions: 10, due: '2d' });
    const posted = await card(classChannel, classId);
    expect(title(posted)).toBe(`Homework: ${h.pack.article.shortTitle}`);
    const due = posted.embeds[0]?.fields.find((f) => f.name === 'Due')?.value ?? '';
    expect(due).toMatch(/^<t:\d+:f> \(<t:\d+:R>\)$/);
    expect(Number(/<t:(\d+):f>/.exec(due)?.[1]) * 1000).toBeGreaterThan(clock() + 47 * HOUR);
    expect(posted.embeds[0]?.fields.find((f) => f.name === 'Questions')?.value).toBe('10 questions');

    const first = await h.discord.click('student1', posted, buttonId(posted, 'Start')).reply();
    expect(first.ephemeral).toBe(true);
    expect(title(first)).toBe('Question 1 of 10');
    expect(first.content).toMatch(/^Your own questions, in your own order/);
    const q1 = first;
    const q1Wrong = choice(q1, false);
    const verdict1 = await h.discord.click('student1', q1, choice(q1, true)).reply();
    expect(verdict1.id).toBe(q1.id);
    expect(title(verdict1)).toBe('Question 1 of 10: ✅ correct');
    expect(verdict1.embeds[0]?.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['Why', `From the article (¶${itemOf(q1).paragraph})`]),
    );
    const q2 = await h.discord.click('student1', verdict1, buttonId(verdict1, 'Next question')).reply();
    expect(title(q2)).toBe('Question 2 of 10');
    const verdict2 = await h.discord.click('student1', q2, choice(q2, false)).reply();
    expect(verdict2.embeds[0]?.description).toContain('The answer is **');

    await h.stopBot();
    await h.restartBot();

    const again = await h.discord.click('student1', posted, buttonId(posted, 'Start')).reply();
    expect(again.ephemeral).toBe(true);
    expect(again.id).not.toBe(q1.id);
    expect(again.content).toBe('Welcome back: you answered 2 of 10. Here is question 3.');
    expect(title(again)).toBe('Question 3 of 10');

    // Question 1's wrong button, clicked after the fact: the first answer still counts.
    const late = await h.discord.forgeClick('student1', q1.id, q1Wrong).reply();
    expect(late.content).toBe('You already answered this question: your first answer is the one that counts.');
    expect(title(late)).toBe('Question 1 of 10: ✅ correct');

    let view: ReplyView = again;
    for (let n = 3; n <= 10; n++) view = await answerAndNext('student1', view, n !== 7);
    expect(title(view)).toBe('Homework done: 8 of 10 questions correct');
    const progress = await h.store.read(
      h.discord.guild.id,
      homeworkProgressRecord(classId, h.discord.users.student1.id),
    );
    const missed = [1, 6].map((i) => h.pack.quiz.find((q) => q.id === progress?.order[i]));
    const lines = view.embeds[0]?.description ?? '';
    for (const [k, item] of missed.entries()) {
      expect(lines).toContain(`**${k === 0 ? 2 : 7}.** `);
      expect(lines).toContain(`(reread ¶${item?.paragraph})`);
    }

    const review1 = await h.discord.click('student1', view, buttonId(view, 'Review')).reply();
    expect(title(review1)).toBe('Review 1 of 2: question 2');
    expect(review1.embeds[0]?.fields.map((f) => f.name)).toContain(`Reread ¶${missed[0]?.paragraph}`);
    expect(review1.embeds[0]?.footer).toMatch(/^Review: not scored/);
    const review2 = await h.discord.click('student1', review1, buttonId(review1, 'Next missed question')).reply();
    expect(title(review2)).toBe('Review 2 of 2: question 7');
    const back = await h.discord.click('student1', review2, buttonId(review2, 'Back to my score')).reply();
    expect(title(back)).toBe('Homework done: 8 of 10 questions correct');
  }, 60_000);

  test('GIVEN a second student THEN they get their own order, and see the questions in it', async () => {
    const posted = await card(classChannel, classId);
    const start = await h.discord.click('student2', posted, buttonId(posted, 'Start')).reply();
    const guildId = h.discord.guild.id;
    const [one, two] = await Promise.all(
      [h.discord.users.student1.id, h.discord.users.student2.id].map((u) =>
        h.store.read(guildId, homeworkProgressRecord(classId, u)),
      ),
    );
    expect([...(one?.order ?? [])].sort()).toEqual([...(two?.order ?? [])].sort());
    expect(two?.order).not.toEqual(one?.order);
    expect(itemOf(start).id).toBe(two?.order[0]);
    const next = await answerAndNext('student2', start, false);
    expect(itemOf(next).id).toBe(two?.order[1]);
    await answerAndNext('student2', next, true);
  });

  test('GIVEN a run left for more than 15 minutes THEN the next step comes as a fresh private message, not an edit', async () => {
    const channelId = h.discord.addChannel('homework-stale');
    const id = await assign(channelId, { questions: 2, due: '1d' });
    const posted = await card(channelId, id);
    const q1 = await h.discord.click('student3', posted, buttonId(posted, 'Start')).reply();
    offset += 16 * 60_000;
    const click: InteractionHandle = h.discord.click('student3', q1, choice(q1, true), { createdAt: clock() });
    const verdict = await click.reply();
    expect(click.callbackType).toBe(4);
    expect(verdict.ephemeral).toBe(true);
    expect(verdict.id).not.toBe(q1.id);
    expect(title(verdict)).toBe('Question 1 of 2: ✅ correct');
    expect(title(h.discord.message(q1.id))).toBe('Question 1 of 2');
  });
});

describe('the due time', () => {
  test('GIVEN the due time passes THEN the card says closed, a new start is refused and an unfinished run shows its score so far', async () => {
    const channelId = h.discord.addChannel('homework-due');
    const strict = await assign(channelId, { questions: 3, due: '2h' });
    const lenient = await assign(channelId, { questions: 3, due: '2h', late: true });
    const strictCard = await card(channelId, strict);
    const lenientCard = await card(channelId, lenient);
    const q1 = await h.discord.click('student1', strictCard, buttonId(strictCard, 'Start')).reply();
    const verdict = await h.discord.click('student1', q1, choice(q1, true)).reply();
    const q2 = await h.discord.click('student1', verdict, buttonId(verdict, 'Next question')).reply();

    offset += 3 * HOUR;
    const refused = await h.discord
      .click('student2', strictCard, buttonId(strictCard, 'Start'), { createdAt: clock() })
      .reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe('This homework is closed: answers are no longer taken.');
    const closed = await cardNow(channelId, strict, /^Homework \(closed\)/);
    expect(closed.buttons.map((b) => b.label)).toEqual(['My result']);
    expect(closed.embeds[0]?.fields.find((f) => f.name === '🔒 Closed')?.value).toMatch(/^The due time has passed/);

    const tooLate = await h.discord.click('student1', q2, choice(q2, true), { createdAt: clock() }).reply();
    expect(tooLate.content).toBe('This homework is closed: answers are no longer taken.');
    expect(title(tooLate)).toBe('Homework so far: 1 of 3 questions correct');
    expect(tooLate.embeds[0]?.description).toMatch(/^It closed before you finished: you answered 1 of 3\./);
    const mine = await h.discord
      .click('student1', closed, buttonId(closed, 'My result'), { createdAt: clock() })
      .reply();
    expect(title(mine)).toBe('Homework so far: 1 of 3 questions correct');
    expect(mine.content).toBe('This homework is closed: answers are no longer taken.');

    // With late:true a late start is taken and marked late; the card says late work is accepted.
    const lateStart = await h.discord
      .click('student2', lenientCard, buttonId(lenientCard, 'Start'), { createdAt: clock() })
      .reply();
    expect(lateStart.content).toContain('The due time has passed, so your work is marked late.');
    const lateCard = await h.discord.waitFor(() => {
      const m = h.discord.message(lenientCard.id);
      return m?.embeds[0]?.fields.some((f) => f.name === '⏰ The due time has passed') ? m : undefined;
    });
    expect(lateCard.buttons.map((b) => b.label)).toEqual(['Start']);
    expect(title(lateStart)).toBe('Question 1 of 3');
  });

  test('GIVEN the due time passes while the bot is down THEN the card closes at start-up, with nobody clicking', async () => {
    const channelId = h.discord.addChannel('homework-down');
    const id = await assign(channelId, { questions: 2, due: '90m' });
    const open = await card(channelId, id);
    expect(open.buttons.map((b) => b.label)).toEqual(['Start']);
    await h.stopBot();
    offset += 2 * HOUR;
    await h.restartBot();
    const closed = await cardNow(channelId, id, /^Homework \(closed\)/);
    expect(closed.id).toBe(open.id);
  });

  test('GIVEN the due time comes while the bot runs THEN its timer closes the card, with nobody clicking', async () => {
    const channelId = h.discord.addChannel('homework-timer');
    const id = await assign(channelId, { questions: 2, due: '10m' });
    const open = await card(channelId, id);
    // The timer is armed from the stored due time when the bot starts: start it 2 s before the due time.
    await h.stopBot();
    offset += 10 * 60_000 - 2000;
    await h.restartBot();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(title(h.discord.message(open.id))).toBe(`Homework: ${h.pack.article.shortTitle}`);
    const closed = await cardNow(channelId, id, /^Homework \(closed\)/);
    expect(closed.id).toBe(open.id);
  });

  test('GIVEN a due time the bot cannot read THEN the host is told how to write one', async () => {
    const reply = await h.discord
      .slash('teacher', 'homework', { due: 'next friday' }, { subcommand: 'assign', channelId: classChannel })
      .reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(
      /^"next friday" is not a due time Roundtable reads\. Write `due` as a duration such as `3d`/,
    );
  });
});

describe('what the teacher sees', () => {
  test('GIVEN the class above THEN status counts who started and finished, with scores and the most-missed questions', async () => {
    const view = await h.discord
      .slash('teacher', 'homework', { assignment: classId }, { subcommand: 'status', channelId: classChannel })
      .reply();
    expect(view.ephemeral).toBe(true);
    expect(title(view)).toBe(`Homework ${classId}: ${h.pack.article.shortTitle}`);
    const lines = view.embeds[0]?.description ?? '';
    expect(lines).toContain('**2** started · **1** finished · **1** in progress');
    expect(lines).toContain('Average score of those who finished: **80%**.');
    const students = view.embeds[0]?.fields.find((f) => f.name === 'Students')?.value ?? '';
    expect(students.split('\n')).toEqual(['✅ Student 1: **8/10**', '⏳ Student 2: 2 of 10 answered, 1 correct']);
    const missed = view.embeds[0]?.fields.find((f) => f.name === 'Missed most')?.value ?? '';
    // What the two students got wrong, from their stored runs: the question missed most comes first.
    const runs = await Promise.all(
      [h.discord.users.student1.id, h.discord.users.student2.id].map((u) =>
        h.store.read(h.discord.guild.id, homeworkProgressRecord(classId, u)),
      ),
    );
    const wrong = new Map<string, number>();
    for (const a of runs.flatMap((r) => r?.answers ?? [])) {
      if (!a.correct) wrong.set(a.questionId, (wrong.get(a.questionId) ?? 0) + 1);
    }
    const worst = Math.max(...wrong.values());
    expect(missed.split('\n')).toHaveLength(wrong.size);
    expect(missed).toMatch(new RegExp(`^\\*\\*${worst} wrong\\*\\* of [12]: `));

    const student = await h.discord
      .slash('student1', 'homework', {}, { subcommand: 'status', channelId: classChannel })
      .reply();
    expect(student.content).toMatch(/^Only the host can do that/);
  });

  test('GIVEN the class above THEN both report files read back with a CSV library', async () => {
    const reply = await h.discord
      .slash('teacher', 'homework', {}, { subcommand: 'report', channelId: classChannel })
      .reply();
    expect(reply.content).toMatch(new RegExp(`^Homework ${classId}: 2 students started, 1 finished, 12 answers\\.`));
    const [answersFile, studentsFile] = reply.attachments;
    expect(answersFile?.filename).toBe(`homework-${classId}-answers.csv`);
    const rows: Record<string, string>[] = parse(answersFile?.data ?? Buffer.alloc(0), { bom: true, columns: true });
    const sheet: Record<string, string>[] = parse(studentsFile?.data ?? Buffer.alloc(0), { bom: true, columns: true });
    expect(rows).toHaveLength(20);
    const ann = rows.filter((r) => r['display name'] === 'Student 1');
    expect(ann.map((r) => r.correct)).toEqual(['yes', 'no', 'yes', 'yes', 'yes', 'yes', 'no', 'yes', 'yes', 'yes']);
    expect(rows.filter((r) => r.correct === 'not answered')).toHaveLength(8);
    const first = ann[0];
    const item = h.pack.quiz.find((q) => q.id === first?.['question id']);
    expect(first?.['correct answer']).toBe(item?.answer);
    expect(sheet).toEqual([
      expect.objectContaining({
        'display name': 'Student 1',
        answered: '10',
        correct: '8',
        'percent correct': '80',
        late: 'no',
      }),
      expect.objectContaining({
        'display name': 'Student 2',
        answered: '2',
        correct: '1',
        'not answered': '8',
        'finished at (utc)': '',
      }),
    ]);
  });

  test('GIVEN another server THEN it cannot see this one’s homework', async () => {
    const other = h.discord.addGuild();
    const reply = await h.discord
      .slash(
        'teacher',
        'homework',
        { assignment: classId },
        { subcommand: 'status', channelId: other.generalChannelId },
      )
      .reply();
    expect(reply.content).toBe(`No homework "${classId}" is kept on this server. Pick one from the list as you type.`);
  });

  test('GIVEN /homework close THEN the card closes at once and Start is refused', async () => {
    const closed = await h.discord
      .slash('teacher', 'homework', { assignment: classId }, { subcommand: 'close', channelId: classChannel })
      .reply();
    expect(closed.content).toMatch(new RegExp(`^Homework \\*\\*${classId}\\*\\* is closed`));
    const closedCard = await cardNow(classChannel, classId, /^Homework \(closed\)/);
    expect(closedCard.embeds[0]?.fields.find((f) => f.name === '🔒 Closed')?.value).toMatch(/^Closed by the host/);
    const refused = await h.discord.click('student3', closedCard, buttonId(closedCard, 'My result')).reply();
    expect(refused.content).toBe('This homework is closed: answers are no longer taken.');
  });
});
