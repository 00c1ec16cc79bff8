/**
 * The one matcher behind every lookup a user types: autocomplete, "find by
 * id or text" and "did you mean". Case, accents and punctuation never matter.
 */

export interface Candidate {
  id: string;
  label: string;
  /** Other names the candidate answers to, e.g. a glossary term's aliases. */
  aliases?: readonly string[];
}

/** At or above this, a near miss is worth suggesting. */
export const SUGGEST_SIMILARITY = 0.7;
/** At or above this, a near miss that is the only one is served as it is. */
export const SERVE_SIMILARITY = 0.85;

export function normalise(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      // "Putin's" and "Putins" are the same word to someone typing. Escaped: one
      // non-ASCII character in the bundle makes V8 hold all its source at two bytes a character.
      .replace(/['\u2019\u2018`]/gu, '')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
  );
}

/** Edit distance where swapping two neighbouring letters is one edit, as typists make it. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const up = rows[i - 1] ?? [];
      let best = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row[j] = best;
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

/** 1 for the same text, 0 for nothing in common. */
function stringSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - editDistance(a, b) / longest;
}

// A query word only counts towards a fuzzy match when it is nearly a word of the text.
const WORD_SIMILARITY = 0.7;

/** How close a normalised query is to a normalised text: as a whole, or word by word. */
function similarity(query: string, text: string): number {
  const whole = stringSimilarity(query, text);
  const textWords = text.split(' ');
  const queryWords = query.split(' ');
  const perWord = queryWords.map((q) => {
    const best = Math.max(...textWords.map((t) => stringSimilarity(q, t)));
    return best >= WORD_SIMILARITY ? best : 0;
  });
  const byWords = perWord.reduce((sum, s) => sum + s, 0) / queryWords.length;
  return Math.max(whole, byWords);
}

function textsOf(candidate: Candidate): string[] {
  return [candidate.id, candidate.label, ...(candidate.aliases ?? [])].map(normalise).filter(Boolean);
}

/** Lower is better; null when the candidate does not match at all. For autocomplete, so prefixes count. */
function score(query: string, candidate: Candidate): number | null {
  const texts = textsOf(candidate);
  if (texts.some((t) => t === query)) return 0;
  if (texts.some((t) => t.startsWith(query))) return 1;
  if (texts.some((t) => t.includes(query))) return 2;
  const words = query.split(' ');
  if (words.every((w) => texts.some((t) => t.includes(w)))) return 3;
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

/** The near misses worth suggesting for a query, nearest first; none when nothing is genuinely close. */
export function closestCandidates<T extends Candidate>(query: string, candidates: readonly T[], limit: number): T[] {
  return nearMisses(normalise(query), candidates)
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

function nearMisses<T extends Candidate>(q: string, candidates: readonly T[]): { candidate: T; similarity: number }[] {
  if (!q) return [];
  return candidates
    .map((candidate) => ({ candidate, similarity: Math.max(...textsOf(candidate).map((t) => similarity(q, t))) }))
    .filter((entry) => entry.similarity >= SUGGEST_SIMILARITY)
    .sort((a, b) => b.similarity - a.similarity);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// A cut-off last word ("sanction" for "sanctions") only counts from this many letters.
const MIN_PREFIX = 3;

/** Lower is better; null when the query is not part of the candidate's words. */
function wordRank(q: string, candidate: Candidate): number | null {
  const texts = textsOf(candidate);
  const phrase = new RegExp(`(?:^| )${escapeRegExp(q)}(?: |$)`, 'u');
  if (texts.some((t) => phrase.test(t))) return 0;
  const words = q.split(' ');
  if (texts.some((t) => words.every((w) => t.split(' ').includes(w)))) return 1;
  const cut = new RegExp(`(?:^| )${escapeRegExp(q)}`, 'u');
  if (q.replace(/ /g, '').length >= MIN_PREFIX && texts.some((t) => cut.test(t))) return 2;
  return null;
}

export type Lookup<T> =
  /** `how`: by its id or full text, by words in it, or as the one near miss of a typo. */
  | { kind: 'found'; match: T; how: 'exact' | 'words' | 'close' }
  | { kind: 'several'; matches: T[] }
  /** `near`: suggestions above the threshold, possibly none. */
  | { kind: 'none'; near: T[] };

/**
 * What a typed query names: the candidate whose id or text it is; else the one
 * whose words it is (a whole word or phrase of the text beats scattered words,
 * which beat a cut-off last word); else the only genuinely close near miss.
 * Several equally good matches are returned, in list order, for the user to pick.
 */
export function lookupCandidate<T extends Candidate>(
  query: string,
  candidates: readonly T[],
  limit: number,
): Lookup<T> {
  const q = normalise(query);
  if (!q) return { kind: 'none', near: [] };
  const exact = candidates.find((c) => c.id === query.trim() || textsOf(c).includes(q));
  if (exact) return { kind: 'found', match: exact, how: 'exact' };

  const ranked = candidates
    .map((candidate) => ({ candidate, rank: wordRank(q, candidate) }))
    .filter((entry): entry is { candidate: T; rank: number } => entry.rank !== null);
  if (ranked.length > 0) {
    const best = Math.min(...ranked.map((entry) => entry.rank));
    const top = ranked.filter((entry) => entry.rank === best);
    if (top.length === 1 && top[0]) return { kind: 'found', match: top[0].candidate, how: 'words' };
    return { kind: 'several', matches: top.slice(0, limit).map((entry) => entry.candidate) };
  }

  const near = nearMisses(q, candidates);
  const [only, ...others] = near;
  if (only && others.length === 0 && only.similarity >= SERVE_SIMILARITY) {
    return { kind: 'found', match: only.candidate, how: 'close' };
  }
  return { kind: 'none', near: near.slice(0, limit).map((entry) => entry.candidate) };
}
