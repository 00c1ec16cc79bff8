import { describe, expect, test } from 'vitest';
import {
  allTimeStandings,
  createHistoryEntry,
  foldRound,
  personalScore,
  roundScores,
  type ScoreLine,
  standings,
} from '../src/features/quiz/standings.js';
import {
  type AllTimeScores,
  type Answer,
  HistoryEntrySchema,
  parseQuizRound,
  type QuizControl,
  type QuizRound,
} from '../src/features/quiz/state.js';

const T0 = 1_700_000_000_000;

function line(userId: string, points: number, correct = 0, answered = 1): ScoreLine {
  return { userId, name: userId.toUpperCase(), points, correct, answered };
}

function reply(userId: string, points: number, correct: boolean, name = `Name ${userId}`): Answer {
  return { userId, displayName: name, choice: 0, at: T0, elapsedMs: 0, points, correct };
}

function finishedRound(roundId: string, answers: Answer[][]): QuizRound {
  const control: QuizControl = {
    roundId,
    article: 'kim-putin-2023',
    channelId: 'c1',
    hostId: 'host',
    settings: {
      count: answers.length,
      seconds: 20,
      scoring: 'speed',
      difficulty: 'easy',
      auto: false,
      hostPlays: false,
    },
    questionIds: answers.map((_, i) => `q${i}`),
    seed: 1,
    index: answers.length - 1,
    phase: 'finished',
    openedAt: T0,
    deadline: T0 + 20_000,
    closedAt: T0 + 20_000,
    advanceAt: null,
    questionMessageId: 'm',
    revealShown: true,
    previousMessageId: null,
    filed: true,
    standingsShown: true,
    startedAt: T0,
    endedAt: T0 + 60_000,
    endedBy: 'completed',
    bankNote: null,
  };
  return { ...control, answers };
}

describe('standings', () => {
  test('equal points share a rank; the next rank counts everyone above', () => {
    const rows = standings([line('a', 100), line('b', 200), line('c', 100), line('d', 50), line('e', 200)]);
    expect(rows.map((r) => [r.rank, r.userId])).toEqual([
      [1, 'b'],
      [1, 'e'],
      [3, 'a'],
      [3, 'c'],
      [5, 'd'],
    ]);
  });

  test('inside a tie, more correct answers are listed first', () => {
    const rows = standings([line('a', 3, 1), line('b', 3, 3)]);
    expect(rows.map((r) => [r.rank, r.userId])).toEqual([
      [1, 'b'],
      [1, 'a'],
    ]);
  });

  test('top ten only, ranks still counted over everyone', () => {
    const scores = Array.from({ length: 12 }, (_, i) => line(`u${String(i).padStart(2, '0')}`, i < 2 ? 10 : 5));
    const rows = standings(scores, 10);
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r.rank)).toEqual([1, 1, 3, 3, 3, 3, 3, 3, 3, 3]);
    expect(standings([])).toEqual([]);
  });
});

describe('roundScores and the all-time fold', () => {
  const r1 = finishedRound('r1', [
    [reply('ann', 900, true), reply('bob', 0, false)],
    [reply('ann', 0, false), reply('bob', 700, true, 'Bobby')],
  ]);
  const r2 = finishedRound('r2', [[reply('bob', 800, true), reply('cat', 1000, true)]]);

  test('the rounds under test are ones the store would hand back', () => {
    for (const round of [r1, r2]) expect(parseQuizRound(JSON.parse(JSON.stringify(round)))).toEqual(round);
  });

  test('roundScores sums each player once, keeping the latest name', () => {
    expect(roundScores(r1)).toEqual([
      { userId: 'ann', name: 'Name ann', points: 900, correct: 1, answered: 2 },
      { userId: 'bob', name: 'Bobby', points: 700, correct: 1, answered: 2 },
    ]);
  });

  test('folding two rounds adds points, answers and rounds', () => {
    const allTime = foldRound(foldRound({}, r1), r2);
    expect(allTime).toEqual({
      ann: { name: 'Name ann', points: 900, correct: 1, answered: 2, rounds: 1 },
      bob: { name: 'Name bob', points: 1500, correct: 2, answered: 3, rounds: 2 },
      cat: { name: 'Name cat', points: 1000, correct: 1, answered: 1, rounds: 1 },
    });
    // Ranked by correct answers: speed points of one round and simple points of another are not one unit.
    expect(allTimeStandings(allTime).map((s) => [s.rank, s.userId, s.correct])).toEqual([
      [1, 'bob', 2],
      [2, 'ann', 1],
      [2, 'cat', 1],
    ]);
  });

  test('an unfinished round is not folded', () => {
    const allTime: AllTimeScores = {};
    expect(foldRound(allTime, { ...r1, phase: 'question-closed', endedAt: null, endedBy: null })).toBe(allTime);
  });

  test('createHistoryEntry: a valid entry for a finished round, null otherwise', () => {
    const entry = createHistoryEntry(r1);
    expect(entry).toEqual({
      roundId: 'r1',
      article: 'kim-putin-2023',
      channelId: 'c1',
      hostId: 'host',
      difficulty: 'easy',
      scoring: 'speed',
      startedAt: T0,
      endedAt: T0 + 60_000,
      endedBy: 'completed',
      questionsShown: 2,
      players: 2,
      top: [
        { rank: 1, userId: 'ann', name: 'Name ann', points: 900, correct: 1, answered: 2 },
        { rank: 2, userId: 'bob', name: 'Bobby', points: 700, correct: 1, answered: 2 },
      ],
    });
    expect(HistoryEntrySchema.safeParse(entry).success).toBe(true);
    expect(createHistoryEntry({ ...r1, phase: 'question-open', endedAt: null, endedBy: null })).toBeNull();
  });
});

describe('personalScore', () => {
  const allTime: AllTimeScores = {
    u1: { name: 'A', points: 300, correct: 3, answered: 4, rounds: 2 },
    u2: { name: 'B', points: 500, correct: 5, answered: 5, rounds: 2 },
    u3: { name: 'C', points: 300, correct: 1, answered: 3, rounds: 1 },
    u4: { name: 'D', points: 0, correct: 0, answered: 0, rounds: 1 },
  };

  test.each([
    ['u2', { rank: 1, of: 4, correct: 5, answered: 5, rounds: 2, accuracy: 1 }],
    ['u1', { rank: 2, of: 4, correct: 3, answered: 4, rounds: 2, accuracy: 0.75 }],
    ['u3', { rank: 3, of: 4, correct: 1, answered: 3, rounds: 1, accuracy: 1 / 3 }],
    ['u4', { rank: 4, of: 4, correct: 0, answered: 0, rounds: 1, accuracy: null }],
  ])('GIVEN %s THEN rank by correct answers and accuracy', (userId, expected) => {
    expect(personalScore(allTime, userId)).toEqual(expected);
  });

  test('GIVEN someone who never played THEN null', () => {
    expect(personalScore(allTime, 'nobody')).toBeNull();
    expect(personalScore(allTime, 'toString')).toBeNull();
  });
});
