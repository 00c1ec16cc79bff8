import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type APIEmbedField,
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  subtext,
} from 'discord.js';
import {
  KIND_LABEL,
  LENGTH_LABEL,
  LEVEL_LABEL,
  paragraphRef,
  THEME_LABEL,
  VERDICT_LABEL,
  VERDICT_MEANING,
} from '../../content/labels.js';
import type {
  CitedSource,
  Claim,
  ClaimKind,
  Level,
  Pack,
  Question,
  SummaryLength,
  Term,
  Theme,
} from '../../content/schema.js';
import { LIMITS, paginate, truncate } from '../../discord-kit/limits.js';
import type { MessageView } from '../../discord-kit/reply.js';
import { QUESTION_NEXT } from './buttons.js';

/**
 * Pure renderers for the reading commands: content in, Discord JSON out. The
 * commands do not call them per interaction: prepared.ts renders each view of
 * a pack once and serves that.
 */

export const COLOUR = 0x3b6ea5;
const PAGE_TEXT = 1500;
const CLAIMS_PER_PAGE = 8;

// Named here rather than by toLocaleDateString, whose first use maps ICU data
// into the process at start-up; the bot's text is English only.
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** `2023-09-15` -> `15 September 2023`; a date known only to the month or year reads as such. */
export function longDate(date: string): string {
  const [year, month, day] = date.split('-');
  const name = month === undefined ? undefined : MONTHS[Number(month) - 1];
  if (year === undefined || name === undefined) return date;
  return day === undefined ? `${name} ${year}` : `${Number(day)} ${name} ${year}`;
}

function dateLine(pack: Pack): string {
  const { date } = pack.article;
  const when = longDate(date.value);
  return date.kind === 'published' ? `Published ${when}` : `Event date ${when}`;
}

/** One cited source: its title (a link where there is an address), publisher and date, and what it is cited for. */
function sourceLine(source: CitedSource): string {
  const title = escapeMarkdown(source.title);
  const by = escapeMarkdown(
    source.date === undefined ? source.publisher : `${source.publisher}, ${longDate(source.date)}`,
  );
  const named = `${source.url ? `[${title}](${source.url})` : title} · ${by}`;
  return source.for === undefined ? named : `${named} · ${escapeMarkdown(source.for)}`;
}

const MAX_SOURCE_FIELDS = 3;

/**
 * The Sources fields: one line per source, whole lines only (a link is never cut in
 * half), spread over up to three fields, as a field holds only about four long links.
 * What still does not fit is counted on the last line.
 */
export function sourceFields(sources: readonly CitedSource[]): APIEmbedField[] {
  const lines = sources.map((s) => `• ${truncate(sourceLine(s), LIMITS.fieldValue - 2)}`);
  const values: string[] = [];
  let current = '';
  let shown = 0;
  for (const line of lines) {
    const next = current ? `${current}\n${line}` : line;
    if (next.length <= LIMITS.fieldValue) current = next;
    else if (values.length + 1 < MAX_SOURCE_FIELDS) {
      values.push(current);
      current = line;
    } else break;
    shown++;
  }
  const rest = lines.length - shown;
  if (rest > 0) {
    const more = `• and ${rest} more`;
    while (current.length + more.length + 1 > LIMITS.fieldValue) current = current.slice(0, current.lastIndexOf('\n'));
    current = `${current}\n${more}`;
  }
  if (current) values.push(current);
  return values.map((value, i) => ({ name: i === 0 ? 'Sources' : 'Sources (continued)', value }));
}

export function renderArticlePages(pack: Pack): MessageView[] {
  const { article } = pack;
  const blocks = article.paragraphs.map((p) => `**${p.n}** ${escapeMarkdown(p.text)}`);
  const pages = paginate(blocks, PAGE_TEXT);
  const source = article.source.url
    ? `[${escapeMarkdown(article.source.publication)}](${article.source.url})`
    : escapeMarkdown(article.source.publication);
  const meta = [
    `By ${escapeMarkdown(article.author)} · ${source}`,
    dateLine(pack),
    article.date.note ? subtext(escapeMarkdown(article.date.note)) : '',
  ]
    .filter(Boolean)
    .join('\n');
  return pages.map((text, i) => ({
    embeds: [
      {
        title: truncate(article.title, LIMITS.embedTitle),
        description: i === 0 ? `${meta}\n\n${text}` : text,
        color: COLOUR,
      },
    ],
  }));
}

export function renderSummary(pack: Pack, length: SummaryLength): MessageView {
  const sentences = pack.summaries[length];
  const body =
    length === 'detailed'
      ? sentences.map((s) => `• ${escapeMarkdown(s.text)} *(${paragraphRef(s.paragraphs)})*`).join('\n')
      : sentences.map((s) => `${escapeMarkdown(s.text)} *(${paragraphRef(s.paragraphs)})*`).join(' ');
  return {
    embeds: [
      {
        title: truncate(`${LENGTH_LABEL[length]} summary: ${pack.article.shortTitle}`, LIMITS.embedTitle),
        description: truncate(body, LIMITS.embedDescription),
        color: COLOUR,
        footer: { text: '¶ numbers are the article paragraphs each part covers. Read them with /article.' },
      },
    ],
  };
}

export function claimLine(claim: Claim): string {
  return `${KIND_LABEL[claim.kind]} · ${VERDICT_LABEL[claim.check.verdict]}\n**${escapeMarkdown(claim.claim)}** \`${claim.id}\``;
}

export function renderClaimPages(pack: Pack, kind: ClaimKind | null): MessageView[] {
  const claims = pack.claims.filter((c) => kind === null || c.kind === kind);
  if (claims.length === 0) {
    return [{ content: `No claims of the kind "${kind ? KIND_LABEL[kind] : ''}" in this article.` }];
  }
  const pages: Claim[][] = [];
  for (let i = 0; i < claims.length; i += CLAIMS_PER_PAGE) pages.push(claims.slice(i, i + CLAIMS_PER_PAGE));
  const title = truncate(
    `Claims in "${pack.article.shortTitle}"${kind ? `: ${KIND_LABEL[kind]}` : ''}`,
    LIMITS.embedTitle,
  );
  return pages.map((page) => ({
    embeds: [
      {
        title,
        description: truncate(page.map(claimLine).join('\n\n'), LIMITS.embedDescription),
        color: COLOUR,
        footer: {
          text: `${claims.length} claims · /claims show for the quote, the check and sources · /help explains each check`,
        },
      },
    ],
  }));
}

/**
 * Underlines hedging or loaded words in the quote: whole words only, the longer
 * of two overlapping hedges winning, then escaped for Discord's markdown.
 */
export function highlightHedges(quote: string, hedges: readonly string[]): string {
  const marked: { start: number; end: number }[] = [];
  for (const hedge of [...hedges].sort((a, b) => b.length - a.length)) {
    const pattern = new RegExp(
      `(?<![\\p{L}\\p{N}])${hedge.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`,
      'u',
    );
    const found = pattern.exec(quote);
    if (!found) continue;
    const range = { start: found.index, end: found.index + hedge.length };
    if (marked.every((m) => range.end <= m.start || range.start >= m.end)) marked.push(range);
  }
  marked.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const { start, end } of marked) {
    out += `${escapeMarkdown(quote.slice(at, start))}__**${escapeMarkdown(quote.slice(start, end))}**__`;
    at = end;
  }
  return out + escapeMarkdown(quote.slice(at));
}

export function renderClaim(pack: Pack, claim: Claim): MessageView {
  const meaning = `\n${subtext(`${VERDICT_LABEL[claim.check.verdict]}: ${VERDICT_MEANING[claim.check.verdict]}`)}`;
  const fields: APIEmbedField[] = [
    { name: 'Kind', value: KIND_LABEL[claim.kind], inline: true },
    { name: 'Said by', value: truncate(escapeMarkdown(claim.by), LIMITS.fieldValue), inline: true },
    { name: 'Paragraph', value: String(claim.paragraph), inline: true },
    {
      name: `Check: ${VERDICT_LABEL[claim.check.verdict]}`,
      // The verdict's meaning right under it, where a student meets the label.
      value: `${truncate(escapeMarkdown(claim.check.note), LIMITS.fieldValue - meaning.length)}${meaning}`,
    },
  ];
  fields.push(...sourceFields(claim.check.sources));
  const hedgeNote =
    claim.hedges.length > 0
      ? `\n${subtext(`Underlined: hedging or loaded words (${claim.hedges.map((h) => escapeMarkdown(h)).join(', ')})`)}`
      : '';
  return {
    embeds: [
      {
        title: truncate(claim.claim, LIMITS.embedTitle),
        description: truncate(`> ${highlightHedges(claim.quote, claim.hedges)}${hedgeNote}`, LIMITS.embedDescription),
        color: COLOUR,
        fields,
        footer: {
          text: truncate(`${claim.id} · checked ${claim.check.checked} · ${pack.article.shortTitle}`, LIMITS.footer),
        },
      },
    ],
  };
}

export function renderTerm(pack: Pack, term: Term): MessageView {
  const fields: APIEmbedField[] = [
    {
      name: `In the article (¶${term.paragraph})`,
      value: truncate(`> ${escapeMarkdown(term.quote)}`, LIMITS.fieldValue),
    },
  ];
  fields.push(...sourceFields(term.sources));
  return {
    embeds: [
      {
        title: truncate(term.term, LIMITS.embedTitle),
        description: truncate(escapeMarkdown(term.definition), LIMITS.embedDescription),
        color: COLOUR,
        fields,
        footer: { text: truncate(`Glossary · ${pack.article.shortTitle}`, LIMITS.footer) },
      },
    ],
  };
}

export function renderGlossaryPages(pack: Pack): MessageView[] {
  const blocks = pack.terms.map((t) => `**${escapeMarkdown(t.term)}**: ${escapeMarkdown(truncate(t.definition, 160))}`);
  return paginate(blocks, 2500, '\n').map((text) => ({
    embeds: [
      {
        title: truncate(`Glossary: ${pack.article.shortTitle}`, LIMITS.embedTitle),
        description: text,
        color: COLOUR,
        footer: { text: `${pack.terms.length} terms · /glossary term: for one in full` },
      },
    ],
  }));
}

export interface QuestionFilter {
  theme: Theme | null;
  level: Level | null;
}

/** The host's note on a question or claim, sent to the host alone; null when it has none. */
export function renderTeacherNote(noted: Pick<Question | Claim, 'teacherNote'>): MessageView | null {
  if (!noted.teacherNote) return null;
  return {
    content: `📝 **Teacher note** (only you can see this; the class does not)\n${escapeMarkdown(noted.teacherNote)}`,
  };
}

export function renderQuestion(
  pack: Pack,
  question: Question,
  filter: QuestionFilter,
  note: string | null,
): MessageView {
  return {
    ...(note ? { content: note } : {}),
    embeds: [questionEmbed(pack, question)],
    components: [questionRow(pack, filter)],
  };
}

/** The question itself: the same whatever filter drew it. */
export function questionEmbed(pack: Pack, question: Question): APIEmbed {
  const fields: APIEmbedField[] = [
    {
      name: question.followUps.length > 1 ? 'Follow-ups' : 'Follow-up',
      value: truncate(question.followUps.map((f) => `• ${escapeMarkdown(f)}`).join('\n'), LIMITS.fieldValue),
    },
    { name: 'Theme', value: THEME_LABEL[question.theme], inline: true },
    { name: 'Level', value: LEVEL_LABEL[question.level], inline: true },
  ];
  const claims = question.claims.flatMap((id) => pack.claims.filter((c) => c.id === id));
  const drawsOn = [
    ...claims.map((c) => `\`${c.id}\` ${escapeMarkdown(c.claim)}`),
    question.paragraphs.length > 0 ? `Article ${paragraphRef(question.paragraphs)}` : '',
  ].filter(Boolean);
  if (drawsOn.length > 0) fields.push({ name: 'Draws on', value: truncate(drawsOn.join('\n'), LIMITS.fieldValue) });
  return {
    title: 'Discussion question',
    description: truncate(`### ${escapeMarkdown(question.prompt)}`, LIMITS.embedDescription),
    color: COLOUR,
    fields,
    footer: { text: truncate(`${question.id} · ${pack.article.shortTitle}`, LIMITS.footer) },
  };
}

/** The "Another question" button, which draws again with the same filter. */
export function questionRow(pack: Pack, filter: QuestionFilter): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.Button,
        style: ButtonStyle.Primary,
        label: 'Another question',
        custom_id: QUESTION_NEXT.encode({ slug: pack.slug, theme: filter.theme ?? '-', level: filter.level ?? '-' }),
      },
    ],
  };
}

export function embedOf(title: string, description: string): APIEmbed {
  return {
    title: truncate(title, LIMITS.embedTitle),
    description: truncate(description, LIMITS.embedDescription),
    color: COLOUR,
  };
}
