import { csvFile } from '../../core/csv.js';
import { plural } from '../../core/plural.js';
import { choiceText } from '../quiz/round-csv.js';
import { findCorrectChoice } from '../quiz/scoring.js';
import { answerTo, classStatus, studentResult } from './engine.js';
import type { Assignment, Progress, QuizItems } from './state.js';

/**
 * The two files a teacher grades homework from, in the one CSV style of every
 * report (see core/csv.ts): every question of every student who started, in
 * that student's order (an unanswered one is a row marked "not answered"), and
 * one line per student.
 */

export const HOMEWORK_ANSWERS_HEADER = [
  'assignment id',
  'user id',
  'display name',
  'question number',
  'question id',
  'question',
  'correct answer',
  'answer',
  'correct',
  'answered at (utc)',
  'late',
] as const;

export const HOMEWORK_STUDENTS_HEADER = [
  'assignment id',
  'user id',
  'display name',
  'started at (utc)',
  'finished at (utc)',
  'questions',
  'answered',
  'correct',
  'wrong',
  'not answered',
  'percent correct',
  'late',
] as const;

function iso(at: number | null): string {
  return at === null ? '' : new Date(at).toISOString().replace('.000Z', 'Z');
}

export function renderHomeworkAnswersCsv(
  assignment: Assignment,
  progresses: readonly Progress[],
  items: QuizItems,
): string {
  const rows: string[][] = [];
  for (const p of progresses) {
    p.order.forEach((questionId, position) => {
      const item = items.get(questionId);
      const right = item ? findCorrectChoice(item) : null;
      const a = answerTo(p, position);
      rows.push([
        assignment.id,
        p.userId,
        p.displayName,
        String(position + 1),
        questionId,
        item?.question ?? '',
        right !== null ? choiceText(items, questionId, right) : '',
        a ? choiceText(items, questionId, a.choice) : '',
        a ? (a.correct ? 'yes' : 'no') : 'not answered',
        iso(a?.at ?? null),
        a?.late ? 'yes' : 'no',
      ]);
    });
  }
  return csvFile(HOMEWORK_ANSWERS_HEADER, rows);
}

export function renderHomeworkStudentsCsv(
  assignment: Assignment,
  progresses: readonly Progress[],
  items: QuizItems,
): string {
  const rows = progresses.map((p) => {
    const r = studentResult(p, items);
    return [
      assignment.id,
      p.userId,
      p.displayName,
      iso(p.startedAt),
      iso(p.finishedAt),
      String(r.total),
      String(r.answered),
      String(r.correct),
      String(r.answered - r.correct),
      String(r.total - r.answered),
      String(Math.round((r.correct / r.total) * 100)),
      p.late || p.answers.some((a) => a.late) ? 'yes' : 'no',
    ];
  });
  return csvFile(HOMEWORK_STUDENTS_HEADER, rows);
}

export interface HomeworkReport {
  readonly summary: string;
  readonly files: readonly { readonly name: string; readonly text: string }[];
}

export function homeworkReport(
  assignment: Assignment,
  progresses: readonly Progress[],
  items: QuizItems,
): HomeworkReport {
  const status = classStatus(assignment, progresses, items);
  const answers = progresses.reduce((n, p) => n + p.answers.length, 0);
  return {
    summary:
      `Homework ${assignment.id}: ${plural(status.started, 'student')} started, ${status.finished} finished, ${plural(answers, 'answer')}.\n` +
      '-# One file has every student\'s questions in their own order (an unanswered one is marked "not answered"); the other has one line per student.',
    files: [
      { name: `homework-${assignment.id}-answers.csv`, text: renderHomeworkAnswersCsv(assignment, progresses, items) },
      {
        name: `homework-${assignment.id}-students.csv`,
        text: renderHomeworkStudentsCsv(assignment, progresses, items),
      },
    ],
  };
}
