import { ApplicationCommandOptionType, escapeMarkdown } from 'discord.js';
import { z } from 'zod';
import type { CommandModule } from '../src/app/command.js';
import { createPager } from '../src/app/paging.js';
import type { Term } from '../src/content/schema.js';
import { lookupCandidate, searchCandidates } from '../src/core/text-match.js';
import { parseArgs } from '../src/discord-kit/custom-id.js';
import { UserError } from '../src/discord-kit/errors.js';
import { LIMITS, truncate } from '../src/discord-kit/limits.js';
import { privateOption } from '../src/discord-kit/options.js';
import { glossaryPages, preparedTerm, replyOf } from '../src/features/reading/prepared.js';
import { articleOption, resolvePack, resolvePackQuietly } from '../src/features/settings/article-option.js';

const PageArgs = z.tuple([z.string()]);

function candidates(terms: readonly Term[]) {
  return terms.map((term) => ({ id: term.id, label: term.term, aliases: term.aliases, term }));
}

/**
 * The term a typed query names: by id, name or alias, by a whole word or
 * phrase of one ("sanctions" for "UN sanctions"), or as the only close near
 * miss; else a refusal listing the matches or the genuinely close ones.
 */
export function findTerm(terms: readonly Term[], query: string): { term: Term; note: string | null } {
  const typed = escapeMarkdown(truncate(query, 60));
  const found = lookupCandidate(query, candidates(terms), 5);
  const names = (list: readonly { label: string }[]) => list.map((c) => `**${escapeMarkdown(c.label)}**`).join(', ');
  switch (found.kind) {
    case 'found':
      return {
        term: found.match.term,
        note: found.how === 'close' ? `"${typed}" is not in the glossary; this is the closest term.` : null,
      };
    case 'several':
      throw new UserError(
        `Several terms match "${typed}": ${names(found.matches)}. Pick one from the list as you type.`,
      );
    case 'none': {
      const suggestion = found.near.length > 0 ? ` Did you mean ${names(found.near)}?` : '';
      throw new UserError(
        `"${typed}" is not in the glossary.${suggestion} Pick a term from the list as you type, or run /glossary with no term to see them all.`,
      );
    }
  }
}

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
    const { term, note } = findTerm(pack.terms, query);
    await interaction.reply(replyOf(preparedTerm(pack, term), ephemeral, note ? { content: note } : {}));
  },
  async autocomplete(interaction, deps) {
    const pack = await resolvePackQuietly(interaction, deps);
    const matches = searchCandidates(interaction.options.getFocused(), candidates(pack?.terms ?? []), LIMITS.choices);
    await interaction.respond(matches.map((c) => ({ name: truncate(c.label, LIMITS.choiceName), value: c.id })));
  },
  components: { [pager.action]: pager.handler },
};
