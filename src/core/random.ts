/**
 * Seeded randomness, so engines stay pure: the seed lives in the stored state
 * and the same state always draws the same way (replayable after a restart).
 */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: a text (an id) becomes a 32-bit number to seed or mix into a seed. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const random = createRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a === undefined || b === undefined) continue;
    out[i] = b;
    out[j] = a;
  }
  return out;
}

/**
 * Picks up to `count` ids from `candidates`, taking unused ones first so none
 * repeats until every candidate was used. Returns the picks and the new used
 * list. `used` may hold ids outside `candidates` (other filters); they are kept.
 */
export function drawWithoutRepeats(
  candidates: readonly string[],
  used: readonly string[],
  count: number,
  seed: number,
): { picked: string[]; used: string[] } {
  const usedSet = new Set(used);
  const fresh = shuffle(
    candidates.filter((id) => !usedSet.has(id)),
    seed,
  );
  const picked = fresh.slice(0, count);
  let nextUsed = [...used, ...picked];
  if (picked.length < count) {
    // The bank ran out: start a new cycle with the rest, never repeating within one draw.
    const again = shuffle(
      candidates.filter((id) => !picked.includes(id)),
      seed + 1,
    ).slice(0, count - picked.length);
    picked.push(...again);
    const candidateSet = new Set(candidates);
    nextUsed = [...used.filter((id) => !candidateSet.has(id)), ...again];
  }
  return { picked, used: nextUsed };
}
