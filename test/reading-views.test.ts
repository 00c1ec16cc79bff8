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
import {
  articleProblems,
  claimListProblems,
  claimProblems,
  glossaryProblems,
  LONGEST_OWNER,
  pagerProblems,
  questionProblems,
  summaryProblems,
} from './fixtures/content-properties.js';
import { byId, FIXTURE_SLUG, loadFixturePack } from './fixtures/fixture-pack.js';
import { buttonsOf, limitProblems, onlyEmbed } from './fixtures/message-limits.js';

let pack: Pack;

beforeAll(async () => {
  pack = await loadFixturePack();
});

function claim(id: string): Claim {
  return byId(pack.claims, id);
}

function term(id: string): Term {
  return byId(pack.terms, id);
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
  test('GIVEN the fixture article THEN page 1 opens with the byline, the publication linked and the date', () => {
    const first = onlyEmbed(renderArticlePages(pack)[0] ?? {});
    expect(first.title).toBe('Harbour town votes to keep its lighthouse lit');
    expect(first.description?.split('\n').slice(0, 4)).toEqual([
      'By Ada Quill · [The Example Gazette](https://example.org/harbour-vote)',
      'Published 5 March 2024',
      '',
      '**1** The council of Port Ellery voted 7 to 2 on Tuesday to keep the old lighthouse lit for another ten years, the mayor said.',
    ]);
  });

  test('GIVEN an undated article from a source without an address THEN the event date and its note are shown', () => {
    const undated: Pack = {
      ...pack,
      article: {
        ...pack.article,
        source: { publication: 'Unknown publication (as supplied to Roundtable)' },
        date: { value: '2024-03-05', kind: 'event', note: 'The article is undated; this is the day of the vote.' },
      },
    };
    expect(
      onlyEmbed(renderArticlePages(undated)[0] ?? {})
        .description?.split('\n')
        .slice(0, 4),
    ).toEqual([
      'By Ada Quill · Unknown publication (as supplied to Roundtable)',
      'Event date 5 March 2024',
      '-# The article is undated; this is the day of the vote.',
      '',
    ]);
  });

  test('GIVEN the fixture article THEN every paragraph is shown once, in order, and every page fits with its pager', () => {
    expect(articleProblems(pack)).toEqual([]);
  });

  test('GIVEN an article too long for one page THEN it is paged, and no page is over the limits', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => ({ n: i + 1, text: `${'Word '.repeat(700)}end.` }));
    const long: Pack = { ...pack, article: { ...pack.article, paragraphs } };
    const pages = renderArticlePages(long);
    expect(pages.length).toBeGreaterThan(1);
    expect(pagerProblems(pages, 'article-page', [FIXTURE_SLUG])).toEqual([]);
    const second = withPager(pages, 1, 'article-page', '0', [FIXTURE_SLUG]);
    expect(onlyEmbed(second).footer?.text).toBe(`Page 2 of ${pages.length}`);
  });
});

describe('/summary', () => {
  test('GIVEN the brief summary THEN its sentence shows the paragraphs it covers', () => {
    const embed = onlyEmbed(renderSummary(pack, 'brief'));
    expect(embed.title).toBe('Brief summary: The harbour lighthouse vote');
    expect(embed.description).toBe(
      "Port Ellery's council voted to keep its old lighthouse lit for ten more years, despite its cost. *(¶1, 2)*",
    );
    expect(embed.footer?.text).toBe('¶ numbers are the article paragraphs each part covers. Read them with /article.');
  });

  test('GIVEN the standard summary THEN its sentences run on, each followed by its ¶ refs', () => {
    expect(onlyEmbed(renderSummary(pack, 'standard')).description).toBe(
      "Port Ellery's council voted 7 to 2 to keep the old lighthouse lit for another ten years. *(¶1)* " +
        'Opponents pointed to its yearly cost and to satellite navigation; supporters to tourism and identity. *(¶2, 3)*',
    );
  });

  test('GIVEN the detailed summary THEN one bullet per paragraph, each with its ¶ ref', () => {
    const lines = onlyEmbed(renderSummary(pack, 'detailed')).description?.split('\n') ?? [];
    expect(lines).toHaveLength(8);
    expect(lines[0]).toBe(
      '• The council of Port Ellery voted 7 to 2 to keep the lighthouse lit for another ten years. *(¶1)*',
    );
    expect(lines.map((line) => line.match(/\*\(¶(\d+)\)\*$/)?.[1])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
  });

  test('GIVEN every summary of the fixture THEN all of it is shown and it fits Discord', () => {
    expect(summaryProblems(pack)).toEqual([]);
  });
});

describe('/claims list', () => {
  test('GIVEN all 13 claims THEN two pages of 8 list every claim once with its kind, verdict and id', () => {
    const pages = renderClaimPages(pack, null);
    expect(pages).toHaveLength(2);
    expect(pages.map((p) => onlyEmbed(p).description?.split('\n\n').length)).toEqual([8, 5]);
    const text = pages.map((p) => onlyEmbed(p).description ?? '').join('\n\n');
    for (const c of pack.claims) {
      expect(text.split(`\`${c.id}\``)).toHaveLength(2);
      expect(text).toContain(`${KIND_LABEL[c.kind]} · ${VERDICT_LABEL[c.check.verdict]}\n**`);
    }
    expect(onlyEmbed(pages[0] ?? {}).footer?.text).toBe(
      `13 claims · /claims show for the quote, the check and sources · /help explains each check`,
    );
  });

  test('GIVEN the first claims THEN their lines read as a student sees them', () => {
    const description = onlyEmbed(renderClaimPages(pack, null)[0] ?? {}).description ?? '';
    expect(description.split('\n\n').slice(0, 2)).toEqual([
      '📰 Reported fact · ✅ Supported\n**The council voted 7 to 2 to keep the lighthouse lit.** `vote-result`',
      '🗣️ Attributed claim · 🟨 Partly supported\n**The light costs about 40,000 euros a year.** `light-cost`',
    ]);
  });

  test.each(CLAIM_KINDS)('GIVEN the kind %s THEN only claims of that kind, and the title names it', (kind) => {
    const pages = renderClaimPages(pack, kind);
    const wanted = pack.claims.filter((c) => c.kind === kind);
    expect(wanted.length).toBeGreaterThan(0);
    const text = pages.map((p) => onlyEmbed(p).description ?? '').join('\n\n');
    for (const c of pack.claims) expect(text.includes(`\`${c.id}\``)).toBe(c.kind === kind);
    expect(onlyEmbed(pages[0] ?? {}).title).toBe(`Claims in "The harbour lighthouse vote": ${KIND_LABEL[kind]}`);
  });

  test('GIVEN a kind with no claims THEN a sentence says so instead of an empty list', () => {
    const withoutOpinions: Pack = { ...pack, claims: pack.claims.filter((c) => c.kind !== 'opinion') };
    expect(renderClaimPages(withoutOpinions, 'opinion')).toEqual([
      { content: 'No claims of the kind "💬 Opinion" in this article.' },
    ]);
  });

  test('GIVEN the list, whole and by kind THEN every page fits Discord, pager included', () => {
    expect(claimListProblems(pack)).toEqual([]);
  });
});

describe('/claims show', () => {
  test('GIVEN a claim with sources THEN quote, verdict with its meaning, and sources as links are shown', () => {
    const embed = onlyEmbed(renderClaim(pack, claim('built-in-1871')));
    expect(embed.title).toBe('The lighthouse was built in 1871.');
    expect(embed.description).toBe('> The lighthouse was built in 1871');
    expect(embed.fields?.map((f) => [f.name, f.value])).toEqual([
      ['Kind', '📰 Reported fact'],
      ['Said by', 'The Example Gazette'],
      ['Paragraph', '4'],
      [
        'Check: ✅ Supported',
        "The town's heritage register and the national list of lights both give 1871 as the year the tower was finished.\n" +
          `-# ✅ Supported: ${VERDICT_MEANING.supported}`,
      ],
      [
        'Sources',
        '• [Port Ellery heritage register, entry 112](https://example.org/heritage-register/112) · Port Ellery town council\n' +
          '• [National list of lights, 2020 edition](https://example.org/list-of-lights) · Example Maritime Office, 2020',
      ],
    ]);
    expect(embed.footer?.text).toBe('built-in-1871 · checked 2024-03-10 · The harbour lighthouse vote');
  });

  test('GIVEN a source without an address THEN it is listed by its title alone', () => {
    const embed = onlyEmbed(renderClaim(pack, claim('keeper-retired-1987')));
    expect(embed.fields?.find((f) => f.name === 'Sources')?.value).toBe(
      '• Port Ellery parish newsletter, spring 1989 · Port Ellery parish, 1989',
    );
    expect(embed.fields?.find((f) => f.name.startsWith('Check:'))?.name).toBe('Check: ❌ Contradicted');
  });

  test('GIVEN a claim with hedges THEN they are underlined in the quote and named below it', () => {
    const embed = onlyEmbed(renderClaim(pack, claim('image-over-shipping')));
    expect(embed.description).toBe(
      "> __**believe**__ the light is __**likely to**__ matter more for the town's image than for shipping\n" +
        '-# Underlined: hedging or loaded words (believe, likely to)',
    );
    expect(embed.fields?.find((f) => f.name.startsWith('Check:'))?.name).toBe('Check: 🟨 Partly supported');
  });

  test('GIVEN a claim without sources THEN there is no empty Sources field', () => {
    const embed = onlyEmbed(renderClaim(pack, claim('light-cost')));
    expect(embed.fields?.map((f) => f.name)).toEqual(['Kind', 'Said by', 'Paragraph', 'Check: 🟨 Partly supported']);
  });

  test("GIVEN a claim with a teacher note THEN no part of the note reaches the students' view", () => {
    const noted = claim('keeper-retired-1987');
    expect(noted.teacherNote).toBeDefined();
    expect(JSON.stringify(renderClaim(pack, noted))).not.toContain('which record they would trust');
  });

  test('GIVEN every claim of the fixture THEN quote, hedges, verdict and every source are shown, within limits', () => {
    expect(claimProblems(pack)).toEqual([]);
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
  test('GIVEN a term with sources THEN its definition, the article quote with ¶ and its sources are shown', () => {
    const lens = term('fresnel-lens');
    const embed = onlyEmbed(renderTerm(pack, lens));
    expect(embed.title).toBe('Fresnel lens');
    expect(embed.description).toBe(lens.definition);
    expect(embed.description).toMatch(/^The large glass lens of a lighthouse, /);
    expect(embed.fields).toEqual([
      { name: 'In the article (¶8)', value: '> the lens may need to be replaced' },
      {
        name: 'Sources',
        value:
          '• [Augustin Fresnel, report to the Lighthouse Commission, 1822](https://example.org/fresnel-1822) · Lighthouse Commission, 1822\n' +
          '• Museum of Lights, guide to lighthouse lenses · Museum of Lights',
      },
    ]);
    expect(embed.footer?.text).toBe('Glossary · The harbour lighthouse vote');
  });

  test('GIVEN a term without sources THEN only the quote follows the definition', () => {
    expect(onlyEmbed(renderTerm(pack, term('council'))).fields).toEqual([
      { name: 'In the article (¶1)', value: '> The council of Port Ellery' },
    ]);
  });

  test('GIVEN the 17 terms THEN two pages list them in bold with their definitions cut short', () => {
    const pages = renderGlossaryPages(pack);
    expect(pages).toHaveLength(2);
    const lines = pages.flatMap((p) => onlyEmbed(p).description?.split('\n') ?? []);
    expect(lines).toHaveLength(17);
    expect(lines[0]).toBe('**council**: The elected body that governs a town.');
    expect(lines.find((line) => line.startsWith('**lighthouse**: '))?.endsWith('…')).toBe(true);
    expect(onlyEmbed(pages[0] ?? {}).footer?.text).toBe('17 terms · /glossary term: for one in full');
  });

  test('GIVEN every term THEN it fits and is shown in full, and the list shows each once, every page with its pager', () => {
    expect(glossaryProblems(pack)).toEqual([]);
  });
});

describe('/question', () => {
  test('GIVEN a question drawing on claims THEN prompt, follow-up, labels and what it draws on are shown', () => {
    const question = byId(pack.questions, 'worth-the-cost');
    const view = renderQuestion(pack, question, { theme: 'consequences', level: null }, null);
    const embed = onlyEmbed(view);
    expect(view.content).toBeUndefined();
    expect(embed.title).toBe('Discussion question');
    expect(embed.description).toBe('### Is a landmark worth keeping if it no longer has a practical use?');
    expect(embed.fields?.map((f) => [f.name, f.value])).toEqual([
      ['Follow-up', '• Who pays, and who benefits?'],
      ['Theme', 'Consequences'],
      ['Level', 'Evaluate'],
      [
        'Draws on',
        '`light-cost` The light costs about 40,000 euros a year.\n' +
          '`visitor-numbers` The lighthouse draws thousands of visitors every summer.\n' +
          'Article ¶2, 3',
      ],
    ]);
    expect(embed.footer?.text).toBe('worth-the-cost · The harbour lighthouse vote');
    expect(buttonsOf(view)).toEqual([
      {
        label: 'Another question',
        customId: `question-next:${FIXTURE_SLUG}:consequences:-`,
        disabled: false,
        style: ButtonStyle.Primary,
      },
    ]);
  });

  test('GIVEN two follow-ups THEN the field is plural, one bullet each', () => {
    const question = byId(pack.questions, 'who-decided');
    const two = { ...question, followUps: [...question.followUps, 'Who else should have had a say?'] };
    expect(onlyEmbed(renderQuestion(pack, two, { theme: null, level: null }, null)).fields?.[0]).toEqual({
      name: 'Follow-ups',
      value: '• Why might the vote not have been unanimous?\n• Who else should have had a say?',
    });
  });

  test("GIVEN questions with a teacher note THEN no part of the note reaches the students' view", () => {
    const noted = pack.questions.filter((q) => q.teacherNote !== undefined);
    expect(noted.map((q) => q.id)).toEqual(['worth-the-cost', 'who-decided']);
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
    const note = 'Every question has been used once; starting a new round of them.';
    expect(renderQuestion(pack, byId(pack.questions, 'who-decided'), { theme: null, level: null }, note).content).toBe(
      note,
    );
  });

  test('GIVEN every question and the longest filters THEN each fits Discord and its button decodes', () => {
    expect(questionProblems(pack)).toEqual([]);
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

  test('GIVEN every claim and term THEN the prepared reply sends what the renderer did', () => {
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
    ['article', 'article-page', articlePages, renderArticlePages, [FIXTURE_SLUG]],
    ['glossary', 'glossary-page', glossaryPages, renderGlossaryPages, [FIXTURE_SLUG]],
    ['claims', 'claims-page', (p) => claimPages(p, null), (p) => renderClaimPages(p, null), [FIXTURE_SLUG, 'all']],
    ...CLAIM_KINDS.map(
      (kind): [string, string, (p: Pack) => readonly MessageView[], (p: Pack) => MessageView[], string[]] => [
        `claims of kind ${kind}`,
        'claims-page',
        (p) => claimPages(p, kind),
        (p) => renderClaimPages(p, kind),
        [FIXTURE_SLUG, kind],
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
    const args = [FIXTURE_SLUG, 'opinion'];
    expect(sent(pagedReply(claimPages(withoutOpinions, 'opinion'), 0, 'claims-page', '0', args, false))).toBe(
      sent(toReply(withPager(renderClaimPages(withoutOpinions, 'opinion'), 0, 'claims-page', '0', args), false)),
    );
  });

  test('GIVEN every question, filter and note THEN the prepared reply sends what renderQuestion did', () => {
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
    if (!first) throw new Error('the fixture pack has no claims');
    expect(preparedClaim(pack, first)).toBe(preparedClaim(pack, first));
    expect(preparedSummary(pack, 'brief')).toBe(preparedSummary(pack, 'brief'));
    expect(articlePages(pack)).toBe(articlePages(pack));
    expect(Object.isFrozen(preparedClaim(pack, first).embeds[0]?.toJSON())).toBe(true);
    const [question] = pack.questions;
    if (!question) throw new Error('the fixture pack has no questions');
    const a = questionReply(pack, question, { theme: null, level: null }, null);
    const b = questionReply(pack, question, { theme: null, level: null }, 'A note.');
    expect(a.embeds?.[0]).toBe(b.embeds?.[0]);
    expect(a.components?.[0]).toBe(b.components?.[0]);
  });

  test('GIVEN one prepared payload sent many times THEN every send is the same (discord.js changes no shared part)', () => {
    const once = sent(pagedReply(glossaryPages(pack), 1, 'glossary-page', '0', [FIXTURE_SLUG], false));
    for (let i = 0; i < 3; i++) {
      expect(sent(pagedReply(glossaryPages(pack), 1, 'glossary-page', '0', [FIXTURE_SLUG], false))).toBe(once);
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
