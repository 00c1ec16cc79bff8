import { describe, expect, test } from 'vitest';
import type { QuizItem } from '../src/content/schema.js';
import {
  type AnswerEvent,
  answer,
  close,
  isRoundActive,
  next,
  resume,
  type StartOptions,
  setQuestionMessage,
  startRound,
  stop,
} from '../src/quiz/engine.js';
import { revealView } from '../src/quiz/reveal.js';
import { roundStandings } from '../src/quiz/standings.js';
import { AUTO_ADVANCE_MS, parseQuizRound, type QuizItems, type QuizRound, QuizRoundSchema } from '../src/quiz/state.js';

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

function startWith(options: StartOptions = {}, bank: readonly string[] = BANK): QuizRound {
  const result = startRound(
    { roundId: 'r1', article: 'kim-putin-2023', channelId: 'c1', hostId: 'host', options, bank, used: [], seed: 42 },
    T0,
  );
  if (!result.ok) throw new Error(`start failed: ${result.error.kind}`);
  return result.state;
}

function click(userId: string, choice: number, index = 0, roundId = 'r1'): AnswerEvent {
  return { roundId, index, userId, displayName: `Name ${userId}`, choice };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The state must survive the store: JSON and the schema on read. */
function expectStorable(state: QuizRound): void {
  expect(parseQuizRound(JSON.parse(JSON.stringify(state)))).toEqual(state);
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
    expect(result.state.settings).toEqual({ count: 10, seconds: 20, scoring: 'speed', difficulty: null, auto: false });
    expect(result.state.questionIds).toHaveLength(10);
    expect(new Set(result.state.questionIds).size).toBe(10);
    expect(result.state).toMatchObject({
      version: 1,
      index: 0,
      phase: 'question-open',
      openedAt: T0,
      deadline: T0 + 20_000,
      advanceAt: null,
      startedAt: T0,
      endedAt: null,
      bankNote: null,
      questionMessageId: null,
    });
    expect(result.state.answers).toEqual(Array.from({ length: 10 }, () => []));
    expect(result.effects).toEqual([
      { type: 'show-question', index: 0 },
      { type: 'schedule-close', index: 0, at: T0 + 20_000 },
    ]);
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
    expect(result.effects).toEqual([{ type: 'show-question', index: 0 }]);
  });

  test('GIVEN a bank smaller than asked THEN the round uses what there is and says so', () => {
    const state = startWith({ questions: 10 });
    expect([...state.questionIds].sort()).toEqual(BANK);
    expect(state.bankNote).toEqual({ asked: 10, available: 3 });
    expect(state.answers).toHaveLength(3);
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
    const state = startWith();
    const out = answer(state, click('u1', CORRECT), T0 + 5_000, ITEMS);
    expect(out.reply).toEqual({ kind: 'accepted', choice: CORRECT });
    expect(out.effects).toEqual([]);
    expect(out.state.answers[0]).toEqual([
      {
        userId: 'u1',
        displayName: 'Name u1',
        choice: CORRECT,
        at: T0 + 5_000,
        elapsedMs: 5_000,
        points: 875,
        correct: true,
      },
    ]);
    // The input state is untouched.
    expect(state.answers[0]).toEqual([]);
    expectStorable(out.state);
  });

  test('GIVEN a wrong choice THEN recorded with 0 points', () => {
    const out = answer(startWith(), click('u1', WRONG), T0 + 1_000, ITEMS);
    expect(out.state.answers[0]?.[0]).toMatchObject({ choice: WRONG, correct: false, points: 0 });
  });

  test('GIVEN a second click THEN "already answered" with the first choice, state identical', () => {
    const first = answer(startWith(), click('u1', 0), T0 + 1_000, ITEMS).state;
    const second = answer(first, click('u1', 3), T0 + 2_000, ITEMS);
    expect(second.reply).toEqual({ kind: 'already-answered', choice: 0 });
    expect(second.state).toBe(first);
    expect(second.state.answers[0]).toHaveLength(1);
  });

  test.each<[string, (s: QuizRound) => QuizRound, AnswerEvent, number, unknown]>([
    [
      'closed by host',
      (s) => close(s, { index: 0, by: 'host' }, T0 + 3_000).state,
      click('u1', 1),
      T0 + 4_000,
      { kind: 'closed' },
    ],
    ['past the deadline, timer not yet fired', (s) => s, click('u1', 1), T0 + 20_001, { kind: 'closed' }],
    ['a stale question index', (s) => s, click('u1', 1, 1), T0 + 1_000, { kind: 'wrong-question', current: 0 }],
    ['another round', (s) => s, click('u1', 1, 0, 'r0'), T0 + 1_000, { kind: 'round-ended' }],
    ['a finished round', (s) => stop(s, T0 + 1).state, click('u1', 1), T0 + 1_000, { kind: 'round-ended' }],
    ['choice 4 of 4', (s) => s, click('u1', 4), T0 + 1_000, { kind: 'invalid-choice' }],
    ['choice -1', (s) => s, click('u1', -1), T0 + 1_000, { kind: 'invalid-choice' }],
    ['choice 1.5', (s) => s, click('u1', 1.5), T0 + 1_000, { kind: 'invalid-choice' }],
  ])('GIVEN %s THEN refused, state identical', (_name, prepare, event, now, reply) => {
    const state = prepare(startWith());
    const out = answer(state, event, now, ITEMS);
    expect(out.reply).toEqual(reply);
    expect(out.state).toBe(state);
    expect(out.effects).toEqual([]);
  });

  test('GIVEN the item left the catalogue THEN "unavailable"', () => {
    const state = startWith();
    const out = answer(state, click('u1', 1), T0 + 1_000, new Map());
    expect(out.reply).toEqual({ kind: 'unavailable' });
    expect(out.state).toBe(state);
  });

  test.each([
    ['0 s', 0, 1000],
    ['half the time', 10_000, 750],
    ['the last moment', 20_000, 500],
    ['a tick after opening', 1, 1000],
    ['an exact half point (871.5)', 5_140, 872],
  ])('speed scoring at %s → %i points', (_name, elapsed, points) => {
    const out = answer(startWith(), click('u1', CORRECT), T0 + elapsed, ITEMS);
    expect(out.reply.kind).toBe('accepted');
    expect(out.state.answers[0]?.[0]?.points).toBe(points);
  });

  test('simple scoring: 1 per correct answer, 0 otherwise, whatever the time', () => {
    let state = startWith({ seconds: 0 });
    state = answer(state, click('fast', CORRECT), T0 + 100, ITEMS).state;
    state = answer(state, click('slow', CORRECT), T0 + 3_600_000, ITEMS).state;
    state = answer(state, click('wrong', WRONG), T0 + 200, ITEMS).state;
    expect(state.answers[0]?.map((a) => [a.userId, a.points])).toEqual([
      ['fast', 1],
      ['slow', 1],
      ['wrong', 0],
    ]);
  });

  test('300 distinct students on one question, equal timestamps included, each counted exactly once', () => {
    let state = startWith();
    const users = Array.from({ length: 300 }, (_, i) => `u${i}`);
    for (const [i, user] of users.entries()) {
      const out = answer(state, click(user, i % 4), T0 + 1_000 + Math.floor(i / 10), ITEMS);
      expect(out.reply).toEqual({ kind: 'accepted', choice: i % 4 });
      state = out.state;
    }
    for (const user of users) {
      const again = answer(state, click(user, 0), T0 + 2_000, ITEMS);
      expect(again.reply.kind).toBe('already-answered');
      expect(again.state).toBe(state);
    }
    const answers = state.answers[0] ?? [];
    expect(answers).toHaveLength(300);
    expect(new Set(answers.map((a) => a.userId)).size).toBe(300);
    const view = revealView(close(state, { index: 0, by: 'host' }, T0 + 3_000).state, 0, ITEMS);
    expect(view?.counts).toEqual([75, 75, 75, 75]);
    expect(view?.answered).toBe(300);
    expect(view?.winners).toHaveLength(75);
    expectStorable(state);
  });
});

describe('close', () => {
  test('GIVEN a timer event before the deadline THEN ignored', () => {
    const state = startWith();
    const out = close(state, { index: 0, by: 'timer' }, T0 + 19_999);
    expect(out.reply).toEqual({ kind: 'too-early', deadline: T0 + 20_000 });
    expect(out.state).toBe(state);
    expect(out.effects).toEqual([]);
  });

  test('GIVEN the timer at the deadline THEN closed and revealed; an answer at that same ms came first and counts', () => {
    const answered = answer(startWith(), click('u1', CORRECT), T0 + 20_000, ITEMS);
    expect(answered.reply.kind).toBe('accepted');
    const out = close(answered.state, { index: 0, by: 'timer' }, T0 + 20_000);
    expect(out.reply).toEqual({ kind: 'revealed' });
    expect(out.state.phase).toBe('question-closed');
    expect(out.effects).toEqual([{ type: 'show-reveal', index: 0 }]);
    expect(out.state.answers[0]?.[0]?.points).toBe(500);
    expectStorable(out.state);
  });

  test('GIVEN the host reveals early THEN closed at once', () => {
    const out = close(startWith(), { index: 0, by: 'host' }, T0 + 2_000);
    expect(out.reply).toEqual({ kind: 'revealed' });
    expect(out.state.phase).toBe('question-closed');
  });

  test('GIVEN an untimed round THEN only the host closes it', () => {
    const state = startWith({ seconds: 0 });
    const byTimer = close(state, { index: 0, by: 'timer' }, T0 + 10 * 3_600_000);
    expect(byTimer.reply).toEqual({ kind: 'too-early', deadline: null });
    expect(byTimer.state).toBe(state);
    const byHost = close(state, { index: 0, by: 'host' }, T0 + 10 * 3_600_000);
    expect(byHost.state.phase).toBe('question-closed');
  });

  test.each<[string, (s: QuizRound) => QuizRound, number, unknown]>([
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
    const out = close(startWith({ auto: true }), { index: 0, by: 'timer' }, T0 + 20_050);
    expect(out.state.advanceAt).toBe(T0 + 20_050 + AUTO_ADVANCE_MS);
    expect(out.effects).toEqual([
      { type: 'show-reveal', index: 0 },
      { type: 'schedule-advance', index: 0, at: T0 + 20_050 + AUTO_ADVANCE_MS },
    ]);
    const advanced = next(out.state, { index: 0 }, T0 + 25_050);
    expect(advanced.reply).toEqual({ kind: 'advanced', index: 1 });
    expect(advanced.state.advanceAt).toBeNull();
  });
});

describe('next and stop', () => {
  test('next → last → finished with standings', () => {
    let state = setQuestionMessage(startWith(), { index: 0, messageId: 'm0' });
    expect(state.questionMessageId).toBe('m0');
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
      for (const [user, choice] of clicks) {
        // Everyone answers 10 s after the opening: 750 points when right.
        state = answer(state, click(user, choice, index), now + 10_000, ITEMS).state;
      }
      now += 20_000;
      state = close(state, { index, by: 'timer' }, now).state;
      now += 3_000;
      const out = next(state, { index }, now);
      state = out.state;
      if (index < 2) {
        expect(out.reply).toEqual({ kind: 'advanced', index: index + 1 });
        expect(out.effects).toEqual([
          { type: 'show-question', index: index + 1 },
          { type: 'schedule-close', index: index + 1, at: now + 20_000 },
        ]);
        expect(state).toMatchObject({
          index: index + 1,
          phase: 'question-open',
          openedAt: now,
          questionMessageId: null,
        });
      } else {
        expect(out.reply).toEqual({ kind: 'finished' });
        expect(out.effects).toEqual([{ type: 'show-standings' }, { type: 'finished' }]);
      }
    }
    expect(state).toMatchObject({ phase: 'finished', index: 2, endedAt: now, endedBy: 'completed' });
    expect(roundStandings(state)).toEqual([
      { rank: 1, userId: 'ann', name: 'Name ann', points: 1500, correct: 2, answered: 2 },
      { rank: 1, userId: 'bob', name: 'Name bob', points: 1500, correct: 2, answered: 3 },
      { rank: 3, userId: 'cat', name: 'Name cat', points: 0, correct: 0, answered: 1 },
    ]);
    expectStorable(state);
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
    let state = answer(startWith(), click('ann', CORRECT), T0, ITEMS).state;
    state = close(state, { index: 0, by: 'host' }, T0 + 1_000).state;
    state = next(state, { index: 0 }, T0 + 2_000).state;
    state = answer(state, click('bob', CORRECT, 1), T0 + 2_000, ITEMS).state;
    const out = stop(state, T0 + 3_000);
    expect(out.reply).toEqual({ kind: 'stopped' });
    expect(out.effects).toEqual([{ type: 'show-standings' }, { type: 'finished' }]);
    expect(out.state).toMatchObject({ phase: 'finished', endedAt: T0 + 3_000, endedBy: 'stopped', index: 1 });
    expect(roundStandings(out.state).map((s) => [s.rank, s.userId, s.points])).toEqual([
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
    const frozen = deepFreeze(answer(startWith({ auto: true }), click('ann', 1), T0 + 10, ITEMS).state);
    expect(() => {
      answer(frozen, click('bob', 1), T0 + 20, ITEMS);
      const closed = close(frozen, { index: 0, by: 'host' }, T0 + 30);
      next(deepFreeze(closed.state), { index: 0 }, T0 + 40);
      stop(frozen, T0 + 50);
      resume(frozen, T0 + 60_000);
      setQuestionMessage(frozen, { index: 0, messageId: 'm' });
    }).not.toThrow();
  });
});

describe('resume', () => {
  function stored(state: QuizRound): QuizRound {
    return QuizRoundSchema.parse(JSON.parse(JSON.stringify(state)));
  }

  test('GIVEN the deadline passed while down THEN the question closes at once', () => {
    const state = stored(setQuestionMessage(startWith(), { index: 0, messageId: 'm0' }));
    const out = resume(state, T0 + 60_000);
    expect(out.state.phase).toBe('question-closed');
    expect(out.effects).toEqual([{ type: 'show-reveal', index: 0 }]);
  });

  test('GIVEN the deadline not passed THEN the original deadline is scheduled again', () => {
    const state = stored(setQuestionMessage(startWith(), { index: 0, messageId: 'm0' }));
    const out = resume(state, T0 + 5_000);
    expect(out.state).toBe(state);
    expect(out.effects).toEqual([{ type: 'schedule-close', index: 0, at: T0 + 20_000 }]);
  });

  test('GIVEN auto and a passed deadline THEN closes and schedules the advance from now', () => {
    const state = setQuestionMessage(startWith({ auto: true }), { index: 0, messageId: 'm0' });
    const out = resume(state, T0 + 60_000);
    expect(out.effects).toEqual([
      { type: 'show-reveal', index: 0 },
      { type: 'schedule-advance', index: 0, at: T0 + 60_000 + AUTO_ADVANCE_MS },
    ]);
  });

  test('GIVEN a pending auto-advance THEN rescheduled, or done at once when overdue', () => {
    const closed = close(startWith({ auto: true }), { index: 0, by: 'host' }, T0 + 1_000).state;
    const early = resume(closed, T0 + 2_000);
    expect(early.state).toBe(closed);
    expect(early.effects).toEqual([{ type: 'schedule-advance', index: 0, at: T0 + 1_000 + AUTO_ADVANCE_MS }]);
    const late = resume(closed, T0 + 100_000);
    expect(late.state).toMatchObject({ index: 1, phase: 'question-open', openedAt: T0 + 100_000 });
    expect(late.effects).toEqual([
      { type: 'show-question', index: 1 },
      { type: 'schedule-close', index: 1, at: T0 + 120_000 },
    ]);
  });

  test.each<[string, (s: QuizRound) => QuizRound]>([
    ['an untimed open question', (s) => s],
    ['a closed question without auto', (s) => close(s, { index: 0, by: 'host' }, T0 + 1).state],
    ['a finished round', (s) => stop(s, T0 + 1).state],
  ])('GIVEN %s THEN nothing to do', (_name, prepare) => {
    const state = prepare(setQuestionMessage(startWith({ seconds: 0 }), { index: 0, messageId: 'm0' }));
    const out = resume(state, T0 + 60_000);
    expect(out.state).toBe(state);
    expect(out.effects).toEqual([]);
  });

  test('GIVEN the question message was never posted THEN it is shown again', () => {
    const state = startWith();
    expect(resume(state, T0 + 1_000).effects).toEqual([
      { type: 'show-question', index: 0 },
      { type: 'schedule-close', index: 0, at: T0 + 20_000 },
    ]);
  });
});

describe('revealView', () => {
  test('counts per choice, the correct choice and who was right, fastest first', () => {
    let state = startWith();
    state = answer(state, click('slow', CORRECT), T0 + 9_000, ITEMS).state;
    state = answer(state, click('x', 0), T0 + 1_000, ITEMS).state;
    state = answer(state, click('fast', CORRECT), T0 + 9_000, ITEMS).state;
    state = answer(state, click('fastest', CORRECT), T0 + 2_000, ITEMS).state;
    expect(revealView(state, 0, ITEMS)).toEqual({
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
    expect(revealView(state, 5, ITEMS)).toBeNull();
    expect(revealView(state, 0, new Map())).toBeNull();
  });
});
