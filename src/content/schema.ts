import { z } from 'zod';

/**
 * Schemas for the seven YAML files of a content pack. The TypeScript types of the
 * whole project come from here (z.infer); cross-file rules (quotes in the text,
 * paragraph numbers, claim ids, source dates) live in rules.ts because they need the
 * article or another file. Citations are looked up while parsing, so an unknown source
 * id is reported at its line like any other schema error.
 */

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const paragraphNumber = z.number().int().positive();
const isoDate = z.iso.date('must be a date as YYYY-MM-DD');

const kebabId = (max: number) =>
  z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case (a-z, 0-9 and single hyphens)')
    .max(max, `must be at most ${max} characters`);
const itemId = kebabId(40);
const PARTIAL_DATE = /^\d{4}(?:-(\d{2})(?:-(\d{2}))?)?$/;
/**
 * A date known to the day, the month or only the year, as YYYY-MM-DD, YYYY-MM or YYYY.
 * YAML reads a bare year as a number, so one is taken as its text.
 */
const partialDate = z.preprocess(
  (value) => (typeof value === 'number' && Number.isInteger(value) ? String(value) : value),
  z.string().refine(isPartialDate, 'must be a date as YYYY-MM-DD, YYYY-MM or YYYY'),
);

function isPartialDate(value: string): boolean {
  const match = PARTIAL_DATE.exec(value);
  if (!match) return false;
  const [, month, day] = match;
  if (month !== undefined && (Number(month) < 1 || Number(month) > 12)) return false;
  return day === undefined || z.iso.date().safeParse(value).success;
}

/** The last day a partial date can mean: `2020` -> `2020-12-31`, `2024-02` -> `2024-02-29`. */
export function latestDay(date: string): string {
  const [year = '', month, day] = date.split('-');
  if (day !== undefined) return date;
  if (month === undefined) return `${year}-12-31`;
  const last = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  return `${year}-${month}-${String(last).padStart(2, '0')}`;
}

/** One source a pack has read, listed once in its sources.yaml and cited by id. */
export const SourceSchema = z.strictObject({
  id: kebabId(60),
  // The page's headline or the document's name where recorded, else a short description of the page.
  title: text(200),
  // Who published it; "X via Y" when a wire story was read on another site.
  publisher: text(100),
  // When it was published (or, for a document, adopted), as precisely as known.
  date: partialDate.optional(),
  // Some sources in the public record have no address (print editions, wire copy).
  url: z.url({ protocol: /^https?$/ }).optional(),
});

export const SourcesSchema = z.strictObject({
  sources: z.array(SourceSchema).min(1, 'must list at least one source'),
});

/**
 * A citation in a claim's check, a quiz explanation or a definition: a source id, or
 * `{ id, for, event }` to say what the source is cited for and when that happened
 * (for a figure over a period, the period). content:check fails when the source is dated
 * before the event.
 */
const CitationRefSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { id: value } : value),
  z.strictObject({
    id: kebabId(60),
    for: text(120).optional(),
    event: partialDate.optional(),
  }),
);

/** A citation with its source looked up: what the renderers show. */
export type CitedSource = Source & Omit<z.infer<typeof CitationRefSchema>, 'id'>;

export const ArticleSchema = z.strictObject({
  title: text(256),
  // Headings and footers name the article on every message: a long title would crowd them out.
  shortTitle: text(40),
  author: text(100),
  source: z.strictObject({
    publication: text(100),
    url: z.url({ protocol: /^https?$/ }).optional(),
  }),
  date: z.strictObject({
    value: isoDate,
    // "published" when the article's own date is known, else the date of the event it reports.
    kind: z.enum(['published', 'event']),
    note: text(300).optional(),
  }),
  language: z.string().regex(/^[a-z]{2}(?:-[A-Z]{2})?$/, 'must be a language tag such as en or en-GB'),
  paragraphs: z
    .array(
      z.strictObject({
        n: paragraphNumber,
        text: text(4000),
      }),
    )
    .min(1, 'must have at least one paragraph'),
});

const SummarySentenceSchema = z.strictObject({
  text: text(1000),
  paragraphs: z.array(paragraphNumber).min(1, 'must name the paragraphs it summarises'),
});

export const SUMMARY_LENGTHS = ['brief', 'standard', 'detailed'] as const;
export type SummaryLength = (typeof SUMMARY_LENGTHS)[number];
export const SUMMARY_MAX: Record<SummaryLength, number> = { brief: 280, standard: 1000, detailed: 3500 };

export const SummariesSchema = z.strictObject({
  brief: z.array(SummarySentenceSchema).min(1).max(2, 'must be one or two sentences'),
  standard: z.array(SummarySentenceSchema).min(1),
  detailed: z.array(SummarySentenceSchema).min(1),
});

export const CLAIM_KINDS = ['reported-fact', 'attributed', 'analysis', 'prediction', 'opinion'] as const;
export const VERDICTS = [
  'supported',
  'partly-supported',
  'contradicted',
  'not-verified',
  'not-checkable',
  'came-true',
  'did-not-happen',
] as const;

export const THEMES = [
  'motives',
  'sanctions-and-law',
  'evidence-and-media-literacy',
  'consequences',
  'perspectives',
  'history',
] as const;
export const LEVELS = ['recall', 'understand', 'analyze', 'evaluate', 'create'] as const;

export const QuestionSchema = z.strictObject({
  id: itemId,
  prompt: text(300),
  theme: z.enum(THEMES),
  level: z.enum(LEVELS),
  followUps: z.array(text(300)).min(1).max(2, 'must have one or two follow-ups'),
  claims: z.array(itemId).default([]),
  paragraphs: z.array(paragraphNumber).default([]),
  // For the host only (the misconception to watch for, the fact that settles a dispute); never shown to students.
  teacherNote: text(700).optional(),
});

export const QuestionsSchema = z.strictObject({
  questions: z.array(QuestionSchema).min(1),
});

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export const QUIZ_TYPES = ['comprehension', 'claims', 'context'] as const;

/** The schemas of the files that cite sources; each citation is looked up in `sources`. */
export function citingSchemas(sources: SourceLookup) {
  const citations = z.array(citation(sources)).default([]);
  const ClaimSchema = z.strictObject({
    id: itemId,
    claim: text(200),
    quote: text(1000),
    paragraph: paragraphNumber,
    kind: z.enum(CLAIM_KINDS),
    by: text(100),
    // Hedging or loaded words as they appear in the quote.
    hedges: z.array(text(60)).default([]),
    check: z.strictObject({
      verdict: z.enum(VERDICTS),
      note: text(900),
      checked: isoDate,
      sources: citations,
    }),
    // For the host only, as on questions.
    teacherNote: text(700).optional(),
  });

  const QuizItemSchema = z.strictObject({
    id: itemId,
    question: text(250),
    choices: z.array(text(80)).min(2, 'must have 2 to 4 choices').max(4, 'must have 2 to 4 choices'),
    answer: text(80),
    explanation: text(700),
    quote: text(700),
    paragraph: paragraphNumber,
    difficulty: z.enum(DIFFICULTIES),
    type: z.enum(QUIZ_TYPES),
    // Context items are settled by the public record, so they must say where.
    sources: citations,
  });

  const TermSchema = z.strictObject({
    id: itemId,
    term: text(80),
    // Other names a student might look the term up by (e.g. "North Korea" for DPRK).
    aliases: z.array(text(80)).default([]),
    definition: text(900),
    quote: text(500),
    paragraph: paragraphNumber,
    sources: citations,
  });

  return {
    claim: ClaimSchema,
    quizItem: QuizItemSchema,
    term: TermSchema,
    claims: z.strictObject({ claims: z.array(ClaimSchema).min(1) }),
    quiz: z.strictObject({ quiz: z.array(QuizItemSchema).min(1) }),
    glossary: z.strictObject({ terms: z.array(TermSchema).min(1) }),
  };
}

/**
 * The pack's sources by id, or undefined when sources.yaml did not load: then the pack
 * is not built, so citations are left unchecked rather than all reported unknown.
 */
export type SourceLookup = ReadonlyMap<string, Source> | undefined;

function citation(sources: SourceLookup) {
  return CitationRefSchema.transform((ref, ctx): CitedSource => {
    const source = sources?.get(ref.id);
    if (source) return { ...source, ...ref };
    if (sources)
      ctx.issues.push({
        code: 'custom',
        input: ref.id,
        message: `unknown source id "${ref.id}" (not in sources.yaml)`,
      });
    return z.NEVER;
  });
}

export type Source = z.infer<typeof SourceSchema>;
export type Article = z.infer<typeof ArticleSchema>;
export type SummarySentence = z.infer<typeof SummarySentenceSchema>;
export type Summaries = z.infer<typeof SummariesSchema>;
type CitingSchemas = ReturnType<typeof citingSchemas>;
export type Claim = z.infer<CitingSchemas['claim']>;
export type ClaimKind = Claim['kind'];
export type Verdict = Claim['check']['verdict'];
export type Question = z.infer<typeof QuestionSchema>;
export type Theme = Question['theme'];
export type Level = Question['level'];
export type QuizItem = z.infer<CitingSchemas['quizItem']>;
export type Difficulty = QuizItem['difficulty'];
export type Term = z.infer<CitingSchemas['term']>;

/** The seven files of a pack, in the order they are checked. */
export const PACK_FILES = {
  article: 'article.yaml',
  summaries: 'summaries.yaml',
  sources: 'sources.yaml',
  claims: 'claims.yaml',
  questions: 'questions.yaml',
  quiz: 'quiz.yaml',
  glossary: 'glossary.yaml',
} as const;

export interface Pack {
  readonly slug: string;
  readonly article: Article;
  readonly summaries: Summaries;
  readonly sources: readonly Source[];
  readonly claims: readonly Claim[];
  readonly questions: readonly Question[];
  readonly quiz: readonly QuizItem[];
  readonly terms: readonly Term[];
}
