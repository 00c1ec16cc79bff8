import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import type { QuizItem } from '../src/content/schema.js';
import {
  answer,
  begin,
  cardOwed,
  cardState,
  cardWakeAt,
  classStatus,
  createAssignment,
  nextPosition,
  parseDue,
  studentOrder,
  studentResult,
} from '../src/features/homework/engine.js';
import { homeworkReport } from '../src/features/homework/report.js';
import { type Assignment, AssignmentSchema, type Progress, ProgressSchema } from '../src/features/homework/state.js';

const NOW = Date.UTC(2026, 11, 3, 12, 0);
const HOUR = 3_600_000;

function item(id: string, difficulty: QuizItem['difficulty'] = 'easy'): QuizItem {
  return {
    id,
    question: `Question ${id}?`,
    choices: ['Right', 'Wrong', '=HYPERLINK("x")'],
    answer: 'Right',
    explanation: `Because ${id}.`,
    quote: 'A quote.',
    paragraph: 2,
    difficulty,
    type: 'comprehension',
    sources: [],
  };
}

const ITEMS = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'].map((id, i) => item(id, i < 4 ? 'easy' : 'hard'));
const MAP = new Map(ITEMS.map((i) => [i.id, i]));

function assignment(overrides: Partial<Assignment> = {}): Assignment {
  const made = createAssignment(
    {
      id: 'ab12',
      article: 'kim-putin-2023',
      channelId: 'c1',
      hostId: 'host',
      items: ITEMS,
      questions: 4,
      difficulty: null,
      dueAt: NOW + 24 * HOUR,
      late: false,
      seed: 42,
    },
    NOW,
  );
  if (!made.ok) throw new Error('could not assign');
  return AssignmentSchema.parse({ ...made.assignment, ...overrides });
}

function started(a: Assignment, userId: string, at = NOW): Progress {
  const outcome = begin(a, null, { userId, displayName: `Student ${userId}` }, at);
  if (outcome.kind !== 'started') throw new Error(`not started: ${outcome.kind}`);
  return outcome.progress;
}

/** Answers the next question: right (choice 0) or wrong (choice 1). */
function step(a: Assignment, p: Progress, right: boolean, at = NOW + 1000): Progress {
  const position = nextPosition(p);
  if (position === null) throw new Error('nothing left');
  const outcome = answer(a, p, { position, choice: right ? 0 : 1 }, MAP, at);
  if (outcome.kind !== 'recorded') throw new Error(`not recorded: ${outcome.kind}`);
  return ProgressSchema.parse(outcome.progress);
}

describe('parseDue', () => {
  test.each([
    ['3d', NOW + 72 * HOUR],
    ['12h', NOW + 12 * HOUR],
    ['90m', NOW + 90 * 60_000],
    ['1d12h', NOW + 36 * HOUR],
    [' 2H ', NOW + 2 * HOUR],
    ['2026-12-10', Date.UTC(2026, 11, 10, 23, 59)],
    ['2026-12-10T17:00', Date.UTC(2026, 11, 10, 17, 0)],
    ['2026-12-10T17:00Z', Date.UTC(2026, 11, 10, 17, 0)],
    ['2026-12-10T17:00+02:00', Date.UTC(2026, 11, 10, 15, 0)],
  ])('GIVEN %j THEN it is due at the stated time', (input, dueAt) => {
    expect(parseDue(input, NOW)).toEqual({ ok: true, dueAt });
  });

  test.each([
    ['tomorrow', 'is not a due time Roundtable reads'],
    ['3 days', 'is not a due time Roundtable reads'],
    ['', 'is not a due time Roundtable reads'],
    ['2026-02-30', 'is not a due time Roundtable reads'],
    ['2026-12-10T25:00', 'is not a due time Roundtable reads'],
    ['0m', 'already passed'],
    ['2026-12-01', 'already passed'],
    ['3m', 'at least 5 minutes'],
    ['91d', 'within 90 days'],
  ])('GIVEN %j THEN it is refused, saying why', (input, words) => {
    const parsed = parseDue(input, NOW);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(words);
  });
});

describe('createAssignment', () => {
  test('GIVEN a difficulty THEN only its questions are drawn, and fewer than asked is said', () => {
    const made = createAssignment(
      {
        id: 'ab12',
        article: 'a',
        channelId: 'c',
        hostId: 'h',
        items: ITEMS,
        questions: 5,
        difficulty: 'hard',
        dueAt: NOW + HOUR,
        late: false,
        seed: 1,
      },
      NOW,
    );
    expect(made.ok && [...made.assignment.questionIds].sort()).toEqual(['q5', 'q6']);
    expect(made.ok && made.fewer).toEqual({ asked: 5, available: 2 });
  });

  test('GIVEN no question at that difficulty THEN it is refused', () => {
    const made = createAssignment(
      {
        id: 'ab12',
        article: 'a',
        channelId: 'c',
        hostId: 'h',
        items: ITEMS.slice(0, 4),
        questions: 3,
        difficulty: 'hard',
        dueAt: NOW + HOUR,
        late: false,
        seed: 1,
      },
      NOW,
    );
    expect(made).toEqual({ ok: false, error: 'empty-bank' });
  });
});

describe('a student run', () => {
  test('GIVEN two students THEN each has their own order, the same every time', () => {
    const a = assignment();
    const orders = ['u1', 'u2', 'u3', 'u4', 'u5'].map((u) => studentOrder(a, u).join(','));
    expect(new Set(orders).size).toBeGreaterThan(1);
    expect(studentOrder(a, 'u1')).toEqual(studentOrder(a, 'u1'));
    expect([...studentOrder(a, 'u1')].sort()).toEqual([...a.questionIds].sort());
  });

  test('GIVEN answers THEN the next unanswered question comes next and the first answer counts', () => {
    const a = assignment();
    let p = started(a, 'u1');
    expect(nextPosition(p)).toBe(0);
    p = step(a, p, true);
    p = step(a, p, false);
    expect(nextPosition(p)).toBe(2);
    expect(answer(a, p, { position: 0, choice: 1 }, MAP, NOW + 2000)).toEqual({
      kind: 'already-answered',
      answer: p.answers[0],
    });
    expect(answer(a, p, { position: 3, choice: 0 }, MAP, NOW + 2000)).toEqual({ kind: 'not-yet', next: 2 });
    expect(answer(a, p, { position: 2, choice: 7 }, MAP, NOW + 2000)).toEqual({ kind: 'invalid' });
    // Starting again resumes: nothing is reset.
    expect(begin(a, p, { userId: 'u1', displayName: 'x' }, NOW + 3000)).toEqual({ kind: 'resumed', progress: p });
  });

  test('GIVEN the last answer THEN the run is finished, with the missed questions in order', () => {
    const a = assignment();
    let p = started(a, 'u1');
    for (const right of [true, false, true, false]) p = step(a, p, right);
    expect(p.finishedAt).toBe(NOW + 1000);
    expect(nextPosition(p)).toBeNull();
    const result = studentResult(p, MAP);
    expect(result).toMatchObject({ total: 4, answered: 4, correct: 2, finished: true });
    expect(result.missed.map((m) => m.position)).toEqual([1, 3]);
    expect(result.missed.map((m) => m.questionId)).toEqual([p.order[1], p.order[3]]);
  });
});

describe('the due time', () => {
  test('GIVEN the due time passed THEN a new start and a further answer are refused, and the card is owed an edit', () => {
    const a = assignment({ cardMessageId: 'm1', cardShows: 'open' });
    const p = started(a, 'u1');
    const after = a.dueAt + 1;
    expect(cardState(a, a.dueAt - 1)).toBe('open');
    expect(cardWakeAt(a, NOW)).toBe(a.dueAt);
    expect(cardOwed(a, NOW)).toBeNull();
    expect(cardState(a, after)).toBe('closed');
    expect(cardOwed(a, after)).toBe('edit');
    expect(cardWakeAt(a, after)).toBeNull();
    expect(begin(a, null, { userId: 'u2', displayName: 'x' }, after)).toEqual({ kind: 'closed', progress: null });
    expect(begin(a, p, { userId: 'u1', displayName: 'x' }, after)).toEqual({ kind: 'closed', progress: p });
    expect(answer(a, p, { position: 0, choice: 0 }, MAP, after)).toEqual({ kind: 'closed' });
  });

  test('GIVEN late work accepted THEN a late start and its answers are marked late', () => {
    const a = assignment({ late: true });
    const after = a.dueAt + 1;
    expect(cardState(a, after)).toBe('late');
    const p = started(a, 'u2', after);
    expect(p.late).toBe(true);
    expect(step(a, p, true, after + 1).answers[0]?.late).toBe(true);
  });

  test('GIVEN a host closed it THEN it is closed whatever the due time, late or not', () => {
    const a = assignment({ late: true, closedAt: NOW });
    expect(cardState(a, NOW + 1)).toBe('closed');
    expect(begin(a, null, { userId: 'u2', displayName: 'x' }, NOW + 1).kind).toBe('closed');
  });
});

describe('the class', () => {
  test('GIVEN three students THEN the status counts them and lists the most missed question first', () => {
    const a = assignment();
    let ann = started(a, 'ann');
    let bo = started(a, 'bo');
    const cy = started(a, 'cy');
    for (const right of [true, true, true, true]) ann = step(a, ann, right);
    for (const right of [false, true, false, false]) bo = step(a, bo, right);
    const status = classStatus(a, [cy, bo, ann], MAP);
    expect(status).toMatchObject({ started: 3, finished: 2, late: 0, averagePercent: 63 });
    expect(status.students.map((s) => s.userId)).toEqual(['ann', 'bo', 'cy']);
    expect(status.mostMissed.map((m) => m.wrong)).toEqual([1, 1, 1]);
    expect(status.mostMissed.every((m) => m.answered === 2)).toBe(true);
  });

  test('GIVEN a report THEN both files read back: a row per question per student and a line per student', () => {
    const a = assignment();
    let ann = started(a, 'ann');
    const bo = started(a, 'bo');
    ann = step(a, ann, true);
    ann = step(a, ann, false);
    const report = homeworkReport(a, [ann, bo], MAP);
    expect(report.summary).toMatch(/^Homework ab12: 2 students started, 0 finished, 2 answers\./);
    const [answersFile, studentsFile] = report.files;
    const rows: Record<string, string>[] = parse(answersFile?.text ?? '', { bom: true, columns: true });
    const sheet: Record<string, string>[] = parse(studentsFile?.text ?? '', { bom: true, columns: true });
    expect(rows).toHaveLength(8);
    expect(rows.filter((r) => r.correct === 'not answered')).toHaveLength(6);
    expect(rows[0]).toMatchObject({ 'user id': 'ann', 'question number': '1', correct: 'yes', answer: 'Right' });
    expect(rows[1]).toMatchObject({ correct: 'no', answer: 'Wrong', 'correct answer': 'Right' });
    expect(sheet).toEqual([
      expect.objectContaining({
        'user id': 'ann',
        answered: '2',
        correct: '1',
        wrong: '1',
        'not answered': '2',
        'percent correct': '25',
      }),
      expect.objectContaining({ 'user id': 'bo', answered: '0', 'not answered': '4', 'finished at (utc)': '' }),
    ]);
  });
});
