import { drawWithoutRepeats } from '../../core/random.js';
import type { BankNote } from './state.js';

export interface QuestionChoice {
  readonly picked: string[];
  /** The server's new used list for this article, to store. */
  readonly used: string[];
  /** Set when the bank holds fewer questions than asked: the round uses what there is. */
  readonly note: BankNote | null;
}

/**
 * Picks the questions of a round so none repeats in a server until the whole
 * bank (one article and difficulty) was used. `used` may hold ids of other
 * difficulties of the same article; they are kept.
 */
export function chooseQuestions(
  bank: readonly string[],
  used: readonly string[],
  count: number,
  seed: number,
): QuestionChoice {
  const candidates = [...new Set(bank)];
  const wanted = Math.max(0, Math.floor(count));
  const { picked, used: nextUsed } = drawWithoutRepeats(candidates, used, wanted, seed);
  const note = candidates.length < wanted ? { asked: wanted, available: candidates.length } : null;
  return { picked, used: nextUsed, note };
}
