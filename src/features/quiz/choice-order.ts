import { letter } from '../../content/labels.js';
import { hashText, shuffle } from '../../core/random.js';

/**
 * The order a question's choices are shown in, per round: display position ->
 * the choice's index in the item. Stored answers keep the item's index; only
 * what students see moves. The seed is the round id (kept in the round's
 * control record) with the question's index, so a restart shows the same order
 * and nothing new needs storing.
 */
export function choiceOrder(roundId: string, index: number, count: number): number[] {
  return shuffle(
    Array.from({ length: count }, (_, i) => i),
    hashText(`${roundId}:${index}`),
  );
}

/** The letter choice `choice` (the item's index) was shown under; its own letter when the order leaves it out. */
export function shownLetter(order: readonly number[], choice: number): string {
  const position = order.indexOf(choice);
  return letter(position === -1 ? choice : position);
}
