import { ButtonStyle } from 'discord.js';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Pack, QuizItem } from '../src/content/schema.js';
import { decodeId } from '../src/discord-kit/custom-id.js';
import { choiceOrder } from '../src/features/quiz/choice-order.js';
import {
  type AnswerReply,
  answer,
  close,
  next,
  type StartOptions,
  startRound,
  stop,
} from '../src/features/quiz/engine.js';
import {
  answerReplyText,
  renderLeaderboard,
  renderQuestion,
  renderReveal,
  renderStandings,
} from '../src/features/quiz/render.js';
import { type RevealView, revealView } from '../src/features/quiz/reveal.js';
import { roundStandings } from '../src/features/quiz/standings.js';
import type { QuizControl, QuizItems, QuizRound, Standing } from '../src/features/quiz/state.js';
import { quizProblems } from './fixtures/content-properties.js';
import { byId, loadFixturePack } from './fixtures/fixture-pack.js';
import { buttonsOf, limitProblems, onlyEmbed } from './fixtures/message-limits.js';

const T0 = 1_700_000_000_000;
const ROUND = 'lnx8k2ab3f9c';
/** Round ids are at most 20 characters (the buttons' argument schema). */
const LONGEST_ROUND = 'abcdefghij0123456789';
/** The longest display name Discord allows (32), made of characters that markdown escaping doubles. */
const AWKWARD_NAME = '*_~`|'.repeat(6).slice(0, 32);

let pack: Pack;
let items: QuizItems;
let title: string;
/** The fixture item most tests ask: four choices, the second one right; the clicks below pick 1 right, 3 wrong. */
const ASKED = 'who-announced';
const CHOICES = ['The harbour master', 'The mayor', 'Councillor Tomas Reyne', 'The regional tourism office'];
beforeAll(async () => {
  pack = await loadFixturePack();
  items = new Map(pack.quiz.map((item) => [item.id, item]));
  title = pack.article.shortTitle;
});

function choice(i: number): string {
  return CHOICES[i] ?? '';
}

const EMOJI = ['🇦', '🇧', '🇨', '🇩'];
/** The order ROUND shows who-announced's choices in as its first question: display position -> choice. */
const SHOWN = choiceOrder(ROUND, 0, 4);

function item(id: string): QuizItem {
  return byId(pack.quiz, id);
}

function start(bank: readonly string[], options: StartOptions, roundId = ROUND): QuizRound {
  const result = startRound(
    { roundId, article: pack.slug, channelId: 'c1', hostId: 'host', options, bank, used: [], seed: 1 },
    T0,
  );
  if (!result.ok) throw new Error(`start failed: ${result.error.kind}`);
  // The engine shuffles the bank; asking in bank order lets the expectations name each question.
  expect([...result.state.questionIds].sort()).toEqual([...bank].sort());
  return { ...result.state, questionIds: [...bank], answers: bank.map(() => []) };
}

/** The round after an engine step on its control part: the answers stay as they were. */
function stepped(round: QuizRound, control: QuizControl): QuizRound {
  return { ...control, answers: round.answers };
}

/** Clicks in order; each click `ms` after the question opened, recorded the way the answer log does. */
function play(state: QuizRound, clicks: readonly [user: string, choice: number, ms: number][]): QuizRound {
  const answers = state.answers.map((list) => [...list]);
  const current = answers[state.index] ?? [];
  for (const [user, choice, ms] of clicks) {
    const decision = answer(
      state,
      { roundId: state.roundId, index: state.index, userId: user, displayName: user, choice },
      state.openedAt + ms,
      items,
      current.find((a) => a.userId === user),
    );
    if (decision.kind !== 'record') throw new Error(`${user}'s click was refused: ${decision.kind}`);
    current.push(decision.answer);
  }
  return { ...state, answers };
}

/** The host's "next" on the current question. */
function advance(state: QuizRound, now: number): QuizRound {
  return stepped(state, next(state, { index: state.index }, now).state);
}

function stopped(state: QuizRound, now: number): QuizRound {
  return stepped(state, stop(state, now).state);
}

function reveal(state: QuizRound): { state: QuizRound; view: RevealView } {
  const closed = stepped(state, close(state, { index: state.index, by: 'host' }, state.openedAt + 25_000).state);
  const view = revealView(closed, closed.index, items);
  if (!view) throw new Error('no reveal view');
  return { state: closed, view };
}

function currentItem(state: QuizRound): QuizItem {
  return item(state.questionIds[state.index] ?? '');
}

describe('renderQuestion', () => {
  test('GIVEN a timed question THEN the question, lettered choices, a relative close time and buttons', () => {
    expect(item(ASKED).choices).toEqual(CHOICES);
    const state = start([ASKED], { questions: 1, seconds: 20 });
    const view = renderQuestion(state, item(ASKED), title);
    const embed = onlyEmbed(view);
    expect(embed.title).toBe('Question 1 of 1');
    // The round shuffles the choices: this round's order is not the item's.
    expect(SHOWN).not.toEqual([0, 1, 2, 3]);
    expect([...SHOWN].sort()).toEqual([0, 1, 2, 3]);
    expect(embed.description).toBe(
      '### According to the article, who announced the result of the vote?\n\n' +
        SHOWN.map((c, position) => `${EMOJI[position]} ${choice(c)}`).join('\n'),
    );
    expect(embed.fields).toEqual([
      { name: 'Time', value: `Closes <t:${(T0 + 20_000) / 1000}:R>`, inline: true },
      { name: 'Answered', value: '0', inline: true },
    ]);
    expect(embed.footer?.text).toBe(`Easy · The harbour lighthouse vote · round ${ROUND}`);
    expect(buttonsOf(view)).toEqual([
      // Shown in the round's order, each button still carrying the item's own index of its choice.
      ...SHOWN.map((c) => ({
        label: choice(c),
        customId: `quiz-answer:${ROUND}:0:${c}`,
        disabled: false,
        style: ButtonStyle.Primary,
      })),
      { label: 'Reveal (host)', customId: `quiz-reveal:${ROUND}:0`, disabled: false, style: ButtonStyle.Secondary },
      { label: 'End round (host)', customId: `quiz-stop:${ROUND}`, disabled: false, style: ButtonStyle.Danger },
    ]);
  });

  test('GIVEN answers already in THEN the count is shown, but not who chose what', () => {
    const state = play(start([ASKED], { questions: 1 }), [
      ['xavier', 1, 1000],
      ['bo', 0, 2000],
    ]);
    const embed = onlyEmbed(renderQuestion(state, currentItem(state), title));
    expect(embed.fields?.find((f) => f.name === 'Answered')?.value).toBe('2');
    expect(JSON.stringify(embed)).not.toContain('xavier');
  });

  test('GIVEN a host-paced round THEN no timer is shown', () => {
    const state = start([ASKED], { questions: 1, seconds: 0 });
    const embed = onlyEmbed(renderQuestion(state, currentItem(state), title));
    expect(embed.fields?.[0]).toEqual({ name: 'Time', value: 'No timer: the host reveals the answer.', inline: true });
  });

  test('GIVEN the second question of three THEN the title and the button ids say so', () => {
    const first = reveal(start(['vote-margin', ASKED, 'year-built'], { questions: 3 })).state;
    const second = advance(first, T0 + 30_000);
    const view = renderQuestion(second, currentItem(second), title);
    expect(onlyEmbed(view).title).toBe('Question 2 of 3');
    expect(buttonsOf(view).map((b) => decodeId(b.customId)?.args.slice(0, 2))).toEqual([
      [ROUND, '1'],
      [ROUND, '1'],
      [ROUND, '1'],
      [ROUND, '1'],
      [ROUND, '1'],
      [ROUND],
    ]);
  });
});

describe('renderReveal', () => {
  function revealed(options: StartOptions = { questions: 2, seconds: 20 }) {
    const state = play(start([ASKED, 'year-built'], options), [
      ['Ann', 1, 0],
      ['Bo', 1, 10_000],
      ['Cy', 3, 5_000],
    ]);
    return reveal(state);
  }

  test('GIVEN three answers, two right THEN each choice shows its count and share, the right one marked', () => {
    const { state, view } = revealed();
    const embed = onlyEmbed(renderReveal(state, currentItem(state), view, title));
    expect(embed.title).toBe('Question 1 of 2: the answer');
    const lines: Record<number, string> = {
      0: `▫️ %s ${choice(0)}\n\`░░░░░░░░░░░░\` 0 (0%)`,
      1: `✅ %s ${choice(1)}\n\`████████░░░░\` 2 (67%)`,
      2: `▫️ %s ${choice(2)}\n\`░░░░░░░░░░░░\` 0 (0%)`,
      3: `▫️ %s ${choice(3)}\n\`████░░░░░░░░\` 1 (33%)`,
    };
    expect(embed.description).toBe(
      '### According to the article, who announced the result of the vote?\n\n' +
        SHOWN.map((c, position) => (lines[c] ?? '').replace('%s', EMOJI[position] ?? '')).join('\n'),
    );
  });

  test('GIVEN a reveal THEN the explanation, the quote with its paragraph, the sources and the fastest right answers', () => {
    const { state, view } = revealed();
    const quizItem = currentItem(state);
    const embed = onlyEmbed(renderReveal(state, quizItem, view, title));
    expect(quizItem.id).toBe(ASKED);
    expect(embed.fields).toEqual([
      { name: 'Why', value: 'The article reports the result as the mayor gave it.' },
      { name: 'From the article (¶1)', value: '> the old lighthouse lit for another ten years, the mayor said' },
      {
        name: 'Sources',
        value:
          '• [Port Ellery council press release, 5 March 2024](https://example.org/press-release) · Port Ellery town council, 5 March 2024',
      },
      { name: 'Answered', value: '3 answered, 2 correct · fastest: Ann (+1000), Bo (+750)' },
    ]);
  });

  test('GIVEN a reveal THEN the answer buttons are disabled, the right one green', () => {
    const { state, view } = revealed();
    const buttons = buttonsOf(renderReveal(state, currentItem(state), view, title));
    expect(buttons.slice(0, 4).map((b) => [b.label, b.disabled, b.style])).toEqual(
      SHOWN.map((c) => [choice(c), true, c === 1 ? ButtonStyle.Success : ButtonStyle.Secondary]),
    );
  });

  test('GIVEN a closed question that is not the last THEN the host can go on or end the round', () => {
    const { state, view } = revealed();
    const host = buttonsOf(renderReveal(state, currentItem(state), view, title)).slice(4);
    expect(host).toEqual([
      { label: 'Next question (host)', customId: `quiz-next:${ROUND}:0`, disabled: false, style: ButtonStyle.Primary },
      { label: 'End round (host)', customId: `quiz-stop:${ROUND}`, disabled: false, style: ButtonStyle.Danger },
      { label: 'My result', customId: `quiz-mine:${ROUND}:0`, disabled: false, style: ButtonStyle.Secondary },
    ]);
  });

  test('GIVEN the last question closed THEN the only host button leads to the final standings', () => {
    const state = play(start([ASKED], { questions: 1 }), [['Ann', 1, 0]]);
    const closed = reveal(state);
    const host = buttonsOf(renderReveal(closed.state, currentItem(closed.state), closed.view, title)).slice(4);
    expect(host.map((b) => [b.label, b.customId])).toEqual([
      ['Final standings (host)', `quiz-next:${ROUND}:0`],
      ['My result', `quiz-mine:${ROUND}:0`],
    ]);
  });

  test('GIVEN a round that runs on its own THEN the reveal says when the next question comes', () => {
    const { state, view } = revealed({ questions: 2, seconds: 20, auto: true });
    const description = onlyEmbed(renderReveal(state, currentItem(state), view, title)).description ?? '';
    expect(state.advanceAt).not.toBeNull();
    expect(description.split('\n').at(-1)).toBe(`-# Next question <t:${Math.ceil((state.advanceAt ?? 0) / 1000)}:R>`);
  });

  test('GIVEN the last question of a round that runs on its own THEN the reveal says the standings come next', () => {
    const state = play(start([ASKED], { questions: 1, seconds: 20, auto: true }), [['Ann', 1, 0]]);
    const closed = reveal(state);
    const description = onlyEmbed(
      renderReveal(closed.state, currentItem(closed.state), closed.view, title),
    ).description;
    expect(description?.split('\n').at(-1)).toMatch(/^-# Final standings <t:\d+:R>$/);
  });

  test('GIVEN the reveal of an earlier question re-rendered later THEN it has no host buttons', () => {
    const { state } = revealed();
    const later = advance(state, T0 + 40_000);
    const earlier = revealView(later, 0, items);
    if (!earlier) throw new Error('no reveal view');
    const view = renderReveal(later, item(ASKED), earlier, title);
    expect(buttonsOf(view).map((b) => b.label)).toEqual([...SHOWN.map(choice), 'My result']);
    expect(onlyEmbed(view).title).toBe('Question 1 of 2: the answer');
  });

  test('GIVEN nobody answered THEN every share is 0% and no one is named fastest', () => {
    const closed = reveal(start([ASKED], { questions: 1 }));
    const embed = onlyEmbed(renderReveal(closed.state, currentItem(closed.state), closed.view, title));
    expect(embed.description).toContain(`✅ ${EMOJI[SHOWN.indexOf(1)]} The mayor\n\`░░░░░░░░░░░░\` 0 (0%)`);
    expect(embed.fields?.at(-1)).toEqual({ name: 'Answered', value: '0 answered, 0 correct' });
  });
});

describe('renderStandings', () => {
  const row = (rank: number, name: string, points: number, correct = 1, answered = 2): Standing => ({
    rank,
    userId: `u-${name}`,
    name,
    points,
    correct,
    answered,
  });

  test('GIVEN a completed round THEN players are ranked by points with medals', () => {
    let state = start([ASKED, 'year-built'], { questions: 2, seconds: 20 });
    state = play(state, [
      ['Ann', 1, 0],
      ['Bo', 0, 0],
    ]);
    state = advance(reveal(state).state, T0 + 30_000);
    state = play(state, [
      ['Ann', 0, 0],
      ['Bo', 2, 0],
    ]);
    const finished = advance(reveal(state).state, T0 + 60_000);
    const view = renderStandings(finished, roundStandings(finished), 2);
    expect(onlyEmbed(view).description).toBe(
      'Round complete. 2 players.\n\n' +
        '🥇 Ann: **1,000 points** (1/2 correct)\n' +
        '🥇 Bo: **1,000 points** (1/2 correct)',
    );
  });

  test('GIVEN shared ranks THEN tied players share a medal and the next rank skips', () => {
    const state = stopped(start([ASKED, 'year-built'], { questions: 2 }), T0 + 1000);
    const rows = [row(1, 'Ann', 900), row(1, 'Bo', 900), row(3, 'Cy', 500), row(4, 'Di', 100), row(4, 'Ed', 100)];
    expect(onlyEmbed(renderStandings(state, rows, 5)).description).toBe(
      'Round ended by the host after question 1. 5 players.\n\n' +
        '🥇 Ann: **900 points** (1/1 correct)\n' +
        '🥇 Bo: **900 points** (1/1 correct)\n' +
        '🥉 Cy: **500 points** (1/1 correct)\n' +
        '**4.** Di: **100 points** (1/1 correct)\n' +
        '**4.** Ed: **100 points** (1/1 correct)',
    );
  });

  test('GIVEN a player who skipped a question THEN their line counts it among the questions asked', () => {
    let state = start([ASKED, 'year-built'], { questions: 2, seconds: 20 });
    state = play(state, [
      ['Ann', 1, 0],
      ['Bo', 1, 0],
    ]);
    state = advance(reveal(state).state, T0 + 30_000);
    state = play(state, [['Bo', 0, 0]]);
    const finished = advance(reveal(state).state, T0 + 60_000);
    const lines = onlyEmbed(renderStandings(finished, roundStandings(finished), 2)).description ?? '';
    expect(lines).toContain('Ann: **1,000 points** (1/2 correct)');
  });

  test('GIVEN the all-time board THEN it counts correct answers, not points of different scorings', () => {
    const view = renderLeaderboard('Leaderboard: all time', [row(1, 'Ann', 900)], 'note', { kind: 'all-time' });
    expect(onlyEmbed(view).description).toBe('🥇 Ann: **1 correct** of 2 answers');
  });

  test('GIVEN nobody answered THEN the standings say so', () => {
    const state = stopped(start([ASKED], { questions: 1 }), T0 + 1000);
    const embed = onlyEmbed(renderStandings(state, [], 0));
    expect(embed.title).toBe('Final standings');
    expect(embed.description).toBe('Round ended by the host after question 1. 0 players.\n\nNobody answered.');
    expect(embed.footer?.text).toBe(
      `Round ${ROUND} · /quiz leaderboard for all-time scores · /quiz report for the CSV`,
    );
  });

  test('GIVEN one player THEN "player" is singular', () => {
    const state = stopped(start([ASKED], { questions: 1 }), T0 + 1000);
    expect(onlyEmbed(renderStandings(state, [row(1, 'Ann', 1)], 1)).description).toMatch(/ 1 player\.\n/);
  });

  test('GIVEN ten players with the longest awkward names THEN the standings fit Discord', () => {
    const state = stopped(start([ASKED], { questions: 1 }, LONGEST_ROUND), T0 + 1000);
    const rows = Array.from({ length: 10 }, (_, i) => row(i + 1, `${AWKWARD_NAME}`, 1_000_000 - i, 30, 30));
    expect(limitProblems(renderStandings(state, rows, 500))).toEqual([]);
  });
});

describe('answerReplyText', () => {
  test.each([
    [{ kind: 'accepted', choice: 2 }, 'Answer received: **C**. Your result appears here at the reveal.'],
    [{ kind: 'already-answered', choice: 0 }, 'You already answered **A**. Your first answer is the one that counts.'],
    [{ kind: 'closed' }, 'This question has closed: answers are no longer taken.'],
    [{ kind: 'round-ended' }, 'This round has ended. Ask your host to start a new one with /quiz start.'],
    [{ kind: 'wrong-question', current: 2 }, 'This button belongs to an earlier question. Answer question 3 instead.'],
    [{ kind: 'invalid-choice' }, 'That is not one of the choices.'],
    [{ kind: 'unavailable' }, 'This question is no longer available. Tell your host.'],
    [
      { kind: 'store-unavailable' },
      "The bot's storage is unavailable right now; your answer was not saved. Try again in a moment.",
    ],
  ] satisfies [AnswerReply, string][])('GIVEN the reply %j THEN the student reads "%s"', (reply, text) => {
    expect(answerReplyText(reply)).toBe(text);
  });

  test('GIVEN a click refused after the deadline THEN the student is told the question closed', () => {
    const state = start([ASKED], { questions: 1, seconds: 20 });
    const late = answer(
      state,
      { roundId: ROUND, index: 0, userId: 'u', displayName: 'U', choice: 1 },
      T0 + 20_001,
      items,
      undefined,
    );
    if (late.kind === 'record') throw new Error('a click after the deadline was recorded');
    expect(answerReplyText(late)).toBe('This question has closed: answers are no longer taken.');
  });

  test("GIVEN the round's order THEN the acknowledgement names the letter the choice was shown under", () => {
    // Shown as C, A, D, B: choice 2 under A, choice 1 under D.
    const order = [2, 0, 3, 1];
    expect(answerReplyText({ kind: 'accepted', choice: 2 }, order)).toBe(
      'Answer received: **A**. Your result appears here at the reveal.',
    );
    expect(answerReplyText({ kind: 'already-answered', choice: 1 }, order)).toBe(
      'You already answered **D**. Your first answer is the one that counts.',
    );
  });
});

describe('every quiz item of the fixture', () => {
  test('GIVEN each item asked, answered by many and revealed THEN every message fits Discord, the right answer green', () => {
    expect(quizProblems(pack)).toEqual([]);
  });
});
