import { z } from 'zod';

/**
 * Schemas for the six YAML files of a content pack. The TypeScript types of the
 * whole project come from here (z.infer); cross-file rules (quotes in the text,
 * paragraph numbers, claim ids) live in rules.ts because they need the article.
 */

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const kebabId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case (a-z, 0-9 and single hyphens)')
  .max(40, 'must be at most 40 characters');
const paragraphNumber = z.number().int().positive();
const isoDate = z.iso.date('must be a date as YYYY-MM-DD');

export const SourceSchema = z.strictObject({
  title: text(200),
  // Some sources in the public record have no address (print editions, wire copy).
  url: z.url({ protocol: /^https?$/ }).optional(),
});

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

export const ClaimSchema = z.strictObject({
  id: kebabId,
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
    sources: z.array(SourceSchema).default([]),
  }),
  // For the host only, as on questions.
  teacherNote: text(700).optional(),
});

export const ClaimsSchema = z.strictObject({
  claims: z.array(ClaimSchema).min(1),
});

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
  id: kebabId,
  prompt: text(300),
  theme: z.enum(THEMES),
  level: z.enum(LEVELS),
  followUps: z.array(text(300)).min(1).max(2, 'must have one or two follow-ups'),
  claims: z.array(kebabId).default([]),
  paragraphs: z.array(paragraphNumber).default([]),
  // For the host only (the misconception to watch for, the fact that settles a dispute); never shown to students.
  teacherNote: text(700).optional(),
});

export const QuestionsSchema = z.strictObject({
  questions: z.array(QuestionSchema).min(1),
});

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export const QUIZ_TYPES = ['comprehension', 'claims', 'context'] as const;

export const QuizItemSchema = z.strictObject({
  id: kebabId,
  question: text(250),
  choices: z.array(text(80)).min(2, 'must have 2 to 4 choices').max(4, 'must have 2 to 4 choices'),
  answer: text(80),
  explanation: text(700),
  quote: text(700),
  paragraph: paragraphNumber,
  difficulty: z.enum(DIFFICULTIES),
  type: z.enum(QUIZ_TYPES),
  // Context items are settled by the public record, so they must say where.
  sources: z.array(SourceSchema).default([]),
});

export const QuizSchema = z.strictObject({
  quiz: z.array(QuizItemSchema).min(1),
});

export const TermSchema = z.strictObject({
  id: kebabId,
  term: text(80),
  // Other names a student might look the term up by (e.g. "North Korea" for DPRK).
  aliases: z.array(text(80)).default([]),
  definition: text(900),
  quote: text(500),
  paragraph: paragraphNumber,
  sources: z.array(SourceSchema).default([]),
});

export const GlossarySchema = z.strictObject({
  terms: z.array(TermSchema).min(1),
});

export type Source = z.infer<typeof SourceSchema>;
export type Article = z.infer<typeof ArticleSchema>;
export type SummarySentence = z.infer<typeof SummarySentenceSchema>;
export type Summaries = z.infer<typeof SummariesSchema>;
export type Claim = z.infer<typeof ClaimSchema>;
export type ClaimKind = Claim['kind'];
export type Verdict = Claim['check']['verdict'];
export type Question = z.infer<typeof QuestionSchema>;
export type Theme = Question['theme'];
export type Level = Question['level'];
export type QuizItem = z.infer<typeof QuizItemSchema>;
export type Difficulty = QuizItem['difficulty'];
export type Term = z.infer<typeof TermSchema>;

/** The six files of a pack, in the order they are checked. */
export const PACK_FILES = {
  article: { file: 'article.yaml', schema: ArticleSchema },
  summaries: { file: 'summaries.yaml', schema: SummariesSchema },
  claims: { file: 'claims.yaml', schema: ClaimsSchema },
  questions: { file: 'questions.yaml', schema: QuestionsSchema },
  quiz: { file: 'quiz.yaml', schema: QuizSchema },
  glossary: { file: 'glossary.yaml', schema: GlossarySchema },
} as const;

export interface Pack {
  readonly slug: string;
  readonly article: Article;
  readonly summaries: Summaries;
  readonly claims: readonly Claim[];
  readonly questions: readonly Question[];
  readonly quiz: readonly QuizItem[];
  readonly terms: readonly Term[];
}
