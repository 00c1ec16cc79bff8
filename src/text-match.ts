/** Fuzzy matching for autocomplete and "did you mean" suggestions. */

export interface Candidate {
  id: string;
  label: string;
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Lower is better; null when the candidate does not match at all. */
function score(query: string, candidate: Candidate): number | null {
  const id = normalise(candidate.id);
  const label = normalise(candidate.label);
  if (id === query || label === query) return 0;
  if (id.startsWith(query) || label.startsWith(query)) return 1;
  if (id.includes(query) || label.includes(query)) return 2;
  const words = query.split(' ');
  if (words.every((w) => id.includes(w) || label.includes(w))) return 3;
  return null;
}

/** Candidates matching the query (by id or text), best first; all of them for an empty query. */
export function searchCandidates<T extends Candidate>(query: string, candidates: readonly T[], limit: number): T[] {
  const q = normalise(query);
  if (!q) return candidates.slice(0, limit);
  return candidates
    .map((candidate, index) => ({ candidate, index, rank: score(q, candidate) }))
    .filter((entry): entry is { candidate: T; index: number; rank: number } => entry.rank !== null)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

/** The closest candidates to a query that matched nothing, for "did you mean". */
export function closestCandidates<T extends Candidate>(query: string, candidates: readonly T[], limit: number): T[] {
  const matches = searchCandidates(query, candidates, limit);
  if (matches.length > 0) return matches;
  const q = normalise(query);
  return candidates
    .map((candidate) => ({
      candidate,
      distance: Math.min(editDistance(q, normalise(candidate.id)), editDistance(q, normalise(candidate.label))),
    }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, limit)
    .map((entry) => entry.candidate);
}
