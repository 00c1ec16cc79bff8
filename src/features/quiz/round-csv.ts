import { subtext } from 'discord.js';
import { csvFile } from '../../core/csv.js';
import { plural } from '../../core/plural.js';
import { findCorrectChoice } from './scoring.js';
import { askedIn, roundScores, standings } from './standings.js';
import type { QuizItems, QuizRound } from './state.js';

/**
 * The two files a teacher grades a round from, in the one CSV style of every
 * report: every question shown with every player's answer to it (a skipped
 * question is a row, not a gap), and one line per player.
 */

export const ANSWERS_HEADER = [
  'round id',
  'question number',
  'question id',
  'question',
  'correct answer',
  'user id',
  'display name',
  'answer',
  'correct',
  'points',
  'seconds to answer',
] as const;

export const STUDENTS_HEADER = [
  'round id',
  'user id',
  'display name',
  'rank',
  'points',
  'correct',
  'wrong',
  'not answered',
  'questions asked',
  'percent correct',
] as const;

/**
 * A choice as a report shows it: its text, with no letter, since each round shows the
 * choices in its own order (the choice's number in the item when the item left the content).
 */
export function choiceText(items: QuizItems, questionId: string, choice: number): string {
  return items.get(questionId)?.choices[choice] ?? `choice ${choice + 1}`;
}

/** One row per player per question asked, in question order; a question nobody answered still has its row. */
export function renderRoundCsv(round: QuizRound, items: QuizItems): string {
  const players = roundScores(round);
  const rows: string[][] = [];
  for (let index = 0; index < askedIn(round); index++) {
    const questionId = round.questionIds[index] ?? '';
    const item = items.get(questionId);
    const correctChoice = item ? findCorrectChoice(item) : null;
    const question = [
      round.roundId,
      String(index + 1),
      questionId,
      item?.question ?? '',
      correctChoice !== null ? choiceText(items, questionId, correctChoice) : '',
    ];
    const answers = round.answers[index] ?? [];
    const answered = new Set(answers.map((a) => a.userId));
    for (const a of answers) {
      rows.push([
        ...question,
        a.userId,
        a.displayName,
        choiceText(items, questionId, a.choice),
        a.correct ? 'yes' : 'no',
        String(a.points),
        formatSeconds(a.elapsedMs),
      ]);
    }
    for (const p of players) {
      if (!answered.has(p.userId)) rows.push([...question, p.userId, p.name, '', 'not answered', '0', '']);
    }
    if (players.length === 0) rows.push([...question, '', '', '', 'nobody answered', '', '']);
  }
  return csvFile(ANSWERS_HEADER, rows);
}

/** One row per player, in standings order; "not answered" counts the questions they skipped. */
export function renderStudentsCsv(round: QuizRound): string {
  const asked = askedIn(round);
  const lines = roundScores(round);
  const rows = standings(lines, lines.length).map((s) => {
    const answered = s.answered;
    return [
      round.roundId,
      s.userId,
      s.name,
      String(s.rank),
      String(s.points),
      String(s.correct),
      String(answered - s.correct),
      String(Math.max(0, asked - answered)),
      String(asked),
      asked > 0 ? String(Math.round((s.correct / asked) * 100)) : '',
    ];
  });
  return csvFile(STUDENTS_HEADER, rows);
}

export interface RoundReport {
  readonly summary: string;
  readonly files: readonly { readonly name: string; readonly text: string }[];
}

/** What `/quiz report` hands the host: a line about the round and its two files. */
export function roundReport(round: QuizRound, items: QuizItems): RoundReport {
  const answers = round.answers.reduce((n, list) => n + list.length, 0);
  const players = roundScores(round).length;
  return {
    summary:
      `Round ${round.roundId}: ${plural(askedIn(round), 'question')} asked, ${plural(players, 'player')}, ${plural(answers, 'answer')}.\n` +
      subtext(
        'One file has every answer to every question (a skipped one is marked "not answered"); the other has one line per student.',
      ),
    files: [
      { name: `quiz-round-${round.roundId}-answers.csv`, text: renderRoundCsv(round, items) },
      { name: `quiz-round-${round.roundId}-students.csv`, text: renderStudentsCsv(round) },
    ],
  };
}

// Integer arithmetic: 1234 ms is exactly "1.234".
function formatSeconds(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  return `${Math.floor(whole / 1000)}.${String(whole % 1000).padStart(3, '0')}`;
}
