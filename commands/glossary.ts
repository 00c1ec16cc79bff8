import { ApplicationCommandOptionType } from 'discord.js';
import { z } from 'zod';
import { defineCommand } from '../src/app/command.js';
import { createPager } from '../src/app/paging.js';
import { searchCandidates } from '../src/core/text-match.js';
import { UserError } from '../src/discord-kit/errors.js';
import { LIMITS, truncate } from '../src/discord-kit/limits.js';
import { type CommandData, privateOption, SERVER_OR_DM } from '../src/discord-kit/options.js';
import { findTerm, termCandidates } from '../src/features/reading/glossary.js';
import { glossaryPages, preparedReply, preparedTerm } from '../src/features/reading/prepared.js';
import { articleOption, resolvePack, resolvePackQuietly } from '../src/features/settings/article-option.js';

const pager = createPager('glossary-page', { slug: z.string() }, (deps, { slug }) => {
  const pack = deps.catalogue.pack(slug);
  if (!pack) throw new UserError('That article is no longer available. Run /glossary again.');
  return glossaryPages(pack);
});

const data = {
  name: 'glossary',
  description: 'Explains a word or name from the article; without a term, lists them all',
  ...SERVER_OR_DM,
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
} as const satisfies CommandData;

export const glossary = defineCommand({
  data,
  handler: {
    access: 'anyone',
    async run({ interaction, deps, args, place }) {
      const pack = await resolvePack(deps, place?.guildId ?? null, args.article);
      const ephemeral = args.private ?? false;
      if (!args.term) {
        await pager.reply(interaction, glossaryPages(pack), { slug: pack.slug }, ephemeral);
        return;
      }
      const { term, note } = findTerm(pack.terms, args.term);
      await interaction.reply(
        preparedReply(interaction, preparedTerm(pack, term), ephemeral, note ? { content: note } : {}),
      );
    },
  },
  async autocomplete(interaction, deps) {
    const pack = await resolvePackQuietly(deps, interaction);
    const matches = searchCandidates(
      interaction.options.getFocused(),
      termCandidates(pack?.terms ?? []),
      LIMITS.choices,
    );
    await interaction.respond(matches.map((c) => ({ name: truncate(c.label, LIMITS.choiceName), value: c.id })));
  },
  buttons: [pager.button],
});
