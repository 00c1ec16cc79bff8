import { LEVELS, type Level, type Question, type Theme } from '../../content/schema.js';
import { shuffle } from '../../core/random.js';

export interface PromptFilters {
  count: number;
  theme?: Theme | null | undefined;
  level?: Level | null | undefined;
}

/** Set when the bank (after filters) holds fewer questions than asked. */
export interface PromptNote {
  asked: number;
  available: number;
}

export interface PromptChoice {
  /** Ordered by level, recall first. */
  promptIds: string[];
  /** The server's new used list, to be stored by the runtime. */
  used: string[];
  note: PromptNote | null;
}

/**
 * Chooses discussion prompts that cover the article: unused questions first,
 * picked greedily for new themes, then new levels, ties broken by a seeded
 * shuffle; the picks are then ordered by level so the talk rises.
 */
export function choosePrompts(
  questions: readonly Question[],
  usedIds: readonly string[],
  filters: PromptFilters,
  seed: number,
): PromptChoice {
  const theme = filters.theme ?? null;
  const level = filters.level ?? null;
  const count = Math.max(0, Math.floor(filters.count));
  const candidates = questions.filter(
    (q) => (theme === null || q.theme === theme) && (level === null || q.level === level),
  );
  const usedSet = new Set(usedIds);
  const fresh = shuffle(
    candidates.filter((q) => !usedSet.has(q.id)),
    seed,
  );
  const picked = pickCovering(fresh, count, []);
  let used = [...usedIds, ...picked.map((q) => q.id)];
  if (picked.length < count) {
    // The bank ran out: start a new cycle with the rest, never repeating within one session.
    // This session's fresh picks join the new cycle too, so none comes back next time.
    const pickedIds = new Set(picked.map((q) => q.id));
    const rest = shuffle(
      candidates.filter((q) => !pickedIds.has(q.id)),
      seed + 1,
    );
    const again = pickCovering(rest, count - picked.length, picked);
    picked.push(...again);
    const candidateIds = new Set(candidates.map((q) => q.id));
    used = [...usedIds.filter((id) => !candidateIds.has(id)), ...picked.map((q) => q.id)];
  }
  const byLevel = picked
    .map((q, order) => ({ q, order }))
    .sort((a, b) => levelRank(a.q.level) - levelRank(b.q.level) || a.order - b.order)
    .map(({ q }) => q.id);
  return {
    promptIds: byLevel,
    used,
    note: candidates.length < count ? { asked: count, available: candidates.length } : null,
  };
}

function pickCovering(pool: readonly Question[], count: number, already: readonly Question[]): Question[] {
  const themes = new Set(already.map((q) => q.theme));
  const levels = new Set(already.map((q) => q.level));
  const left = [...pool];
  const picked: Question[] = [];
  while (picked.length < count && left.length > 0) {
    let best = 0;
    let bestScore = -1;
    left.forEach((q, i) => {
      const score = (themes.has(q.theme) ? 0 : 2) + (levels.has(q.level) ? 0 : 1);
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    });
    const [q] = left.splice(best, 1);
    if (q === undefined) break;
    picked.push(q);
    themes.add(q.theme);
    levels.add(q.level);
  }
  return picked;
}

function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}
