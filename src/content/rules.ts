import {
  type Article,
  type CitedSource,
  latestDay,
  type PACK_FILES,
  type Pack,
  SUMMARY_LENGTHS,
  SUMMARY_MAX,
  type SummarySentence,
} from './schema.js';

/**
 * Cross-file rules of a pack: the ones zod cannot check because they need the article
 * or another file. Pure: issues name a file and a YAML path; the loader turns the path
 * into line:column.
 */

export type PackFileKey = keyof typeof PACK_FILES;
export type RulePath = readonly (string | number)[];

export interface RuleIssue {
  readonly file: PackFileKey;
  readonly path: RulePath;
  readonly message: string;
}

/** The parts of a pack whose file passed its schema; the rules skip what is missing. */
export type PackDraft = { readonly [K in Exclude<keyof Pack, 'slug'>]: Pack[K] | undefined };

interface Quoted {
  readonly quote: string;
  readonly paragraph: number;
}

export function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Looser match used only to hint that a quote is close: case, curly quotes, dashes. */
function foldForHint(text: string): string {
  return normaliseWhitespace(text)
    .toLowerCase()
    .replace(/[\u2018\u2019\u201A\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\u2026/g, '...');
}

export function checkPackRules(draft: PackDraft): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const numbering = draft.article ? checkParagraphNumbering(draft.article) : [];
  issues.push(...numbering);
  // With misnumbered paragraphs every reference would be reported too; fix the numbers first.
  const article = numbering.length === 0 ? draft.article : undefined;
  if (draft.claims) issues.push(...checkUniqueIds('claims', 'claims', draft.claims));
  if (draft.questions) issues.push(...checkUniqueIds('questions', 'questions', draft.questions));
  if (draft.quiz) {
    issues.push(
      ...checkUniqueIds('quiz', 'quiz', draft.quiz),
      ...checkQuizChoices(draft.quiz),
      ...checkLongestAnswerShare(draft.quiz),
    );
  }
  if (draft.terms) issues.push(...checkUniqueIds('glossary', 'terms', draft.terms));
  if (draft.sources)
    issues.push(...checkUniqueIds('sources', 'sources', draft.sources), ...checkSourceUrls(draft.sources));
  issues.push(...checkCitations(draft));
  if (draft.summaries) issues.push(...checkSummaryLengths(draft.summaries));
  if (draft.claims) issues.push(...checkHedges(draft.claims));
  if (draft.questions && draft.claims) issues.push(...checkClaimRefs(draft.questions, draft.claims));

  if (article) {
    const paragraphs = new Map(article.paragraphs.map((p) => [p.n, p.text]));
    if (draft.summaries) issues.push(...checkSummaryParagraphs(draft.summaries, paragraphs));
    if (draft.claims) issues.push(...checkQuotes('claims', 'claims', draft.claims, paragraphs));
    if (draft.quiz) issues.push(...checkQuotes('quiz', 'quiz', draft.quiz, paragraphs));
    if (draft.terms) issues.push(...checkQuotes('glossary', 'terms', draft.terms, paragraphs));
    if (draft.questions) {
      draft.questions.forEach((q, i) => {
        q.paragraphs.forEach((n, j) => {
          issues.push(...checkParagraphExists('questions', ['questions', i, 'paragraphs', j], n, paragraphs));
        });
      });
    }
  }
  return issues;
}

function checkParagraphNumbering(article: Article): RuleIssue[] {
  return article.paragraphs.flatMap((p, i) =>
    p.n === i + 1
      ? []
      : [issue('article', ['paragraphs', i, 'n'], `must be ${i + 1}: paragraphs are numbered 1..N in order`)],
  );
}

function checkUniqueIds(file: PackFileKey, key: string, items: readonly { readonly id: string }[]): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const seen = first.get(item.id);
    if (seen === undefined) first.set(item.id, i);
    else issues.push(issue(file, [key, i, 'id'], `duplicate id "${item.id}" (first at ${key}[${seen}])`));
  });
  return issues;
}

/** The same page listed twice would be cited under two ids. */
function checkSourceUrls(sources: NonNullable<PackDraft['sources']>): RuleIssue[] {
  const first = new Map<string, number>();
  return sources.flatMap((source, i) => {
    if (source.url === undefined) return [];
    const seen = first.get(source.url);
    if (seen === undefined) {
      first.set(source.url, i);
      return [];
    }
    return [issue('sources', ['sources', i, 'url'], `same address as sources[${seen}]`)];
  });
}

interface Citing {
  readonly file: PackFileKey;
  /** Where the item's citations are, e.g. ['claims', 3, 'check', 'sources']. */
  readonly at: RulePath;
  readonly sources: readonly CitedSource[];
  /** Texts that state facts, which may name an address only if it is a listed source. */
  readonly texts: readonly { readonly key: RulePath; readonly text: string }[];
}

function citingItems(draft: PackDraft): Citing[] {
  return [
    ...(draft.claims ?? []).map((c, i) => ({
      file: 'claims' as const,
      at: ['claims', i, 'check', 'sources'],
      sources: c.check.sources,
      texts: [
        { key: ['claims', i, 'check', 'note'], text: c.check.note },
        ...(c.teacherNote === undefined ? [] : [{ key: ['claims', i, 'teacherNote'], text: c.teacherNote }]),
      ],
    })),
    ...(draft.quiz ?? []).map((q, i) => ({
      file: 'quiz' as const,
      at: ['quiz', i, 'sources'],
      sources: q.sources,
      texts: [{ key: ['quiz', i, 'explanation'], text: q.explanation }],
    })),
    ...(draft.terms ?? []).map((t, i) => ({
      file: 'glossary' as const,
      at: ['terms', i, 'sources'],
      sources: t.sources,
      texts: [{ key: ['terms', i, 'definition'], text: t.definition }],
    })),
  ];
}

const ADDRESS = /https?:\/\/[^\s)>\]"']+/g;

/**
 * A source must date from after the event it is cited for (both as far as known: a
 * source dated by month counts as the month's last day, an event given as a month or
 * a year is the whole period); each source is cited once per item; every listed source
 * is cited somewhere; an address in a text must be one of the listed sources.
 */
function checkCitations(draft: PackDraft): RuleIssue[] {
  // Without a readable sources.yaml no citation resolves; that file's own error says so.
  if (!draft.sources) return [];
  const issues: RuleIssue[] = [];
  const cited = new Set<string>();
  const listed = new Set((draft.sources ?? []).flatMap((s) => (s.url === undefined ? [] : [s.url])));
  for (const item of citingItems(draft)) {
    const first = new Map<string, number>();
    item.sources.forEach((source, j) => {
      cited.add(source.id);
      const path = [...item.at, j];
      const seen = first.get(source.id);
      if (seen === undefined) first.set(source.id, j);
      else issues.push(issue(item.file, path, `"${source.id}" is cited twice (first at ${seen})`));
      if (source.date !== undefined && source.event !== undefined && latestDay(source.date) < latestDay(source.event)) {
        issues.push(
          issue(
            item.file,
            path,
            `"${source.id}" is dated ${source.date}, before the event it is cited for (${source.event}): cite a later source`,
          ),
        );
      }
    });
    for (const { key, text } of item.texts) {
      for (const [address] of text.matchAll(ADDRESS)) {
        if (!listed.has(address)) {
          issues.push(
            issue(
              item.file,
              key,
              `names the address ${address}, which is not in sources.yaml: list it there and cite it by id`,
            ),
          );
        }
      }
    }
  }
  // Only when every citing file loaded can a source be known to be unused.
  if (draft.sources && draft.claims && draft.quiz && draft.terms) {
    draft.sources.forEach((source, i) => {
      if (!cited.has(source.id)) {
        issues.push(
          issue('sources', ['sources', i, 'id'], `"${source.id}" is not cited by any claim, quiz item or term`),
        );
      }
    });
  }
  return issues;
}

function checkParagraphExists(
  file: PackFileKey,
  path: RulePath,
  n: number,
  paragraphs: ReadonlyMap<number, string>,
): RuleIssue[] {
  if (paragraphs.has(n)) return [];
  return [issue(file, path, `paragraph ${n} does not exist (the article has ${paragraphs.size} paragraphs)`)];
}

function checkQuotes(
  file: PackFileKey,
  key: string,
  items: readonly Quoted[],
  paragraphs: ReadonlyMap<number, string>,
): RuleIssue[] {
  const issues: RuleIssue[] = [];
  items.forEach((item, i) => {
    const missing = checkParagraphExists(file, [key, i, 'paragraph'], item.paragraph, paragraphs);
    issues.push(...missing);
    const message = describeQuoteProblem(item, paragraphs);
    // A quote found elsewhere already shows up as the bad paragraph number.
    if (message && !(missing.length > 0 && message.startsWith('found in'))) {
      issues.push(issue(file, [key, i, 'quote'], message));
    }
  });
  return issues;
}

function describeQuoteProblem(item: Quoted, paragraphs: ReadonlyMap<number, string>): string | undefined {
  const quote = normaliseWhitespace(item.quote);
  const named = paragraphs.get(item.paragraph);
  if (named !== undefined && normaliseWhitespace(named).includes(quote)) return undefined;

  const elsewhere = [...paragraphs].filter(([, text]) => normaliseWhitespace(text).includes(quote)).map(([n]) => n);
  if (elsewhere.length > 0) {
    const where = elsewhere.length === 1 ? `paragraph ${elsewhere[0]}` : `paragraphs ${listNumbers(elsewhere)}`;
    return `found in ${where}, not ${item.paragraph}`;
  }
  const folded = foldForHint(quote);
  const near = [...paragraphs].find(([, text]) => foldForHint(text).includes(folded));
  if (near) return `not found in the article text (paragraph ${near[0]} has it with different case or punctuation)`;
  return 'not found in the article text';
}

function checkSummaryParagraphs(
  summaries: NonNullable<PackDraft['summaries']>,
  paragraphs: ReadonlyMap<number, string>,
): RuleIssue[] {
  const issues: RuleIssue[] = [];
  for (const length of SUMMARY_LENGTHS) {
    summaries[length].forEach((sentence, i) => {
      sentence.paragraphs.forEach((n, j) => {
        issues.push(...checkParagraphExists('summaries', [length, i, 'paragraphs', j], n, paragraphs));
      });
    });
  }
  issues.push(...checkDetailedCoverage(summaries.detailed, paragraphs));
  return issues;
}

/** The detailed summary is one point per paragraph, so the bot can show it paragraph by paragraph. */
function checkDetailedCoverage(
  detailed: readonly SummarySentence[],
  paragraphs: ReadonlyMap<number, string>,
): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const coveredBy = new Map<number, number>();
  detailed.forEach((sentence, i) => {
    if (sentence.paragraphs.length !== 1) {
      issues.push(
        issue('summaries', ['detailed', i, 'paragraphs'], 'must name exactly one paragraph (one point per paragraph)'),
      );
    }
    sentence.paragraphs.forEach((n, j) => {
      const first = coveredBy.get(n);
      if (first === undefined) coveredBy.set(n, i);
      else {
        issues.push(
          issue(
            'summaries',
            ['detailed', i, 'paragraphs', j],
            `paragraph ${n} is already covered by detailed[${first}]`,
          ),
        );
      }
    });
  });
  for (const n of paragraphs.keys()) {
    if (!coveredBy.has(n)) issues.push(issue('summaries', ['detailed'], `does not cover paragraph ${n}`));
  }
  return issues;
}

function checkSummaryLengths(summaries: NonNullable<PackDraft['summaries']>): RuleIssue[] {
  return SUMMARY_LENGTHS.flatMap((length) => {
    const total = summaries[length].map((s) => s.text).join(' ').length;
    const max = SUMMARY_MAX[length];
    return total <= max
      ? []
      : [issue('summaries', [length], `is ${total} characters, at most ${max} (sentences joined by one space)`)];
  });
}

function checkHedges(claims: NonNullable<PackDraft['claims']>): RuleIssue[] {
  return claims.flatMap((claim, i) => {
    const quote = normaliseWhitespace(claim.quote);
    return claim.hedges.flatMap((hedge, j) =>
      quote.includes(normaliseWhitespace(hedge))
        ? []
        : [issue('claims', ['claims', i, 'hedges', j], `"${hedge}" not found in the claim's quote`)],
    );
  });
}

function checkClaimRefs(
  questions: NonNullable<PackDraft['questions']>,
  claims: NonNullable<PackDraft['claims']>,
): RuleIssue[] {
  const ids = new Set(claims.map((c) => c.id));
  return questions.flatMap((q, i) =>
    q.claims.flatMap((id, j) =>
      ids.has(id) ? [] : [issue('questions', ['questions', i, 'claims', j], `unknown claim id "${id}"`)],
    ),
  );
}

function checkQuizChoices(quiz: NonNullable<PackDraft['quiz']>): RuleIssue[] {
  const issues: RuleIssue[] = [];
  quiz.forEach((item, i) => {
    const first = new Map<string, number>();
    item.choices.forEach((choice, j) => {
      // Two buttons that differ only in case or spacing read as the same answer.
      const key = normaliseWhitespace(choice).toLowerCase();
      const seen = first.get(key);
      if (seen === undefined) first.set(key, j);
      else issues.push(issue('quiz', ['quiz', i, 'choices', j], `duplicate choice (same as choices[${seen}])`));
    });
    // Exact match: the quiz engine finds the right button by string equality.
    if (!item.choices.includes(item.answer)) {
      issues.push(issue('quiz', ['quiz', i, 'answer'], 'must be one of the choices'));
    }
    if (item.type === 'context' && item.sources.length === 0) {
      issues.push(issue('quiz', ['quiz', i, 'sources'], 'a context item must name at least one source'));
    }
  });
  return issues;
}

/** Above this share of items, "pick the longest choice" would pass the quiz (chance with 3-4 choices: 25-33%). */
export const MAX_LONGEST_ANSWER_SHARE = 0.35;

export interface LongestAnswerShare {
  readonly longest: number;
  readonly items: number;
}

/** How many items have the right answer as their one longest choice. */
export function longestAnswerShare(quiz: readonly { readonly choices: readonly string[]; readonly answer: string }[]) {
  const longest = quiz.filter((item) => {
    const lengths = item.choices.map((c) => normaliseWhitespace(c).length);
    const max = Math.max(...lengths);
    return normaliseWhitespace(item.answer).length === max && lengths.filter((l) => l === max).length === 1;
  }).length;
  return { longest, items: quiz.length } satisfies LongestAnswerShare;
}

export function describeLongestAnswerShare({ longest, items }: LongestAnswerShare): string {
  return `the answer is the longest choice in ${longest} of ${items} quiz items (${Math.round((100 * longest) / Math.max(items, 1))}%)`;
}

function checkLongestAnswerShare(quiz: NonNullable<PackDraft['quiz']>): RuleIssue[] {
  const share = longestAnswerShare(quiz);
  if (share.longest <= MAX_LONGEST_ANSWER_SHARE * share.items) return [];
  return [
    issue(
      'quiz',
      ['quiz'],
      `${describeLongestAnswerShare(share)}, more than ${MAX_LONGEST_ANSWER_SHARE * 100}%: a student could score by always picking the longest; lengthen a distractor or shorten the answer`,
    ),
  ];
}

function listNumbers(ns: readonly number[]): string {
  return ns.length <= 1 ? ns.join('') : `${ns.slice(0, -1).join(', ')} and ${ns[ns.length - 1]}`;
}

function issue(file: PackFileKey, path: RulePath, message: string): RuleIssue {
  return { file, path, message };
}
