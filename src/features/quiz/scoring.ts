import type { QuizItem } from '../../content/schema.js';
import { type Settings, SPEED_MAX_POINTS } from './state.js';

/**
 * Kahoot-style points: the full amount at the opening, half at the deadline,
 * linear in between. Integer arithmetic so that equal inputs give equal points
 * on every machine, and exact halves round up.
 */
export function computeSpeedPoints(elapsedMs: number, durationMs: number): number {
  if (!(durationMs > 0)) return SPEED_MAX_POINTS;
  const elapsed = Math.min(Math.max(elapsedMs, 0), durationMs);
  const half = SPEED_MAX_POINTS / 2;
  return Math.round((SPEED_MAX_POINTS * durationMs - half * elapsed) / durationMs);
}

export function computePoints(settings: Settings, correct: boolean, elapsedMs: number): number {
  if (!correct) return 0;
  if (settings.scoring === 'simple') return 1;
  return computeSpeedPoints(elapsedMs, settings.seconds * 1000);
}

/** Index of the right choice; null when the answer is not among the choices (the loader refuses such items). */
export function findCorrectChoice(item: QuizItem): number | null {
  const index = item.choices.indexOf(item.answer);
  return index >= 0 ? index : null;
}
