import { toCsv } from '../core/csv.js';
import type { QuizItems, QuizRound } from './state.js';

export const CSV_HEADER = [
  'round id',
  'question id',
  'question',
  'user id',
  'display name',
  'choice',
  'correct',
  'points',
  'seconds to answer',
] as const;

// Excel only reads UTF-8 (accented names) correctly with a byte order mark.
const BOM = '\uFEFF';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The round's answers as CSV (RFC 4180, CRLF), one row per answer, safe to open in a spreadsheet. */
export function renderRoundCsv(round: QuizRound, items: QuizItems): string {
  const rows: string[][] = [[...CSV_HEADER]];
  for (const [index, answers] of round.answers.entries()) {
    const questionId = round.questionIds[index] ?? '';
    const item = items.get(questionId);
    for (const a of answers) {
      const letter = formatChoiceLetter(a.choice);
      const text = item?.choices[a.choice];
      rows.push([
        round.roundId,
        questionId,
        item?.question ?? '',
        a.userId,
        a.displayName,
        text === undefined ? letter : `${letter}. ${text}`,
        a.correct ? 'yes' : 'no',
        String(a.points),
        formatSeconds(a.elapsedMs),
      ]);
    }
  }
  return `${BOM}${toCsv(rows)}`;
}

export function formatChoiceLetter(choice: number): string {
  return LETTERS[choice] ?? String(choice + 1);
}

// Integer arithmetic: 1234 ms is exactly "1.234".
function formatSeconds(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  return `${Math.floor(whole / 1000)}.${String(whole % 1000).padStart(3, '0')}`;
}
