import { findCorrectChoice } from './scoring.js';
import type { QuizItems, QuizRound } from './state.js';

export interface RevealView {
  readonly index: number;
  readonly questionId: string;
  /** -1 when the item's answer is not among its choices. */
  readonly correct: number | null;
  /** Answers per choice, one entry per choice of the item. */
  readonly counts: number[];
  readonly answered: number;
  /** Who got it right, fastest first. */
  readonly winners: { readonly userId: string; readonly displayName: string; readonly points: number }[];
}

/** What the reveal of a question shows; null when the index or the item is unknown. */
export function revealView(state: QuizRound, index: number, items: QuizItems): RevealView | null {
  const questionId = state.questionIds[index];
  const answers = state.answers[index];
  if (questionId === undefined || answers === undefined) return null;
  const item = items.get(questionId);
  if (!item) return null;
  const counts = item.choices.map(() => 0);
  for (const a of answers) {
    if (a.choice < counts.length) counts[a.choice] = (counts[a.choice] ?? 0) + 1;
  }
  const winners = answers
    .filter((a) => a.correct)
    .map((a, order) => ({ a, order }))
    // Equal times keep arrival order.
    .sort((x, y) => x.a.elapsedMs - y.a.elapsedMs || x.order - y.order)
    .map(({ a }) => ({ userId: a.userId, displayName: a.displayName, points: a.points }));
  return { index, questionId, correct: findCorrectChoice(item), counts, answered: answers.length, winners };
}
