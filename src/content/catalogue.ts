import type { Claim, Pack, Question, QuizItem, Term } from './schema.js';

/** All loaded packs, read-only, with lookups by slug and id. */
export interface Catalogue {
  /** Sorted by slug. */
  readonly packs: readonly Pack[];
  pack(slug: string): Pack | undefined;
  claim(slug: string, id: string): Claim | undefined;
  question(slug: string, id: string): Question | undefined;
  quizItem(slug: string, id: string): QuizItem | undefined;
  term(slug: string, id: string): Term | undefined;
  paragraph(slug: string, n: number): string | undefined;
}

interface PackIndex {
  readonly pack: Pack;
  readonly claims: ReadonlyMap<string, Claim>;
  readonly questions: ReadonlyMap<string, Question>;
  readonly quiz: ReadonlyMap<string, QuizItem>;
  readonly terms: ReadonlyMap<string, Term>;
  readonly paragraphs: ReadonlyMap<number, string>;
}

/** Copies and deep-freezes the packs, so no handler can change content another one reads. */
export function createCatalogue(packs: readonly Pack[]): Catalogue {
  const sorted = packs.map((p) => freezeDeep(structuredClone(p))).sort((a, b) => compareStrings(a.slug, b.slug));
  const index = new Map<string, PackIndex>();
  for (const pack of sorted) {
    if (index.has(pack.slug)) throw new Error(`createCatalogue: duplicate pack slug "${pack.slug}"`);
    index.set(pack.slug, {
      pack,
      claims: indexById(pack.claims),
      questions: indexById(pack.questions),
      quiz: indexById(pack.quiz),
      terms: indexById(pack.terms),
      paragraphs: new Map(pack.article.paragraphs.map((p) => [p.n, p.text])),
    });
  }
  const packsView = Object.freeze(sorted);

  return Object.freeze({
    packs: packsView,
    pack: (slug: string) => index.get(slug)?.pack,
    claim: (slug: string, id: string) => index.get(slug)?.claims.get(id),
    question: (slug: string, id: string) => index.get(slug)?.questions.get(id),
    quizItem: (slug: string, id: string) => index.get(slug)?.quiz.get(id),
    term: (slug: string, id: string) => index.get(slug)?.terms.get(id),
    paragraph: (slug: string, n: number) => index.get(slug)?.paragraphs.get(n),
  });
}

function indexById<T extends { readonly id: string }>(items: readonly T[]): ReadonlyMap<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

function freezeDeep<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    // Freeze before descending so a cycle ends at an already frozen object.
    Object.freeze(value);
    for (const child of Object.values(value)) freezeDeep(child);
  }
  return value;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
