import { ApplicationCommandOptionType } from 'discord.js';
import { z } from 'zod';
import { articleOption, resolvePack, resolvePackQuietly } from '../src/discord/article-option.js';
import type { CommandModule } from '../src/discord/command.js';
import { parseArgs } from '../src/discord/custom-id.js';
import { UserError } from '../src/discord/errors.js';
import { LIMITS, truncate } from '../src/discord/limits.js';
import { privateOption } from '../src/discord/options.js';
import { createPager } from '../src/discord/paging.js';
import { closestCandidates, searchCandidates } from '../src/text-match.js';
import { glossaryPages, preparedTerm, replyOf } from '../src/views/prepared.js';

const PageArgs = z.tuple([z.string()]);

const pager = createPager('glossary-page', (deps, args) => {
  const [slug] = parseArgs(PageArgs, args);
  const pack = deps.catalogue.pack(slug);
  if (!pack) throw new UserError('That article is no longer available. Run /glossary again.');
  return glossaryPages(pack);
});

export const glossary: CommandModule = {
  data: {
    name: 'glossary',
    description: 'Explains a word or name from the article; without a term, lists them all',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'term',
        description: 'Start typing the word',
        autocomplete: true,
      },
      articleOption,
      privateOption,
    ],
  },
  async execute(interaction, deps) {
    const pack = await resolvePack(interaction, deps);
    const ephemeral = interaction.options.getBoolean('private') ?? false;
    const query = interaction.options.getString('term');
    if (!query) {
      await pager.reply(interaction, glossaryPages(pack), [pack.slug], ephemeral);
      return;
    }
    const candidates = pack.terms.map((t) => ({ id: t.id, label: t.term }));
    const term =
      deps.catalogue.term(pack.slug, query) ??
      pack.terms.find((t) => t.term.toLowerCase() === query.trim().toLowerCase());
    if (!term) {
      const near = closestCandidates(query, candidates, 3);
      throw new UserError(
        `"${truncate(query, 60)}" is not in the glossary. Did you mean ${near.map((c) => `**${c.label}**`).join(', ')}? Or run /glossary with no term for the list.`,
      );
    }
    await interaction.reply(replyOf(preparedTerm(pack, term), ephemeral));
  },
  async autocomplete(interaction, deps) {
    const pack = await resolvePackQuietly(interaction, deps);
    const matches = searchCandidates(
      interaction.options.getFocused(),
      (pack?.terms ?? []).map((t) => ({ id: t.id, label: t.term })),
      LIMITS.choices,
    );
    await interaction.respond(matches.map((c) => ({ name: truncate(c.label, LIMITS.choiceName), value: c.id })));
  },
  components: { [pager.action]: pager.handler },
};
