import { describe, expect, test } from 'vitest';
import type { QuizItem } from '../src/content/schema.js';
import {
  type AnswerDecision,
  type AnswerEvent,
  answer,
  close,
  isRoundActive,
  markFiled,
  markPreviousRetired,
  markRevealShown,
  markStandingsShown,
  messageLost,
  next,
  owed,
  type StartOptions,
  setQuestionMessage,
  startRound,
  stop,
  wakeAt,
} from '../src/features/quiz/engine.js';
import { revealView } from '../src/features/quiz/reveal.js';
import { roundStandings } from '../src/features/quiz/standings.js';
import {
  type Answer,
  AUTO_ADVANCE_MS,
  parseQuizRound,
  type QuizControl,
  QuizControlSchema,
  type QuizItems,
  type QuizRound,
} from '../src/features/quiz/state.js';

const T0 = 1_700_000_000_000;
const BANK = ['q1', 'q2', 'q3'];

function makeItem(id: string): QuizItem {
  return {
    id,
    question: `Question ${id}?`,
    choices: ['Alpha', 'Beta', 'Gamma', 'Delta'],
    answer: 'Beta',
    explanation: 'Because.',
    quote: 'A quote.',
    paragraph: 1,
    difficulty: 'easy',
    type: 'comprehension',
    sources: [],
  };
}

const ITEMS: QuizItems = new Map(BANK.map((id) => [id, makeItem(id)]));
const CORRECT = 1;
const WRONG = 2;

function startWith(options: StartOptions = {}, bank: readonly string[] = BANK): QuizControl {
  const result = startRound(
    { roundId: 'r1', article: 'kim-putin-2023', channelId: 'c1', hostId: 'host', options, bank, used: [], seed: 42 },
    T0,
  );
  if (!result.ok) throw new Error(`start failed: ${result.error.kind}`);
  return result.state;
}

/** The current question as the runtime leaves it once its message is posted. */
function posted(state: QuizControl): QuizControl {
  return setQuestionMessage(state, { index: state.index, messageId: `m${state.index}` });
}

function click(userId: string, choice: number, index = 0, roundId = 'r1'): AnswerEvent {
  return { roundId, index, userId, displayName: `Name ${userId}`, choice };
}

/** One list per question, as the answer logs keep them. */
function noAnswers(state: QuizControl): Answer[][] {
  return state.questionIds.map(() => []);
}

/**
 * Decides a click and, when it is to be recorded, records it the way the answer
 * log does: the student's recorded answer is handed back as `previous`.
 */
function give(state: QuizControl, answers: Answer[][], event: AnswerEvent, clickedAt: number): AnswerDecision {
  const list = answers[state.index] ?? [];
  const previous = list.find((a) => a.userId === event.userId);
  const decision = answer(state, event, clickedAt, ITEMS, previous);
  if (decision.kind === 'record') list.push(decision.answer);
  return decision;
}

/** The round with its answers, as the runtime assembles it for reveals and standings. */
function withAnswers(state: QuizControl, answers: readonly Answer[][]): QuizRound {
  return { ...state, answers: answers.map((list) => [...list]) };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The state must survive the store: JSON and the schema on read. */
function expectStorable(state: QuizControl): void {
  expect(QuizControlSchema.parse(JSON.parse(JSON.stringify(state)))).toEqual(state);
}

function expectRoundStorable(round: QuizRound): void {
  expect(parseQuizRound(JSON.parse(JSON.stringify(round)))).toEqual(round);
}

describe('startRound', () => {
  test('GIVEN defaults THEN 10 timed questions scored by speed, first one shown with a close timer', () => {
    const result = startRound(
      {
        roundId: 'r1',
        article: 'a',
        channelId: 'c1',
        hostId: 'host',
        options: {},
        bank: Array.from({ length: 12 }, (_, i) => `q${i}`),
        used: [],
        seed: 7,
      },
      T0,
    );
    if (!result.ok) throw new Error('start failed');
    expect(result.state.settings).toEqual({
      count: 10,
      seconds: 20,
      scoring: 'speed',
      difficulty: null,
      auto: false,
      hostPlays: false,
    });
    expect(result.state.questionIds).toHaveLength(10);
    expect(new Set(result.state.questionIds).size).toBe(10);
    expect(result.state).toMatchObject({
      index: 0,
      phase: 'question-open',
      openedAt: T0,
      deadline: T0 + 20_000,
      closedAt: null,
      advanceAt: null,
      startedAt: T0,
      endedAt: null,
      bankNote: null,
      questionMessageId: null,
      revealShown: false,
      filed: false,
      standingsShown: false,
    });
    // Answers live in their own chunks, not in the control record.
    expect(result.state).not.toHaveProperty('answers');
    expect(owed(result.state, T0)).toEqual({ kind: 'post-question', index: 0 });
    expect(wakeAt(result.state)).toBe(T0 + 20_000);
    expect(result.used).toEqual(result.state.questionIds);
    expectStorable(result.state);
  });

  test('GIVEN seconds 0 THEN simple scoring, no deadline and no timer', () => {
    const result = startRound(
      {
        roundId: 'r1',
        article: 'a',
        channelId: 'c',
        hostId: 'h',
        options: { seconds: 0 },
        bank: BANK,
        used: [],
        seed: 1,
      },
      T0,
    );
    if (!result.ok) throw new Error('start failed');
    expect(result.state.settings.scoring).toBe('simple');
    expect(result.state.deadline).toBeNull();
    expect(owed(result.state, T0)).toEqual({ kind: 'post-question', index: 0 });
    expect(wakeAt(result.state)).toBeNull();
  });

  test('GIVEN a bank smaller than asked THEN the round uses what there is and says so', () => {
    const state = startWith({ questions: 10 });
    expect([...state.questionIds].sort()).toEqual(BANK);
    expect(state.bankNote).toEqual({ asked: 10, available: 3 });
    expect(state.settings.count).toBe(10);
    expectStorable(state);
  });

  test.each<[string, StartOptions, string]>([
    ['speed without timer', { seconds: 0, scoring: 'speed' }, 'scoring'],
    ['31 questions', { questions: 31 }, 'count'],
    ['0 questions', { questions: 0 }, 'count'],
    ['5 seconds', { seconds: 5 }, 'seconds'],
    ['121 seconds', { seconds: 121 }, 'seconds'],
    ['fractional seconds', { seconds: 12.5 }, 'seconds'],
  ])('GIVEN %s THEN invalid settings on %s', (_name, options, field) => {
    const result = startRound(
      { roundId: 'r', article: 'a', channelId: 'c', hostId: 'h', options, bank: BANK, used: [], seed: 1 },
      T0,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ kind: 'invalid-settings', field });
  });

  test('GIVEN an empty bank THEN refused', () => {
    const result = startRound(
      { roundId: 'r', article: 'a', channelId: 'c', hostId: 'h', options: {}, bank: [], used: [], seed: 1 },
      T0,
    );
    expect(result).toEqual({ ok: false, error: { kind: 'empty-bank' } });
  });

  test('isRoundActive: only an unfinished round blocks the channel', () => {
    const state = startWith();
    expect(isRoundActive(undefined)).toBe(false);
    expect(isRoundActive(state)).toBe(true);
    expect(isRoundActive(stop(state, T0 + 1).state)).toBe(false);
  });
});

describe('answer', () => {
  test('GIVEN an open question THEN the first click is recorded with its points', () => {
    const state = deepFreeze(startWith());
    const decision = answer(state, click('u1', CORRECT), T0 + 5_000, ITEMS, undefined);
    expect(decision).toEqual({
      kind: 'record',
      answer: {
        userId: 'u1',
        displayName: 'Name u1',
        choice: CORRECT,
        at: T0 + 5_000,
        elapsedMs: 5_000,
        points: 875,
        correct: true,
      },
    });
    // The input state is untouched.
    expect(state).toEqual(startWith());
    if (decision.kind === 'record') expectRoundStorable(withAnswers(state, [[decision.answer], [], []]));
  });

  test('GIVEN a wrong choice THEN recorded with 0 points', () => {
    const decision = answer(startWith(), click('u1', WRONG), T0 + 1_000, ITEMS, undefined);
    expect(decision).toMatchObject({ kind: 'record', answer: { choice: WRONG, correct: false, points: 0 } });
  });

  test('GIVEN a second click THEN "already answered" with the first choice, state identical', () => {
    const state = startWith();
    const answers = noAnswers(state);
    expect(give(state, answers, click('u1', 0), T0 + 1_000).kind).toBe('record');
    const second = give(state, answers, click('u1', 3), T0 + 2_000);
    expect(second).toEqual({ kind: 'already-answered', choice: 0 });
    expect(answers[0]).toHaveLength(1);
    expect(answers[0]?.[0]?.choice).toBe(0);
  });

  test.each<[string, (s: QuizControl) => QuizControl, AnswerEvent, number, unknown]>([
    [
      'closed by host',
      (s) => close(s, { index: 0, by: 'host' }, T0 + 3_000).state,
      click('u1', 1),
      T0 + 4_000,
      { kind: 'closed' },
    ],
    ['past the deadline, timer not yet fired', (s) => s, click('u1', 1), T0 + 20_001, { kind: 'closed' }],
    [
      'past the deadline, timer fired',
      (s) => close(s, { index: 0, by: 'timer' }, T0 + 20_500).state,
      click('u1', 1),
      T0 + 20_001,
      { kind: 'closed' },
    ],
    ['a stale question index', (s) => s, click('u1', 1, 1), T0 + 1_000, { kind: 'wrong-question', current: 0 }],
    ['another round', (s) => s, click('u1', 1, 0, 'r0'), T0 + 1_000, { kind: 'round-ended' }],
    ['a finished round', (s) => stop(s, T0 + 1).state, click('u1', 1), T0 + 1_000, { kind: 'round-ended' }],
    ['choice 4 of 4', (s) => s, click('u1', 4), T0 + 1_000, { kind: 'invalid-choice' }],
    ['choice -1', (s) => s, click('u1', -1), T0 + 1_000, { kind: 'invalid-choice' }],
    ['choice 1.5', (s) => s, click('u1', 1.5), T0 + 1_000, { kind: 'invalid-choice' }],
  ])('GIVEN %s THEN refused, state identical', (_name, prepare, event, clickedAt, reply) => {
    const state = deepFreeze(prepare(startWith()));
    const before = structuredClone(state);
    expect(answer(state, event, clickedAt, ITEMS, undefined)).toEqual(reply);
    expect(state).toEqual(before);
  });

  test('GIVEN the item left the catalogue THEN "unavailable"', () => {
    const state = startWith();
    expect(answer(state, click('u1', 1), T0 + 1_000, new Map(), undefined)).toEqual({ kind: 'unavailable' });
  });

  test('GIVEN a click made before the deadline but decided after it THEN it counts', () => {
    // The timer fired at T0 + 20.5 s; the clicks were made before the deadline and queued.
    const closed = close(posted(startWith()), { index: 0, by: 'timer' }, T0 + 20_500).state;
    expect(closed.closedAt).toBe(T0 + 20_000);
    expect(answer(closed, click('u1', CORRECT), T0 + 19_999, ITEMS, undefined)).toMatchObject({
      kind: 'record',
      answer: { at: T0 + 19_999, elapsedMs: 19_999, points: 500, correct: true },
    });
    expect(answer(closed, click('u2', CORRECT), T0 + 20_000, ITEMS, undefined)).toMatchObject({
      kind: 'record',
      answer: { at: T0 + 20_000, elapsedMs: 20_000, points: 500 },
    });
    // Still so once the reveal is shown, as long as the host has not moved on.
    const shown = markRevealShown(closed, 0);
    expect(answer(shown, click('u3', WRONG), T0 + 15_000, ITEMS, undefined)).toMatchObject({
      kind: 'record',
      answer: { elapsedMs: 15_000, points: 0, correct: false },
    });
    expect(answer(shown, click('u4', CORRECT), T0 + 20_001, ITEMS, undefined)).toEqual({ kind: 'closed' });
    const moved = next(shown, { index: 0 }, T0 + 30_000).state;
    expect(answer(moved, click('u5', CORRECT), T0 + 15_000, ITEMS, undefined)).toEqual({
      kind: 'wrong-question',
      current: 1,
    });
  });

  test('GIVEN the host closed the question THEN a click made up to closedAt counts, one made after is refused', () => {
    const closed = close(startWith(), { index: 0, by: 'host' }, T0 + 3_000).state;
    expect(closed.closedAt).toBe(T0 + 3_000);
    expect(answer(closed, click('u1', CORRECT), T0 + 2_999, ITEMS, undefined)).toMatchObject({
      kind: 'record',
      answer: { elapsedMs: 2_999 },
    });
    expect(answer(closed, click('u2', CORRECT), T0 + 3_000, ITEMS, undefined).kind).toBe('record');
    expect(answer(closed, click('u3', CORRECT), T0 + 3_001, ITEMS, undefined)).toEqual({ kind: 'closed' });
  });

  test('GIVEN a click decided long after it was made THEN its time and points come from when it was made', () => {
    const state = startWith();
    const at = T0 + 10_000;
    // Decided after the question closed at T0 + 25 s: the time of the decision plays no part.
    const closed = close(state, { index: 0, by: 'host' }, T0 + 25_000).state;
    for (const s of [state, closed]) {
      expect(answer(s, click('u1', CORRECT), at, ITEMS, undefined)).toEqual({
        kind: 'record',
        answer: {
          userId: 'u1',
          displayName: 'Name u1',
          choice: CORRECT,
          at,
          elapsedMs: 10_000,
          points: 750,
          correct: true,
        },
      });
    }
    // A click stamped before the opening (clock skew) is clamped to 0 ms and full points.
    expect(answer(state, click('u2', CORRECT), T0 - 50, ITEMS, undefined)).toMatchObject({
      kind: 'record',
      answer: { elapsedMs: 0, points: 1000 },
    });
  });

  test.each([
    ['0 s', 0, 1000],
    ['half the time', 10_000, 750],
    ['the last moment', 20_000, 500],
    ['a tick after opening', 1, 1000],
    ['an exact half point (871.5)', 5_140, 872],
  ])('speed scoring at %s → %i points', (_name, elapsed, points) => {
    const decision = answer(startWith(), click('u1', CORRECT), T0 + elapsed, ITEMS, undefined);
    expect(decision.kind).toBe('record');
    if (decision.kind === 'record') expect(decision.answer.points).toBe(points);
  });

  test('simple scoring: 1 per correct answer, 0 otherwise, whatever the time', () => {
    const state = startWith({ seconds: 0 });
    const answers = noAnswers(state);
    give(state, answers, click('fast', CORRECT), T0 + 100);
    give(state, answers, click('slow', CORRECT), T0 + 3_600_000);
    give(state, answers, click('wrong', WRONG), T0 + 200);
    expect(answers[0]?.map((a) => [a.userId, a.points])).toEqual([
      ['fast', 1],
      ['slow', 1],
      ['wrong', 0],
    ]);
  });

  test('300 distinct students on one question, equal timestamps included, each counted exactly once', () => {
    const state = startWith();
    const answers = noAnswers(state);
    const users = Array.from({ length: 300 }, (_, i) => `u${i}`);
    for (const [i, user] of users.entries()) {
      const decision = give(state, answers, click(user, i % 4), T0 + 1_000 + Math.floor(i / 10));
      expect(decision).toMatchObject({ kind: 'record', answer: { choice: i % 4 } });
    }
    for (const user of users) {
      const again = give(state, answers, click(user, 0), T0 + 2_000);
      expect(again.kind).toBe('already-answered');
    }
    const list = answers[0] ?? [];
    expect(list).toHaveLength(300);
    expect(new Set(list.map((a) => a.userId)).size).toBe(300);
    const closed = close(state, { index: 0, by: 'host' }, T0 + 3_000).state;
    const view = revealView(withAnswers(closed, answers), 0, ITEMS);
    expect(view?.counts).toEqual([75, 75, 75, 75]);
    expect(view?.answered).toBe(300);
    expect(view?.winners).toHaveLength(75);
    expectRoundStorable(withAnswers(closed, answers));
  });
});

describe('close', () => {
  test('GIVEN a timer event before the deadline THEN ignored', () => {
    const state = posted(startWith());
    const out = close(state, { index: 0, by: 'timer' }, T0 + 19_999);
    expect(out.reply).toEqual({ kind: 'too-early', deadline: T0 + 20_000 });
    expect(out.state).toBe(state);
    expect(owed(out.state, T0 + 19_999)).toBeNull();
    expect(wakeAt(out.state)).toBe(T0 + 20_000);
  });

  test('GIVEN the timer at the deadline THEN closed and revealed; an answer at that same ms came first and counts', () => {
    const state = posted(startWith());
    const answers = noAnswers(state);
    expect(give(state, answers, click('u1', CORRECT), T0 + 20_000).kind).toBe('record');
    const out = close(state, { index: 0, by: 'timer' }, T0 + 20_000);
    expect(out.reply).toEqual({ kind: 'revealed' });
    expect(out.state.phase).toBe('question-closed');
    expect(out.state.closedAt).toBe(T0 + 20_000);
    expect(owed(out.state, T0 + 20_000)).toEqual({ kind: 'show-reveal', index: 0 });
    expect(answers[0]?.[0]?.points).toBe(500);
    expectStorable(out.state);
  });

  test('GIVEN the host reveals early THEN closed at once', () => {
    const out = close(posted(startWith()), { index: 0, by: 'host' }, T0 + 2_000);
    expect(out.reply).toEqual({ kind: 'revealed' });
    expect(out.state.phase).toBe('question-closed');
    expect(out.state.closedAt).toBe(T0 + 2_000);
    expect(owed(out.state, T0 + 2_000)).toEqual({ kind: 'show-reveal', index: 0 });
  });

  test('GIVEN the host reveals after the deadline, before the timer fired THEN closed as of the deadline', () => {
    const out = close(posted(startWith()), { index: 0, by: 'host' }, T0 + 20_400);
    expect(out.reply).toEqual({ kind: 'revealed' });
    expect(out.state.closedAt).toBe(T0 + 20_000);
  });

  test('GIVEN an untimed round THEN only the host closes it', () => {
    const state = posted(startWith({ seconds: 0 }));
    expect(owed(state, T0 + 10 * 3_600_000)).toBeNull();
    expect(wakeAt(state)).toBeNull();
    const byTimer = close(state, { index: 0, by: 'timer' }, T0 + 10 * 3_600_000);
    expect(byTimer.reply).toEqual({ kind: 'too-early', deadline: null });
    expect(byTimer.state).toBe(state);
    const byHost = close(state, { index: 0, by: 'host' }, T0 + 10 * 3_600_000);
    expect(byHost.state.phase).toBe('question-closed');
    expect(byHost.state.closedAt).toBe(T0 + 10 * 3_600_000);
  });

  test.each<[string, (s: QuizControl) => QuizControl, number, unknown]>([
    ['already closed', (s) => close(s, { index: 0, by: 'host' }, T0 + 1).state, 0, { kind: 'closed' }],
    ['a stale index', (s) => s, 1, { kind: 'wrong-question', current: 0 }],
    ['a finished round', (s) => stop(s, T0 + 1).state, 0, { kind: 'round-ended' }],
  ])('GIVEN %s THEN refused, state identical', (_name, prepare, index, reply) => {
    const state = prepare(startWith());
    const out = close(state, { index, by: 'host' }, T0 + 30_000);
    expect(out.reply).toEqual(reply);
    expect(out.state).toBe(state);
  });

  test('GIVEN auto THEN the reveal schedules the next question a few seconds later', () => {
    const out = close(posted(startWith({ auto: true })), { index: 0, by: 'timer' }, T0 + 20_050);
    const advanceAt = T0 + 20_050 + AUTO_ADVANCE_MS;
    expect(out.state.advanceAt).toBe(advanceAt);
    expect(owed(out.state, T0 + 20_050)).toEqual({ kind: 'show-reveal', index: 0 });
    const shown = markRevealShown(out.state, 0);
    expect(owed(shown, T0 + 20_050)).toBeNull();
    expect(owed(shown, advanceAt - 1)).toBeNull();
    expect(wakeAt(shown)).toBe(advanceAt);
    expect(owed(shown, advanceAt)).toEqual({ kind: 'advance', index: 0 });
    const advanced = next(shown, { index: 0 }, advanceAt);
    expect(advanced.reply).toEqual({ kind: 'advanced', index: 1 });
    expect(advanced.state.advanceAt).toBeNull();
    expect(owed(advanced.state, advanceAt)).toEqual({ kind: 'post-question', index: 1 });
  });
});

describe('owed and wakeAt', () => {
  test('GIVEN a timed round THEN each step owes the next one, in order', () => {
    let state = startWith({ questions: 2 }, ['q1', 'q2']);
    expect(owed(state, T0)).toEqual({ kind: 'post-question', index: 0 });
    state = posted(state);
    expect(owed(state, T0)).toBeNull();
    expect(owed(state, T0 + 19_999)).toBeNull();
    expect(wakeAt(state)).toBe(T0 + 20_000);
    expect(owed(state, T0 + 20_000)).toEqual({ kind: 'close', index: 0 });
    state = close(state, { index: 0, by: 'timer' }, T0 + 20_000).state;
    expect(owed(state, T0 + 20_000)).toEqual({ kind: 'show-reveal', index: 0 });
    state = markRevealShown(state, 0);
    // Without auto only the host moves on.
    expect(owed(state, T0 + 3_600_000)).toBeNull();
    expect(wakeAt(state)).toBeNull();
    state = next(state, { index: 0 }, T0 + 30_000).state;
    expect(owed(state, T0 + 30_000)).toEqual({ kind: 'post-question', index: 1 });
    expect(wakeAt(state)).toBe(T0 + 50_000);
    state = posted(state);
    // The question is out first; then question 1's reveal loses its host buttons.
    expect(owed(state, T0 + 30_000)).toEqual({ kind: 'retire-previous', index: 0, messageId: 'm0' });
    state = markPreviousRetired(state, 'm0');
    expect(owed(state, T0 + 30_000)).toBeNull();
    state = close(state, { index: 1, by: 'host' }, T0 + 35_000).state;
    state = markRevealShown(state, 1);
    state = next(state, { index: 1 }, T0 + 40_000).state;
    expect(state.phase).toBe('finished');
    expect(wakeAt(state)).toBeNull();
    // The last reveal is shown again without its "Final standings" button.
    expect(owed(state, T0 + 40_000)).toEqual({ kind: 'show-reveal', index: 1 });
    state = markRevealShown(state, 1);
    expect(owed(state, T0 + 40_000)).toEqual({ kind: 'file' });
    state = markFiled(state);
    expect(owed(state, T0 + 40_000)).toEqual({ kind: 'post-standings' });
    state = markStandingsShown(state);
    expect(owed(state, T0 + 40_000)).toEqual({ kind: 'remove' });
    expectStorable(state);
  });

  test('GIVEN a step already marked done THEN marking it again changes nothing', () => {
    const closed = markRevealShown(close(posted(startWith()), { index: 0, by: 'host' }, T0 + 1).state, 0);
    expect(markRevealShown(closed, 0)).toBe(closed);
    expect(markRevealShown(closed, 1)).toBe(closed);
    const open = posted(startWith());
    expect(markRevealShown(open, 0)).toBe(open);
    expect(markFiled(open)).toBe(open);
    expect(markStandingsShown(open)).toBe(open);
    const filed = markFiled(stop(open, T0 + 1).state);
    expect(markFiled(filed)).toBe(filed);
    const shown = markStandingsShown(filed);
    expect(markStandingsShown(shown)).toBe(shown);
  });
});

describe('next and stop', () => {
  test('next → last → finished with standings', () => {
    let state = setQuestionMessage(startWith(), { index: 0, messageId: 'm0' });
    expect(state.questionMessageId).toBe('m0');
    const answers = noAnswers(state);
    let now = T0;
    const plan: [string, number][][] = [
      [
        ['ann', CORRECT],
        ['bob', CORRECT],
      ],
      [
        ['ann', CORRECT],
        ['bob', WRONG],
      ],
      [
        ['bob', CORRECT],
        ['cat', WRONG],
      ],
    ];
    for (const [index, clicks] of plan.entries()) {
      state = posted(state);
      for (const [user, choice] of clicks) {
        // Everyone answers 10 s after the opening: 750 points when right.
        expect(give(state, answers, click(user, choice, index), now + 10_000).kind).toBe('record');
      }
      now += 20_000;
      state = close(state, { index, by: 'timer' }, now).state;
      state = markRevealShown(state, index);
      now += 3_000;
      const out = next(state, { index }, now);
      state = out.state;
      if (index < 2) {
        expect(out.reply).toEqual({ kind: 'advanced', index: index + 1 });
        expect(owed(state, now)).toEqual({ kind: 'post-question', index: index + 1 });
        expect(wakeAt(state)).toBe(now + 20_000);
        expect(state).toMatchObject({
          index: index + 1,
          phase: 'question-open',
          openedAt: now,
          closedAt: null,
          questionMessageId: null,
          revealShown: false,
        });
      } else {
        expect(out.reply).toEqual({ kind: 'finished' });
        expect(owed(state, now)).toEqual({ kind: 'show-reveal', index: 2 });
      }
    }
    expect(state).toMatchObject({ phase: 'finished', index: 2, endedAt: now, endedBy: 'completed' });
    const round = withAnswers(state, answers);
    expect(roundStandings(round)).toEqual([
      { rank: 1, userId: 'ann', name: 'Name ann', points: 1500, correct: 2, answered: 2 },
      { rank: 1, userId: 'bob', name: 'Name bob', points: 1500, correct: 2, answered: 3 },
      { rank: 3, userId: 'cat', name: 'Name cat', points: 0, correct: 0, answered: 1 },
    ]);
    expectStorable(state);
    expectRoundStorable(round);
    expect(next(state, { index: 2 }, now + 1).state).toBe(state);
  });

  test('GIVEN the question still open THEN next is refused', () => {
    const state = startWith();
    const out = next(state, { index: 0 }, T0 + 1_000);
    expect(out.reply).toEqual({ kind: 'still-open' });
    expect(out.state).toBe(state);
  });

  test('GIVEN a double click on next THEN no question is skipped', () => {
    const closed = close(startWith(), { index: 0, by: 'host' }, T0 + 1_000).state;
    const once = next(closed, { index: 0 }, T0 + 2_000).state;
    const twice = next(once, { index: 0 }, T0 + 2_001);
    expect(twice.reply).toEqual({ kind: 'wrong-question', current: 1 });
    expect(twice.state).toBe(once);
  });

  test('stop early → finished with the points earned so far', () => {
    let state = startWith();
    const answers = noAnswers(state);
    give(state, answers, click('ann', CORRECT), T0);
    state = close(state, { index: 0, by: 'host' }, T0 + 1_000).state;
    state = next(state, { index: 0 }, T0 + 2_000).state;
    give(state, answers, click('bob', CORRECT, 1), T0 + 2_000);
    const out = stop(state, T0 + 3_000);
    expect(out.reply).toEqual({ kind: 'stopped' });
    // Never posted (no message id here): nothing to reveal, straight to filing.
    expect(owed(out.state, T0 + 3_000)).toEqual({ kind: 'file' });
    expect(wakeAt(out.state)).toBeNull();
    expect(out.state).toMatchObject({
      phase: 'finished',
      endedAt: T0 + 3_000,
      endedBy: 'stopped',
      index: 1,
      // The open question closed with the round: later clicks do not count.
      closedAt: T0 + 3_000,
      advanceAt: null,
    });
    expect(roundStandings(withAnswers(out.state, answers)).map((s) => [s.rank, s.userId, s.points])).toEqual([
      [1, 'ann', 1000],
      [1, 'bob', 1000],
    ]);
    const again = stop(out.state, T0 + 4_000);
    expect(again.reply).toEqual({ kind: 'round-ended' });
    expect(again.state).toBe(out.state);
  });

  test('setQuestionMessage ignores stale indexes and unchanged ids', () => {
    const state = setQuestionMessage(startWith(), { index: 0, messageId: 'm0' });
    expect(setQuestionMessage(state, { index: 0, messageId: 'm0' })).toBe(state);
    expect(setQuestionMessage(state, { index: 1, messageId: 'm1' })).toBe(state);
  });

  test('engine functions never mutate their input', () => {
    const frozen = deepFreeze(posted(startWith({ auto: true })));
    expect(() => {
      answer(frozen, click('bob', 1), T0 + 20, ITEMS, undefined);
      const closed = deepFreeze(close(frozen, { index: 0, by: 'host' }, T0 + 30).state);
      const shown = deepFreeze(markRevealShown(closed, 0));
      owed(shown, T0 + 60_000);
      wakeAt(shown);
      next(shown, { index: 0 }, T0 + 40);
      const finished = deepFreeze(stop(frozen, T0 + 50).state);
      owed(finished, T0 + 60_000);
      markStandingsShown(deepFreeze(markFiled(finished)));
      owed(frozen, T0 + 60_000);
      setQuestionMessage(frozen, { index: 0, messageId: 'm' });
    }).not.toThrow();
  });
});

describe('resume', () => {
  /** What a restart reads back: the control record from the store. */
  function stored(state: QuizControl): QuizControl {
    return QuizControlSchema.parse(JSON.parse(JSON.stringify(state)));
  }

  test('GIVEN the deadline passed while down THEN the question closes at once', () => {
    const state = stored(setQuestionMessage(startWith(), { index: 0, messageId: 'm0' }));
    expect(owed(state, T0 + 60_000)).toEqual({ kind: 'close', index: 0 });
    const out = close(state, { index: 0, by: 'timer' }, T0 + 60_000);
    expect(out.state.phase).toBe('question-closed');
    // Clicks made before the deadline still count; later ones do not.
    expect(out.state.closedAt).toBe(T0 + 20_000);
    expect(owed(out.state, T0 + 60_000)).toEqual({ kind: 'show-reveal', index: 0 });
  });

  test('GIVEN the deadline not passed THEN the original deadline is scheduled again', () => {
    const state = stored(setQuestionMessage(startWith(), { index: 0, messageId: 'm0' }));
    expect(owed(state, T0 + 5_000)).toBeNull();
    expect(wakeAt(state)).toBe(T0 + 20_000);
  });

  test('GIVEN auto and a passed deadline THEN closes and schedules the advance from now', () => {
    const state = stored(setQuestionMessage(startWith({ auto: true }), { index: 0, messageId: 'm0' }));
    expect(owed(state, T0 + 60_000)).toEqual({ kind: 'close', index: 0 });
    const closed = close(state, { index: 0, by: 'timer' }, T0 + 60_000).state;
    expect(owed(closed, T0 + 60_000)).toEqual({ kind: 'show-reveal', index: 0 });
    const shown = markRevealShown(closed, 0);
    expect(owed(shown, T0 + 60_000)).toBeNull();
    expect(wakeAt(shown)).toBe(T0 + 60_000 + AUTO_ADVANCE_MS);
  });

  test('GIVEN a pending auto-advance THEN rescheduled, or done at once when overdue', () => {
    const closed = stored(
      markRevealShown(close(posted(startWith({ auto: true })), { index: 0, by: 'host' }, T0 + 1_000).state, 0),
    );
    expect(owed(closed, T0 + 2_000)).toBeNull();
    expect(wakeAt(closed)).toBe(T0 + 1_000 + AUTO_ADVANCE_MS);
    expect(owed(closed, T0 + 100_000)).toEqual({ kind: 'advance', index: 0 });
    const late = next(closed, { index: 0 }, T0 + 100_000).state;
    expect(late).toMatchObject({ index: 1, phase: 'question-open', openedAt: T0 + 100_000 });
    expect(owed(late, T0 + 100_000)).toEqual({ kind: 'post-question', index: 1 });
    expect(wakeAt(late)).toBe(T0 + 120_000);
  });

  test.each<[string, (s: QuizControl) => QuizControl]>([
    ['an untimed open question', (s) => s],
    ['a closed question without auto', (s) => markRevealShown(close(s, { index: 0, by: 'host' }, T0 + 1).state, 0)],
  ])('GIVEN %s THEN nothing to do', (_name, prepare) => {
    const state = stored(prepare(setQuestionMessage(startWith({ seconds: 0 }), { index: 0, messageId: 'm0' })));
    expect(owed(state, T0 + 60_000)).toBeNull();
    expect(wakeAt(state)).toBeNull();
  });

  test('GIVEN a question closed but its reveal not shown THEN the reveal is shown', () => {
    const state = stored(close(posted(startWith()), { index: 0, by: 'host' }, T0 + 1_000).state);
    expect(owed(state, T0 + 60_000)).toEqual({ kind: 'show-reveal', index: 0 });
  });

  test('GIVEN a round stopped with its question open THEN that question is revealed before the standings', () => {
    const stopped = stored(stop(posted(startWith()), T0 + 1_000).state);
    expect(stopped.closedAt).toBe(T0 + 1_000);
    expect(owed(stopped, T0 + 60_000)).toEqual({ kind: 'show-reveal', index: 0 });
    expect(owed(stored(markRevealShown(stopped, 0)), T0 + 60_000)).toEqual({ kind: 'file' });
  });

  test('GIVEN the question message deleted THEN the round owes it again: the question, or its reveal', () => {
    const open = stored(posted(startWith()));
    expect(owed(messageLost(open, 'm0'), T0 + 1)).toEqual({ kind: 'post-question', index: 0 });
    expect(messageLost(open, 'other')).toBe(open);
    const revealed = stored(markRevealShown(close(open, { index: 0, by: 'host' }, T0 + 1).state, 0));
    expect(owed(messageLost(revealed, 'm0'), T0 + 2)).toEqual({ kind: 'show-reveal', index: 0 });
  });

  test('GIVEN a finished round THEN it is filed, its standings posted, then it is removed', () => {
    const finished = stored(markRevealShown(stop(posted(startWith()), T0 + 1_000).state, 0));
    expect(owed(finished, T0 + 60_000)).toEqual({ kind: 'file' });
    const filed = stored(markFiled(finished));
    expect(owed(filed, T0 + 60_000)).toEqual({ kind: 'post-standings' });
    expect(owed(stored(markStandingsShown(filed)), T0 + 60_000)).toEqual({ kind: 'remove' });
    expect(wakeAt(finished)).toBeNull();
  });

  test('GIVEN the question message was never posted THEN it is shown again', () => {
    const state = stored(startWith());
    expect(owed(state, T0 + 1_000)).toEqual({ kind: 'post-question', index: 0 });
    expect(wakeAt(state)).toBe(T0 + 20_000);
    // Posting comes first even when the deadline passed meanwhile; closing follows.
    expect(owed(state, T0 + 60_000)).toEqual({ kind: 'post-question', index: 0 });
    expect(owed(posted(state), T0 + 60_000)).toEqual({ kind: 'close', index: 0 });
  });
});

describe('revealView', () => {
  test('counts per choice, the correct choice and who was right, fastest first', () => {
    const state = startWith();
    const answers = noAnswers(state);
    give(state, answers, click('slow', CORRECT), T0 + 9_000);
    give(state, answers, click('x', 0), T0 + 1_000);
    give(state, answers, click('fast', CORRECT), T0 + 9_000);
    give(state, answers, click('fastest', CORRECT), T0 + 2_000);
    const round = withAnswers(state, answers);
    expect(revealView(round, 0, ITEMS)).toEqual({
      index: 0,
      questionId: state.questionIds[0],
      correct: 1,
      counts: [1, 3, 0, 0],
      answered: 4,
      winners: [
        { userId: 'fastest', displayName: 'Name fastest', points: 950 },
        { userId: 'slow', displayName: 'Name slow', points: 775 },
        { userId: 'fast', displayName: 'Name fast', points: 775 },
      ],
    });
    expect(revealView(round, 5, ITEMS)).toBeNull();
    expect(revealView(round, 0, new Map())).toBeNull();
  });
});
