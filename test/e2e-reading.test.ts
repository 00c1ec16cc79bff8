import { REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { commands } from '../commands/index.js';
import { UNKNOWN_COMMAND } from '../src/app/router.js';
import type { Pack } from '../src/content/schema.js';
import { MALFORMED_BUTTON } from '../src/discord-kit/custom-id.js';
import { buttonId, checkDiscordAfterEachTest, type Harness, startHarness } from './support/bot-harness.js';

/** The reading commands, driven as students and teachers would, through the real discord.js client. */

let h: Harness;
let pack: Pack;

beforeAll(async () => {
  h = await startHarness();
  pack = h.pack;
});
checkDiscordAfterEachTest(() => h.discord);

afterAll(async () => {
  await h?.close();
});

describe('start-up', () => {
  test('GIVEN a fresh application THEN the bot registers exactly its command list, with no privileged intent', () => {
    expect(
      h.discord
        .commands('global')
        .map((c) => c.name)
        .sort(),
    ).toEqual(commands.map((c) => c.data.name).sort());
    expect(h.discord.commandPuts).toBe(1);
    const identify = h.discord.identifies.at(-1);
    // MessageContent (1 << 15), GuildMembers (1 << 1), GuildPresences (1 << 8).
    expect((identify?.intents ?? -1) & ((1 << 15) | (1 << 1) | (1 << 8))).toBe(0);
  });
});

describe('/summary', () => {
  test('GIVEN length brief THEN everyone sees the brief summary with its paragraph references', async () => {
    const reply = await h.discord.slash('student1', 'summary', { length: 'brief' }).reply();
    expect(reply.ephemeral).toBe(false);
    const embed = reply.embeds[0];
    expect(embed?.title).toBe(`Brief summary: ${pack.article.shortTitle}`);
    for (const sentence of pack.summaries.brief) {
      expect(embed?.description).toContain(`(¶${sentence.paragraphs.join(', ')})`);
    }
    expect(reply.pings).toEqual({ users: [], roles: [], everyone: false });
  });

  test('GIVEN no length THEN the standard summary, privately when asked', async () => {
    const reply = await h.discord.slash('student1', 'summary', { private: true }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.embeds[0]?.title).toBe(`Standard summary: ${pack.article.shortTitle}`);
  });

  test('GIVEN the same summary asked for again and again, publicly and privately in turn THEN each asker gets it as they asked, the same every time', async () => {
    const asked = [false, true, false, true, true, false];
    const replies = [];
    for (const [i, privately] of asked.entries()) {
      replies.push(
        await h.discord.slash(`student${(i % 3) + 1}`, 'summary', { length: 'detailed', private: privately }).reply(),
      );
    }
    expect(replies.map((r) => r.ephemeral)).toEqual(asked);
    const [first, ...rest] = replies;
    expect(first?.embeds[0]?.title).toBe(`Detailed summary: ${pack.article.shortTitle}`);
    for (const reply of rest) expect(reply.embeds).toEqual(first?.embeds);
    for (const reply of replies) expect(reply.pings).toEqual({ users: [], roles: [], everyone: false });
  });

  test('GIVEN an article that does not exist THEN an ephemeral message names the available ones', async () => {
    const reply = await h.discord.slash('student1', 'summary', { article: 'no-such-article' }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(`There is no article called "no-such-article". Available: \`${pack.slug}\`.`);
  });
});

describe('/article', () => {
  test('GIVEN the article THEN the text is paged and anyone can turn the pages of the public reply', async () => {
    const reply = await h.discord.slash('student1', 'article', {}).reply();
    const first = reply.embeds[0];
    expect(first?.title).toBe(pack.article.title);
    expect(first?.description).toContain(`By ${pack.article.author}`);
    expect(first?.description).toContain('**1** North Korean leader Kim Jong Un visited Russia');
    expect(first?.footer).toMatch(/^Page 1 of \d+$/);
    expect(reply.buttons.map((b) => [b.label, b.disabled])).toEqual([
      ['◀ Previous', true],
      ['Next ▶', false],
    ]);
    const turned = await h.discord.click('student2', reply, buttonId(reply, 'Next ▶')).reply();
    expect(turned.id).toBe(reply.id);
    expect(turned.embeds[0]?.footer).toMatch(/^Page 2 of \d+$/);
    const lastParagraph = pack.article.paragraphs.at(-1);
    const pages = Number(/of (\d+)/.exec(turned.embeds[0]?.footer ?? '')?.[1]);
    if (pages === 2) expect(turned.embeds[0]?.description).toContain(`**${lastParagraph?.n}**`);
  });

  test('GIVEN a private reply THEN only the asker turns its pages', async () => {
    const reply = await h.discord.slash('student1', 'article', { private: true }).reply();
    expect(reply.ephemeral).toBe(true);
    const turned = await h.discord.click('student1', reply, buttonId(reply, 'Next ▶')).reply();
    expect(turned.embeds[0]?.footer).toMatch(/^Page 2 of/);
    const forged = await h.discord.forgeClick('student2', reply, buttonId(turned, '◀ Previous')).reply();
    expect(forged.ephemeral).toBe(true);
    expect(forged.content).toBe(
      'Only the person who asked can turn these pages. Run the command yourself to get your own copy.',
    );
  });
});

describe('/claims', () => {
  test('GIVEN a claim with a teacher note THEN a host showing it also gets the note privately, a student does not', async () => {
    const noted = pack.claims.find((c) => c.teacherNote !== undefined);
    if (!noted?.teacherNote) throw new Error('the pack has no claim with a teacher note');
    const asStudent = h.discord.slash('student1', 'claims', { claim: noted.id }, { subcommand: 'show' });
    const seen = await asStudent.reply();
    expect(seen.text).not.toContain('Teacher note');
    const asHost = h.discord.slash('teacher', 'claims', { claim: noted.id }, { subcommand: 'show' });
    const shown = await asHost.reply();
    expect(shown.ephemeral).toBe(false);
    expect(shown.text).not.toContain(noted.teacherNote.slice(0, 30));
    const note = await h.discord.waitFor(() => asHost.followUps[0]);
    expect(note.ephemeral).toBe(true);
    expect(note.text).toContain('Teacher note');
    expect(note.text).toContain(noted.teacherNote.slice(0, 30));
    expect(asStudent.followUps).toEqual([]);
  });

  test('GIVEN list THEN each claim shows its kind and verdict at a glance, paged', async () => {
    const reply = await h.discord.slash('student1', 'claims', {}, { subcommand: 'list' }).reply();
    const description = reply.embeds[0]?.description ?? '';
    const firstClaim = pack.claims[0];
    expect(description).toContain(firstClaim?.claim);
    expect(description).toMatch(/📰 Reported fact · (✅|🟨|❌|❔|⚪)/);
    expect(reply.embeds[0]?.footer).toContain(`${pack.claims.length} claims`);
  });

  test('GIVEN kind prediction THEN only predictions are listed', async () => {
    const reply = await h.discord.slash('student1', 'claims', { kind: 'prediction' }, { subcommand: 'list' }).reply();
    const predictions = pack.claims.filter((c) => c.kind === 'prediction');
    const text = reply.embeds[0]?.description ?? '';
    expect(text.match(/🔮 Prediction/g)?.length).toBe(predictions.length);
    expect(text).not.toContain('Reported fact');
  });

  test('GIVEN typed words THEN autocomplete offers matching claims, and show displays quote, check and sources', async () => {
    const claim = pack.claims.find((c) => c.check.sources.some((s) => s.url));
    if (!claim) throw new Error('no claim with a linked source');
    const word = claim.claim.split(' ').find((w) => w.length > 6) ?? claim.id;
    const choices = await h.discord.autocomplete('student1', 'claims', {
      subcommand: 'show',
      focused: 'claim',
      value: word,
    });
    expect(choices.map((c) => c.value)).toContain(claim.id);

    const reply = await h.discord.slash('student1', 'claims', { claim: claim.id }, { subcommand: 'show' }).reply();
    const embed = reply.embeds[0];
    expect(embed?.title).toBe(claim.claim);
    expect(embed?.description?.replaceAll(/__\*\*|\*\*__/g, '').replaceAll('\\', '')).toContain(claim.quote);
    const sources = embed?.fields.find((f) => f.name === 'Sources')?.value ?? '';
    const linked = claim.check.sources.find((s) => s.url);
    expect(sources).toContain(`](${linked?.url})`);
    expect(embed?.fields.find((f) => f.name === 'Said by')?.value).toBe(claim.by);
  });

  test('GIVEN hedging words THEN they are underlined in the quote', async () => {
    const claim = pack.claims.find((c) => c.hedges.length > 0);
    if (!claim) throw new Error('no hedged claim');
    const reply = await h.discord.slash('student1', 'claims', { claim: claim.id }, { subcommand: 'show' }).reply();
    expect(reply.embeds[0]?.description).toContain(`__**${claim.hedges[0]}**__`);
  });

  test('GIVEN a near miss of an id THEN an ephemeral message suggests the closest claim by its text', async () => {
    const reply = await h.discord
      .slash('student1', 'claims', { claim: 'kim-visit-russa' }, { subcommand: 'show' })
      .reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(
      'There is no claim "kim-visit-russa" in this article. Did you mean **Kim Jong Un visited Russia at Vladimir Putin\'s invitation.** (`visit-at-putin-invitation`)? Pick one from the list as you type, or see them all with /claims list.',
    );
  });

  test.each([
    [
      'its displayed text, typed without capitals or punctuation',
      'kim jong un visited russia at vladimir putins invitation',
    ],
    ['its displayed text as shown', "Kim Jong Un visited Russia at Vladimir Putin's invitation."],
    ['a distinctive part of it', 'at Vladimir Putin’s invitation'],
  ])('GIVEN %s THEN /claims show serves that claim', async (_, typed) => {
    const reply = await h.discord.slash('student1', 'claims', { claim: typed }, { subcommand: 'show' }).reply();
    expect(reply.ephemeral).toBe(false);
    expect(reply.content).toBe('');
    expect(reply.embeds[0]?.title).toBe("Kim Jong Un visited Russia at Vladimir Putin's invitation.");
    expect(reply.embeds[0]?.footer).toMatch(/^visit-at-putin-invitation · /);
  });

  test('GIVEN the text with typos THEN the one close claim is served, saying it is the closest', async () => {
    const reply = await h.discord
      .slash('student1', 'claims', { claim: 'Kim visted Russia at Putins invitaton' }, { subcommand: 'show' })
      .reply();
    expect(reply.content).toBe('No claim is exactly "Kim visted Russia at Putins invitaton"; this is the closest.');
    expect(reply.embeds[0]?.title).toBe("Kim Jong Un visited Russia at Vladimir Putin's invitation.");
  });

  test('GIVEN a word in several claims THEN an ephemeral list of them to choose from', async () => {
    const reply = await h.discord.slash('student1', 'claims', { claim: 'nuclear' }, { subcommand: 'show' }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.embeds).toEqual([]);
    expect(reply.content).toBe(
      [
        'Several claims match "nuclear":',
        "• **Russia could strengthen North Korea's nuclear programme.** (`russia-could-boost-nuclear-program`)",
        '• **Russia can give North Korea the technology it needs to use nuclear warheads on long-range missiles.** (`tech-for-nuclear-missiles`)',
        'Type more of the claim, or pick one from the list as you type.',
      ].join('\n'),
    );
  });

  test('GIVEN words unlike any claim THEN it says so, suggests nothing and points to the list', async () => {
    const reply = await h.discord
      .slash('student1', 'claims', { claim: 'weather forecast' }, { subcommand: 'show' })
      .reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(
      'There is no claim "weather forecast" in this article. Pick one from the list as you type, or see them all with /claims list.',
    );
  });

  test('GIVEN a claim THEN its verdict is explained in plain words under the check', async () => {
    const claim = pack.claims.find((c) => c.check.verdict === 'not-verified');
    if (!claim) throw new Error('no unverified claim');
    const reply = await h.discord.slash('student1', 'claims', { claim: claim.id }, { subcommand: 'show' }).reply();
    const check = reply.embeds[0]?.fields.find((f) => f.name === 'Check: ❔ Not verified')?.value ?? '';
    expect(check.split('\n').at(-1)).toBe(
      '-# ❔ Not verified: No source was found either way. This does not mean it is false.',
    );
    const list = await h.discord.slash('student1', 'claims', {}, { subcommand: 'list' }).reply();
    expect(list.embeds[0]?.footer).toContain('/help explains each check');
  });
});

describe('/glossary', () => {
  test('GIVEN a term THEN its definition and the quote where it appears', async () => {
    const term = pack.terms[0];
    if (!term) throw new Error('no term');
    const choices = await h.discord.autocomplete('student1', 'glossary', {
      focused: 'term',
      value: term.term.slice(0, 4),
    });
    expect(choices.map((c) => c.value)).toContain(term.id);
    const reply = await h.discord.slash('student1', 'glossary', { term: term.id }).reply();
    expect(reply.embeds[0]?.title).toBe(term.term);
    expect(reply.embeds[0]?.fields[0]?.name).toBe(`In the article (¶${term.paragraph})`);
  });

  test('GIVEN no term THEN the list of all terms', async () => {
    const reply = await h.discord.slash('student1', 'glossary', {}).reply();
    expect(reply.embeds[0]?.footer).toContain(`${pack.terms.length} terms`);
  });

  test.each([
    ['a whole word of a term', 'sanctions', 'UN sanctions'],
    ['a phrase of a term, in another case', 'security council', 'UN Security Council resolution'],
    ['an alias', 'North Korea', 'DPRK'],
    ['the name, without capitals', 'kim jong un', 'Kim Jong Un'],
  ])('GIVEN %s (%j) THEN that entry is shown', async (_, typed, title) => {
    const reply = await h.discord.slash('student1', 'glossary', { term: typed }).reply();
    expect(reply.ephemeral).toBe(false);
    expect(reply.content).toBe('');
    expect(reply.embeds[0]?.title).toBe(title);
  });

  test('GIVEN a typo close to one term THEN that term, saying it is the closest', async () => {
    const reply = await h.discord.slash('student1', 'glossary', { term: 'sanctoins' }).reply();
    expect(reply.content).toBe('"sanctoins" is not in the glossary; this is the closest term.');
    expect(reply.embeds[0]?.title).toBe('UN sanctions');
  });

  test('GIVEN a word in several terms THEN an ephemeral short list of them', async () => {
    const reply = await h.discord.slash('student1', 'glossary', { term: 'UN' }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(
      'Several terms match "UN": **Kim Jong Un**, **UN sanctions**, **UN Security Council resolution**. Pick one from the list as you type.',
    );
  });

  test('GIVEN a loose near miss THEN "did you mean" it, and no unrelated entry', async () => {
    const reply = await h.discord.slash('student1', 'glossary', { term: 'dpkr' }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(
      '"dpkr" is not in the glossary. Did you mean **DPRK**? Pick a term from the list as you type, or run /glossary with no term to see them all.',
    );
  });

  test('GIVEN a word unlike any term THEN it says so without suggesting unrelated entries', async () => {
    const reply = await h.discord.slash('student1', 'glossary', { term: 'weather' }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(
      '"weather" is not in the glossary. Pick a term from the list as you type, or run /glossary with no term to see them all.',
    );
  });
});

describe('/question', () => {
  test('GIVEN a host drawing questions of one level THEN none repeats until all were used, even across a restart, and students asking privately spend none of them', async () => {
    // A level with a handful of questions, so the whole cycle runs.
    const ofLevel = pack.questions.filter((q) => q.level === 'understand');
    expect(ofLevel.length).toBeGreaterThan(2);
    const seen: string[] = [];
    const promptOf = (text: string) => ofLevel.find((q) => text.includes(q.prompt.slice(0, 40)))?.id;

    const first = await h.discord.slash('teacher', 'question', { level: 'understand' }).reply();
    expect(first.ephemeral).toBe(false);
    expect(first.embeds[0]?.title).toBe('Discussion question');
    expect(first.embeds[0]?.fields[0]?.name).toMatch(/^Follow-ups?$/);
    seen.push(promptOf(first.text) ?? 'none');
    const another = await h.discord.click('teacher', first, buttonId(first, 'Another question')).reply();
    expect(another.id).not.toBe(first.id);
    expect(another.ephemeral).toBe(false);
    seen.push(promptOf(another.text) ?? 'none');

    // A student asking, or pressing "Another question" on the host's post, gets one privately.
    const postedBefore = h.discord.channelMessages().length;
    for (let i = 0; i < ofLevel.length; i += 1) {
      const mine = await h.discord.slash('student1', 'question', { level: 'understand' }).reply();
      expect(mine.ephemeral).toBe(true);
      expect(mine.content).toContain('Only you can see this question');
      expect(promptOf(mine.text)).toBeDefined();
    }
    const pressed = await h.discord.click('student2', first, buttonId(first, 'Another question')).reply();
    expect(pressed.ephemeral).toBe(true);
    expect(h.discord.channelMessages()).toHaveLength(postedBefore);

    await h.stopBot();
    await h.restartBot();
    expect(h.discord.commandPuts).toBe(1);

    while (seen.length < ofLevel.length) {
      const next = await h.discord.slash('teacher', 'question', { level: 'understand' }).reply();
      expect(next.content).toBe('');
      seen.push(promptOf(next.text) ?? 'none');
    }
    expect(new Set(seen).size).toBe(ofLevel.length);
    expect(seen).not.toContain('none');

    const cycle = await h.discord.slash('teacher', 'question', { level: 'understand' }).reply();
    expect(cycle.content).toContain('Every matching question has been used once');
  });

  test('GIVEN a question with a teacher note THEN the host gets the note privately and the class never sees it', async () => {
    const noted = pack.questions.find((q) => q.teacherNote !== undefined);
    if (!noted?.teacherNote) throw new Error('the pack has no question with a teacher note');
    const filter = { theme: noted.theme, level: noted.level };
    const matching = pack.questions.filter((q) => q.theme === noted.theme && q.level === noted.level);
    const noteStart = noted.teacherNote.slice(0, 30);
    let handle = h.discord.slash('teacher', 'question', filter);
    let posted = await handle.reply();
    // Draws never repeat until all matching were used. An earlier test may have left the noted one
    // used in the current cycle, so it comes at the latest in the next: within 2 × `matching.length`.
    for (let i = 1; i < 2 * matching.length && !posted.text.includes(noted.prompt.slice(0, 40)); i++) {
      handle = h.discord.slash('teacher', 'question', filter);
      posted = await handle.reply();
    }
    expect(posted.text).toContain(noted.prompt.slice(0, 40));
    const note = await h.discord.waitFor(() => handle.followUps[0]);
    expect(note.ephemeral).toBe(true);
    expect(note.text).toContain('Teacher note');
    expect(note.text).toContain(noteStart);
    // Everything the class can see in the channel is free of it.
    const visible = h.discord.channelMessages().filter((m) => !m.ephemeral);
    expect(visible.some((m) => m.text.includes(noted.prompt.slice(0, 40)))).toBe(true);
    expect(visible.filter((m) => m.text.includes(noteStart))).toEqual([]);

    const student = h.discord.slash('student1', 'question', filter);
    const mine = await student.reply();
    expect(mine.ephemeral).toBe(true);
    expect(mine.text).not.toContain('Teacher note');
  });
});

describe('bad input', () => {
  test('GIVEN /help THEN one private screen lists every command', async () => {
    const reply = await h.discord.slash('student1', 'help', {}).reply();
    expect(reply.ephemeral).toBe(true);
    for (const command of commands) expect(reply.embeds[0]?.description).toContain(`**/${command.data.name}`);
  });

  test('GIVEN /help THEN it explains every verdict label a student meets', async () => {
    const reply = await h.discord.slash('student1', 'help', {}).reply();
    const legend = reply.embeds[0]?.fields.find((f) => f.name === 'What the checks on claims mean')?.value ?? '';
    expect(legend.split('\n')).toEqual([
      '✅ Supported: Reliable sources confirm it.',
      '🟨 Partly supported: Part of it is confirmed, but part is wrong, overstated, missing context or not verified.',
      '❌ Contradicted: Reliable sources show it is wrong.',
      '❔ Not verified: No source was found either way. This does not mean it is false.',
      '⚪ Not checkable: An opinion or judgement: no evidence could prove it right or wrong.',
      '✅ Came true: A prediction that later happened.',
      '❌ Did not happen: A prediction that, looking back, did not happen.',
    ]);
    const polls = reply.embeds[0]?.fields.find((f) => f.name === 'Claim polls in a session')?.value ?? '';
    expect(polls).toContain('Close poll and show the check');
    expect(polls).toContain('Discord polls are not anonymous');
  });

  test('GIVEN a forged or malformed button id THEN an ephemeral explanation and nothing else', async () => {
    const reply = await h.discord.slash('student1', 'summary', {}).reply();
    for (const id of ['nonsense', 'article-page:x:0', 'quiz-answer:zz:99:9', '']) {
      const clicked = await h.discord.forgeClick('student1', reply, id || ':').reply();
      expect(clicked.ephemeral).toBe(true);
      expect(clicked.content).toBe(MALFORMED_BUTTON);
    }
  });

  test('GIVEN a command the bot does not know THEN an ephemeral "not available" reply', async () => {
    const rest = new REST({ api: h.discord.apiUrl }).setToken(h.discord.token);
    await rest.post(Routes.applicationCommands(h.discord.applicationId), {
      body: { name: 'retired', description: 'A command from an older version' },
    });
    const reply = await h.discord.slash('student1', 'retired', {}).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(UNKNOWN_COMMAND);
  });
});
