import { type BaseMessageOptions, ButtonStyle, ComponentType, MessagePayload, Options } from 'discord.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { pagedMessage, pagedReply, withPager } from '../src/app/paging.js';
import { KIND_LABEL, VERDICT_LABEL, VERDICT_MEANING } from '../src/content/labels.js';
import {
  type CitedSource,
  CLAIM_KINDS,
  type Claim,
  LEVELS,
  type Pack,
  SUMMARY_LENGTHS,
  type Term,
  THEMES,
} from '../src/content/schema.js';
import { decodeId } from '../src/discord-kit/custom-id.js';
import { type MessageView, toMessage, toReply } from '../src/discord-kit/reply.js';
import {
  articlePages,
  claimPages,
  glossaryPages,
  preparedClaim,
  preparedSummary,
  preparedTerm,
  prepareReadingViews,
  questionReply,
  replyOf,
} from '../src/features/reading/prepared.js';
import {
  highlightHedges,
  renderArticlePages,
  renderClaim,
  renderClaimPages,
  renderGlossaryPages,
  renderQuestion,
  renderSummary,
  renderTerm,
  sourceFields,
} from '../src/features/reading/render.js';
import { buttonsOf, limitProblems, onlyEmbed } from './fixtures/message-limits.js';
import { loadRealPack, REAL_SLUG } from './fixtures/real-pack.js';

let pack: Pack;

const TASS_KREMLIN =
  '• [Russia, North Korea do not ink any agreements in wake of Putin-Kim meeting — Kremlin](https://tass.com/politics/1675603/amp) · TASS, 15 September 2023';
beforeAll(async () => {
  pack = await loadRealPack();
});

/** The longest owner part a pager id can carry: a 20-digit user id. */
const LONGEST_OWNER = '12345678901234567890';

/** The text a reader sees once Discord has rendered the markdown the views add. */
function plain(markdown: string): string {
  return markdown.replaceAll('__**', '').replaceAll('**__', '').replace(/\\(.)/g, '$1');
}

function claim(id: string): Claim {
  const found = pack.claims.find((c) => c.id === id);
  if (!found) throw new Error(`the real pack has no claim ${id}`);
  return found;
}

function term(id: string): Term {
  const found = pack.terms.find((t) => t.id === id);
  if (!found) throw new Error(`the real pack has no term ${id}`);
  return found;
}

/** Every page as the pager sends it (buttons and page count added), each checked against Discord's limits. */
function pagerProblems(pages: readonly MessageView[], action: string, args: string[]): string[] {
  return pages.flatMap((_, i) =>
    limitProblems(withPager(pages, i, action, LONGEST_OWNER, args)).map((p) => `page ${i + 1}: ${p}`),
  );
}

describe('the limit checker used below', () => {
  const long = (n: number) => 'x'.repeat(n);
  test.each([
    ['content over 2000', { content: long(2001) }, 'content is 2001 characters (max 2000)'],
    ['a title over 256', { embeds: [{ title: long(257) }] }, 'embeds[0].title is 257 characters (max 256)'],
    [
      'a description over 4096',
      { embeds: [{ description: long(4097) }] },
      'embeds[0].description is 4097 characters (max 4096)',
    ],
    [
      'a field value over 1024',
      { embeds: [{ title: 't', fields: [{ name: 'n', value: long(1025) }] }] },
      'embeds[0].fields[0].value is 1025 characters (max 1024)',
    ],
    [
      'an empty field value',
      { embeds: [{ title: 't', fields: [{ name: 'n', value: '' }] }] },
      'embeds[0].fields[0].value is empty',
    ],
    [
      '26 fields',
      { embeds: [{ title: 't', fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) }] },
      'embeds[0] has 26 fields (max 25)',
    ],
    [
      'embeds over 6000 in total',
      { embeds: [{ description: long(4000) }, { description: long(2001) }] },
      'embeds total 6001 characters (max 6000)',
    ],
    ['an empty message', { content: '' }, 'message is empty'],
    [
      'a button label over 80',
      {
        content: 'c',
        components: [
          {
            type: ComponentType.ActionRow,
            components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, label: long(81), custom_id: 'a' }],
          },
        ],
      },
      'row 0 component 0 label is 81 characters (max 80)',
    ],
    [
      'a custom id over 100',
      {
        content: 'c',
        components: [
          {
            type: ComponentType.ActionRow,
            components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, label: 'l', custom_id: long(101) }],
          },
        ],
      },
      'row 0 component 0 custom_id is 101 characters (max 100)',
    ],
  ] satisfies [string, MessageView, string][])('GIVEN %s THEN it is reported', (_, view, problem) => {
    expect(limitProblems(view)).toContain(problem);
  });
});

describe('/article', () => {
  test('GIVEN the real article THEN page 1 opens with the byline, the date and its note', () => {
    const first = onlyEmbed(renderArticlePages(pack)[0] ?? {});
    expect(first.title).toBe(pack.article.title);
    expect(first.description?.split('\n').slice(0, 3)).toEqual([
      'By Akbar Novruz · Unknown publication (as supplied to Roundtable)',
      'Event date 13 September 2023',
      `-# ${pack.article.date.note}`,
    ]);
  });

  test('GIVEN the real article THEN every paragraph is shown once, in order, with its number', () => {
    const text = renderArticlePages(pack)
      .map((page) => onlyEmbed(page).description ?? '')
      .join('\n\n');
    const unescaped = text.replace(/\\(.)/g, '$1');
    let from = 0;
    for (const paragraph of pack.article.paragraphs) {
      const shown = `**${paragraph.n}** ${paragraph.text}`;
      expect(unescaped.split(shown), `paragraph ${paragraph.n}`).toHaveLength(2);
      const at = unescaped.indexOf(shown);
      expect(at, `paragraph ${paragraph.n}`).toBeGreaterThan(from);
      from = at;
    }
  });

  test('GIVEN every page of the real article THEN each fits Discord, buttons and page count included', () => {
    expect(pagerProblems(renderArticlePages(pack), 'article-page', [REAL_SLUG])).toEqual([]);
  });

  test('GIVEN an article too long for one page THEN it is paged, and no page is over the limits', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => ({ n: i + 1, text: `${'Word '.repeat(700)}end.` }));
    const long: Pack = { ...pack, article: { ...pack.article, paragraphs } };
    const pages = renderArticlePages(long);
    expect(pages.length).toBeGreaterThan(1);
    expect(pagerProblems(pages, 'article-page', [REAL_SLUG])).toEqual([]);
    const second = withPager(pages, 1, 'article-page', '0', [REAL_SLUG]);
    expect(onlyEmbed(second).footer?.text).toBe(`Page 2 of ${pages.length}`);
  });
});

describe('/summary', () => {
  test('GIVEN the brief summary THEN each sentence shows the paragraphs it covers', () => {
    const embed = onlyEmbed(renderSummary(pack, 'brief'));
    expect(embed.title).toBe(`Brief summary: ${pack.article.shortTitle}`);
    // The pack's own sentences, each followed by its paragraph references.
    const [first, second] = pack.summaries.brief;
    expect(embed.description).toBe(
      `${first?.text} *(¶${first?.paragraphs.join(', ')})* ${second?.text} *(¶${second?.paragraphs.join(', ')})*`,
    );
    expect(pack.summaries.brief).toHaveLength(2);
    expect(embed.description).toMatch(/^Akbar Novruz reports .* \*\(¶1, 2\)\* The author argues/);
    expect(embed.footer?.text).toBe('¶ numbers are the article paragraphs each part covers. Read them with /article.');
  });

  test('GIVEN the detailed summary THEN one bullet per sentence, each with its ¶ refs', () => {
    const lines = onlyEmbed(renderSummary(pack, 'detailed')).description?.split('\n') ?? [];
    expect(lines).toHaveLength(pack.summaries.detailed.length);
    for (const [i, sentence] of pack.summaries.detailed.entries()) {
      expect(lines[i]?.startsWith('• ')).toBe(true);
      expect(lines[i]?.endsWith(`*(¶${sentence.paragraphs.join(', ')})*`)).toBe(true);
    }
  });

  test.each(SUMMARY_LENGTHS)('GIVEN the %s summary THEN all of it is shown and it fits Discord', (length) => {
    const view = renderSummary(pack, length);
    expect(limitProblems(view)).toEqual([]);
    const description = plain(onlyEmbed(view).description ?? '');
    for (const sentence of pack.summaries[length]) expect(description).toContain(sentence.text);
  });
});

describe('/claims list', () => {
  test('GIVEN all claims THEN pages of 8 list every claim once with its kind, verdict and id', () => {
    const pages = renderClaimPages(pack, null);
    expect(pages).toHaveLength(Math.ceil(pack.claims.length / 8));
    const text = pages.map((p) => onlyEmbed(p).description ?? '').join('\n\n');
    for (const c of pack.claims) {
      expect(text.split(`\`${c.id}\``)).toHaveLength(2);
      expect(text).toContain(`${KIND_LABEL[c.kind]} · ${VERDICT_LABEL[c.check.verdict]}\n**`);
    }
    expect(onlyEmbed(pages[0] ?? {}).footer?.text).toBe(
      `${pack.claims.length} claims · /claims show for the quote, the check and sources · /help explains each check`,
    );
  });

  test('GIVEN the first real claim THEN its line reads as a student sees it', () => {
    const description = onlyEmbed(renderClaimPages(pack, null)[0] ?? {}).description ?? '';
    expect(description.split('\n\n')[0]).toBe(
      "📰 Reported fact · ✅ Supported\n**Kim Jong Un visited Russia at Vladimir Putin's invitation.** `visit-at-putin-invitation`",
    );
  });

  test.each(CLAIM_KINDS)('GIVEN the kind %s THEN only claims of that kind, and the title names it', (kind) => {
    const pages = renderClaimPages(pack, kind);
    const wanted = pack.claims.filter((c) => c.kind === kind);
    expect(wanted.length).toBeGreaterThan(0);
    const text = pages.map((p) => onlyEmbed(p).description ?? '').join('\n\n');
    for (const c of pack.claims) expect(text.includes(`\`${c.id}\``)).toBe(c.kind === kind);
    expect(onlyEmbed(pages[0] ?? {}).title).toBe(`Claims in "${pack.article.shortTitle}": ${KIND_LABEL[kind]}`);
  });

  test('GIVEN a kind with no claims THEN a sentence says so instead of an empty list', () => {
    const withoutOpinions: Pack = { ...pack, claims: pack.claims.filter((c) => c.kind !== 'opinion') };
    expect(renderClaimPages(withoutOpinions, 'opinion')).toEqual([
      { content: 'No claims of the kind "💬 Opinion" in this article.' },
    ]);
  });

  test.each([null, ...CLAIM_KINDS])('GIVEN the list for %s THEN every page fits Discord, pager included', (kind) => {
    expect(pagerProblems(renderClaimPages(pack, kind), 'claims-page', [REAL_SLUG, kind ?? 'all'])).toEqual([]);
  });
});

describe('/claims show', () => {
  test('GIVEN a real claim with sources THEN quote, verdict and sources as links are shown', () => {
    const shown = claim('visit-at-putin-invitation');
    const embed = onlyEmbed(renderClaim(pack, shown));
    expect(embed.title).toBe("Kim Jong Un visited Russia at Vladimir Putin's invitation.");
    expect(embed.description).toBe(
      '> North Korean leader Kim Jong Un visited Russia at the invitation of his counterpart Vladimir Putin',
    );
    expect(embed.fields?.map((f) => f.name)).toEqual([
      'Kind',
      'Said by',
      'Paragraph',
      'Check: ✅ Supported',
      'Sources',
      'Sources (continued)',
    ]);
    expect(embed.fields?.slice(0, 3).map((f) => f.value)).toEqual(['📰 Reported fact', 'the author', '1']);
    // The sources are editorial and change with each review; the test pins how they are shown.
    expect(shown.check.sources.length).toBeGreaterThan(1);
    const lines = [embed.fields?.[4]?.value, embed.fields?.[5]?.value].join('\n').split('\n');
    expect(lines).toHaveLength(shown.check.sources.length);
    // Title as a link, publisher and date, and what the source is cited for where the citation says.
    expect(lines[0]).toBe(TASS_KREMLIN);
    expect(lines[1]).toBe(
      "• [Report that Kim's train left Pyongyang on 10 September and reached Russia](https://pledgetimes.com/kim-jong-un-arrived-in-russia/) · RIA Novosti via pledgetimes, 12 September 2023 · train left Pyongyang on 10 Sep",
    );
    expect(embed.footer?.text).toBe(
      `visit-at-putin-invitation · checked ${shown.check.checked} · ${pack.article.shortTitle}`,
    );
  });

  test('GIVEN a real claim with hedges THEN they are underlined in the quote and named below it', () => {
    const embed = onlyEmbed(renderClaim(pack, claim('old-allies-isolated-by-west')));
    expect(embed.description).toBe(
      '> the two old allies, __**isolated by the West**__, have been __**forced**__ to come together again\n' +
        '-# Underlined: hedging or loaded words (isolated by the West, forced)',
    );
    expect(embed.fields?.find((f) => f.name.startsWith('Check:'))?.name).toBe('Check: 🟨 Partly supported');
  });

  test('GIVEN a real claim without sources THEN there is no empty Sources field', () => {
    const embed = onlyEmbed(renderClaim(pack, claim('relations-were-needed')));
    expect(embed.fields?.map((f) => f.name)).not.toContain('Sources');
  });

  test('GIVEN every real claim THEN quote, hedges, verdict and every source are shown, within limits', () => {
    for (const c of pack.claims) {
      const view = renderClaim(pack, c);
      expect(limitProblems(view), c.id).toEqual([]);
      const embed = onlyEmbed(view);
      expect(plain(embed.description ?? ''), c.id).toContain(`> ${c.quote}`);
      expect(embed.description?.split('__**').length, c.id).toBe(c.hedges.length + 1);
      const unescaped = (embed.description ?? '').replace(/\\(.)/g, '$1');
      for (const hedge of c.hedges) expect(unescaped, c.id).toContain(`__**${hedge}**__`);
      expect(
        embed.fields?.map((f) => f.name),
        c.id,
      ).toContain(`Check: ${VERDICT_LABEL[c.check.verdict]}`);
      const check = embed.fields?.find((f) => f.name.startsWith('Check: '))?.value ?? '';
      // The verdict is explained on the line under the note.
      expect(check.split('\n').at(-1), c.id).toBe(
        `-# ${VERDICT_LABEL[c.check.verdict]}: ${VERDICT_MEANING[c.check.verdict]}`,
      );
      const sources = (embed.fields ?? [])
        .filter((f) => f.name.startsWith('Sources'))
        .map((f) => f.value)
        .join('\n');
      expect(sources === '' ? [] : sources.split('\n'), c.id).toHaveLength(c.check.sources.length);
      for (const s of c.check.sources) {
        expect(sources, c.id).toContain(s.url ? `](${s.url}) · ${s.publisher}` : `${s.title} · ${s.publisher}`);
        if (s.date) expect(sources, c.id).toContain(s.date.slice(0, 4));
      }
    }
  });

  test('GIVEN markdown characters in a quote THEN they are escaped and the hedge is still underlined', () => {
    expect(highlightHedges('Russia may *perhaps* help', ['perhaps'])).toBe('Russia may \\*__**perhaps**__\\* help');
  });
});

describe('sources', () => {
  const source = (n: number, more: Partial<CitedSource> = {}): CitedSource => ({
    id: `s-${n}`,
    title: `Report number ${n} on *the* talks`,
    publisher: 'Example News',
    url: `https://example.org/news/${n}/${'x'.repeat(150)}`,
    ...more,
  });

  test('GIVEN a source known only by month, one by year and one without address THEN each line says what is known', () => {
    expect(
      sourceFields([
        source(1, { date: '2023-10' }),
        source(2, { date: '2016', for: 'the vote' }),
        source(3, { url: undefined }),
      ]).map((f) => [f.name, f.value.split('\n')]),
    ).toEqual([
      [
        'Sources',
        [
          `• [Report number 1 on \\*the\\* talks](${source(1).url}) · Example News, October 2023`,
          `• [Report number 2 on \\*the\\* talks](${source(2).url}) · Example News, 2016 · the vote`,
          '• Report number 3 on \\*the\\* talks · Example News',
        ],
      ],
    ]);
  });

  test('GIVEN more sources than a field holds THEN they go on in more fields, whole lines only, the rest counted', () => {
    const fields = sourceFields(Array.from({ length: 20 }, (_, i) => source(i + 1)));
    expect(fields.map((f) => f.name)).toEqual(['Sources', 'Sources (continued)', 'Sources (continued)']);
    const lines = fields.flatMap((f) => f.value.split('\n'));
    for (const f of fields) expect(f.value.length).toBeLessThanOrEqual(1024);
    expect(lines.at(-1)).toBe(`• and ${20 - (lines.length - 1)} more`);
    lines.slice(0, -1).forEach((line, i) => {
      expect(line).toBe(`• [Report number ${i + 1} on \\*the\\* talks](${source(i + 1).url}) · Example News`);
    });
  });

  test('GIVEN no sources THEN there is no Sources field', () => {
    expect(sourceFields([])).toEqual([]);
  });
});

describe('/glossary', () => {
  test('GIVEN a real term THEN its definition, the article quote with ¶ and its sources are shown', () => {
    const kim = term('kim-jong-un');
    const embed = onlyEmbed(renderTerm(pack, kim));
    expect(embed.title).toBe('Kim Jong Un');
    expect(embed.description).toBe(kim.definition);
    // The sources are editorial and change with each review; the test pins how they are shown.
    expect(kim.sources.length).toBeGreaterThan(1);
    expect(embed.fields).toEqual([
      { name: 'In the article (¶1)', value: '> North Korean leader Kim Jong Un' },
      {
        name: 'Sources',
        value: [
          TASS_KREMLIN,
          '• [Report on the Putin-Kim summit at the Vostochny Cosmodrome](https://www.unionleader.com/news/military/putin-and-north-koreas-kim-discuss-military-matters-ukraine-war-and-satellites/article_2a593c8a-44e9-53e0-87af-4a7b50d19a68.html) · Reuters via New Hampshire Union Leader, 13 September 2023',
        ].join('\n'),
      },
    ]);
  });

  test('GIVEN every real term THEN it fits Discord and shows its definition and quote', () => {
    for (const t of pack.terms) {
      const view = renderTerm(pack, t);
      expect(limitProblems(view), t.id).toEqual([]);
      const embed = onlyEmbed(view);
      expect(plain(embed.description ?? ''), t.id).toBe(t.definition);
      expect(embed.fields?.[0]?.name, t.id).toBe(`In the article (¶${t.paragraph})`);
    }
  });

  test('GIVEN the term list THEN every term is listed once in bold, and every page fits Discord', () => {
    const pages = renderGlossaryPages(pack);
    const text = pages.map((p) => onlyEmbed(p).description ?? '').join('\n');
    for (const t of pack.terms)
      expect(text.split('\n').filter((line) => line.startsWith(`**${t.term}**: `))).toHaveLength(1);
    expect(onlyEmbed(pages[0] ?? {}).footer?.text).toBe(`${pack.terms.length} terms · /glossary term: for one in full`);
    expect(pagerProblems(pages, 'glossary-page', [REAL_SLUG])).toEqual([]);
  });
});

describe('/question', () => {
  test('GIVEN a real question drawing on claims THEN prompt, follow-ups, labels and sources of it are shown', () => {
    const question = pack.questions.find((q) => q.id === 'what-each-side-wants');
    if (!question) throw new Error('the real pack has no question what-each-side-wants');
    const view = renderQuestion(pack, question, { theme: 'motives', level: null }, null);
    const embed = onlyEmbed(view);
    expect(view.content).toBeUndefined();
    expect(embed.title).toBe('Discussion question');
    expect(embed.description).toBe(`### ${question.prompt}`);
    expect(embed.fields?.map((f) => [f.name, f.value.split('\n').length])).toEqual([
      ['Follow-ups', question.followUps.length],
      ['Theme', 1],
      ['Level', 1],
      ['Draws on', question.claims.length + 1],
    ]);
    expect(embed.fields?.slice(1, 3).map((f) => f.value)).toEqual(['Motives', 'Recall']);
    expect(embed.fields?.[3]?.value.split('\n').at(-1)).toBe(`Article ¶${question.paragraphs.join(', ')}`);
    expect(buttonsOf(view)).toEqual([
      {
        label: 'Another question',
        customId: `question-next:${REAL_SLUG}:motives:-`,
        disabled: false,
        style: ButtonStyle.Primary,
      },
    ]);
  });

  test("GIVEN real questions with a teacher note THEN no part of the note reaches the students' view", () => {
    const noted = pack.questions.filter((q) => q.teacherNote !== undefined);
    expect(noted.length).toBeGreaterThan(0);
    for (const question of noted) {
      const shown = JSON.stringify(renderQuestion(pack, question, { theme: null, level: null }, null));
      // Any run of eight words from the note would mean it leaked into the public message.
      const words = (question.teacherNote ?? '').split(/\s+/);
      for (let i = 0; i + 8 <= words.length; i += 4) {
        expect(shown, question.id).not.toContain(words.slice(i, i + 8).join(' '));
      }
    }
  });

  test('GIVEN a note THEN it is shown above the question', () => {
    const question = pack.questions[0];
    if (!question) throw new Error('the real pack has no questions');
    const note = 'Every question has been used once; starting a new round of them.';
    expect(renderQuestion(pack, question, { theme: null, level: null }, note).content).toBe(note);
  });

  test('GIVEN every real question and the longest filters THEN each fits Discord and its button decodes', () => {
    const longestTheme = [...THEMES].sort((a, b) => b.length - a.length)[0] ?? null;
    const longestLevel = [...LEVELS].sort((a, b) => b.length - a.length)[0] ?? null;
    for (const question of pack.questions) {
      for (const filter of [
        { theme: null, level: null },
        { theme: longestTheme, level: longestLevel },
      ]) {
        const view = renderQuestion(pack, question, filter, 'A note.');
        expect(limitProblems(view), question.id).toEqual([]);
        const [button] = buttonsOf(view);
        expect(decodeId(button?.customId ?? ''), question.id).toEqual({
          action: 'question-next',
          args: [REAL_SLUG, filter.theme ?? '-', filter.level ?? '-'],
        });
      }
    }
  });
});

describe('highlightHedges with overlapping and embedded words', () => {
  test.each([
    ['Russia could possibly help', ['could', 'could possibly'], 'Russia __**could possibly**__ help'],
    ['It is said that it was so', ['said', 'is said'], 'It __**is said**__ that it was so'],
    ['American officials can help', ['can'], 'American officials __**can**__ help'],
    ['No hedge here', ['maybe'], 'No hedge here'],
  ])('GIVEN %s with %j THEN %s', (quote, hedges, expected) => {
    expect(highlightHedges(quote, hedges)).toBe(expected);
  });
});

describe('prepared payloads: rendered once, sent exactly as the renderers would be', () => {
  const target = { client: { options: Options.createDefault() } };
  /** The JSON discord.js sends for these options, byte for byte. */
  const sent = (options: BaseMessageOptions): string =>
    JSON.stringify(new MessagePayload(target as never, options).resolveBody().body);
  const both = [false, true] as const;
  const owners = ['0', LONGEST_OWNER] as const;

  test.each(SUMMARY_LENGTHS)(
    'GIVEN the %s summary THEN the prepared reply sends what toReply(renderSummary) did',
    (length) => {
      for (const ephemeral of both) {
        expect(sent(replyOf(preparedSummary(pack, length), ephemeral))).toBe(
          sent(toReply(renderSummary(pack, length), ephemeral)),
        );
      }
    },
  );

  test('GIVEN every real claim and term THEN the prepared reply sends what the renderer did', () => {
    for (const ephemeral of both) {
      for (const c of pack.claims) {
        expect(sent(replyOf(preparedClaim(pack, c), ephemeral)), c.id).toBe(
          sent(toReply(renderClaim(pack, c), ephemeral)),
        );
      }
      for (const t of pack.terms) {
        expect(sent(replyOf(preparedTerm(pack, t), ephemeral)), t.id).toBe(
          sent(toReply(renderTerm(pack, t), ephemeral)),
        );
      }
    }
  });

  const paged: [string, string, (p: Pack) => readonly MessageView[], (p: Pack) => MessageView[], string[]][] = [
    ['article', 'article-page', articlePages, renderArticlePages, [REAL_SLUG]],
    ['glossary', 'glossary-page', glossaryPages, renderGlossaryPages, [REAL_SLUG]],
    ['claims', 'claims-page', (p) => claimPages(p, null), (p) => renderClaimPages(p, null), [REAL_SLUG, 'all']],
    ...CLAIM_KINDS.map(
      (kind): [string, string, (p: Pack) => readonly MessageView[], (p: Pack) => MessageView[], string[]] => [
        `claims of kind ${kind}`,
        'claims-page',
        (p) => claimPages(p, kind),
        (p) => renderClaimPages(p, kind),
        [REAL_SLUG, kind],
      ],
    ),
  ];
  test.each(paged)(
    'GIVEN every page of the %s list, public and private THEN it sends what withPager and toReply did',
    (_, action, prepared, render, args) => {
      const pages = render(pack);
      for (let page = -1; page <= pages.length; page++) {
        for (const owner of owners) {
          const old = withPager(pages, page, action, owner, args);
          for (const ephemeral of both) {
            expect(sent(pagedReply(prepared(pack), page, action, owner, args, ephemeral)), `page ${page}`).toBe(
              sent(toReply(old, ephemeral)),
            );
          }
          expect(sent(pagedMessage(prepared(pack), page, action, owner, args))).toBe(sent(toMessage(old)));
        }
      }
    },
  );

  test('GIVEN a kind with no claims THEN the prepared list sends the same sentence', () => {
    const withoutOpinions: Pack = { ...pack, claims: pack.claims.filter((c) => c.kind !== 'opinion') };
    const args = [REAL_SLUG, 'opinion'];
    expect(sent(pagedReply(claimPages(withoutOpinions, 'opinion'), 0, 'claims-page', '0', args, false))).toBe(
      sent(toReply(withPager(renderClaimPages(withoutOpinions, 'opinion'), 0, 'claims-page', '0', args), false)),
    );
  });

  test('GIVEN every real question, filter and note THEN the prepared reply sends what renderQuestion did', () => {
    const filters = [
      { theme: null, level: null },
      ...THEMES.map((theme) => ({ theme, level: null })),
      ...LEVELS.map((level) => ({ theme: null, level })),
      { theme: THEMES[0], level: LEVELS[0] },
    ];
    for (const question of pack.questions) {
      for (const filter of filters) {
        for (const note of [null, 'A note.']) {
          expect(sent(questionReply(pack, question, filter, note)), question.id).toBe(
            sent(toReply(renderQuestion(pack, question, filter, note), false)),
          );
        }
      }
    }
  });

  test('GIVEN a view asked for twice THEN it is rendered once and its JSON is frozen', () => {
    const [first] = pack.claims;
    if (!first) throw new Error('the real pack has no claims');
    expect(preparedClaim(pack, first)).toBe(preparedClaim(pack, first));
    expect(preparedSummary(pack, 'brief')).toBe(preparedSummary(pack, 'brief'));
    expect(articlePages(pack)).toBe(articlePages(pack));
    expect(Object.isFrozen(preparedClaim(pack, first).embeds[0]?.toJSON())).toBe(true);
    const [question] = pack.questions;
    if (!question) throw new Error('the real pack has no questions');
    const a = questionReply(pack, question, { theme: null, level: null }, null);
    const b = questionReply(pack, question, { theme: null, level: null }, 'A note.');
    expect(a.embeds?.[0]).toBe(b.embeds?.[0]);
    expect(a.components?.[0]).toBe(b.components?.[0]);
  });

  test('GIVEN one prepared payload sent many times THEN every send is the same (discord.js changes no shared part)', () => {
    const once = sent(pagedReply(glossaryPages(pack), 1, 'glossary-page', '0', [REAL_SLUG], false));
    for (let i = 0; i < 3; i++) {
      expect(sent(pagedReply(glossaryPages(pack), 1, 'glossary-page', '0', [REAL_SLUG], false))).toBe(once);
      expect(sent(replyOf(preparedSummary(pack, 'standard'), true))).toBe(
        sent(toReply(renderSummary(pack, 'standard'), true)),
      );
    }
  });

  test('GIVEN prepareReadingViews THEN every view is ready and unchanged', () => {
    prepareReadingViews(pack);
    expect(sent(replyOf(preparedSummary(pack, 'detailed'), false))).toBe(
      sent(toReply(renderSummary(pack, 'detailed'), false)),
    );
  });
});
