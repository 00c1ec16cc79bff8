import { ApplicationCommandOptionType } from 'discord.js';
import { z } from 'zod';
import { CLAIM_KINDS } from '../src/content/schema.js';
import { articleOption, resolvePack, resolvePackQuietly } from '../src/discord/article-option.js';
import type { CommandModule } from '../src/discord/command.js';
import { parseArgs } from '../src/discord/custom-id.js';
import { UserError } from '../src/discord/errors.js';
import { LIMITS, truncate } from '../src/discord/limits.js';
import { enumOption, privateOption } from '../src/discord/options.js';
import { createPager } from '../src/discord/paging.js';
import { toReply } from '../src/discord/reply.js';
import { closestCandidates, searchCandidates } from '../src/text-match.js';
import { choicesOf, KIND_LABEL } from '../src/views/labels.js';
import { renderClaim, renderClaimPages } from '../src/views/reading.js';

const pager = createPager('claims-page', (deps, args) => {
  const [slug, kind] = parseArgs(z.tuple([z.string(), z.enum(['all', ...CLAIM_KINDS])]), args);
  const pack = deps.catalogue.pack(slug);
  if (!pack) throw new UserError('That article is no longer available. Run /claims list again.');
  return renderClaimPages(pack, kind === 'all' ? null : kind);
});

export const claims: CommandModule = {
  data: {
    name: 'claims',
    description: "The article's claims: what kind each is and how it checks out against the public record",
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'list',
        description: 'List the claims with their kind and check at a glance',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'kind',
            description: 'Only claims of this kind',
            choices: choicesOf(CLAIM_KINDS, KIND_LABEL),
          },
          articleOption,
          privateOption,
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'show',
        description: 'One claim: its exact quote, who makes it, and the check with sources',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'claim',
            description: 'Start typing words from the claim',
            required: true,
            autocomplete: true,
          },
          articleOption,
          privateOption,
        ],
      },
    ],
  },
  async execute(interaction, deps) {
    const pack = await resolvePack(interaction, deps);
    const ephemeral = interaction.options.getBoolean('private') ?? false;
    if (interaction.options.getSubcommand() === 'list') {
      const kind = enumOption(interaction.options.getString('kind'), CLAIM_KINDS);
      await pager.reply(interaction, deps, [pack.slug, kind ?? 'all'], ephemeral);
      return;
    }
    const query = interaction.options.getString('claim', true);
    const claim = deps.catalogue.claim(pack.slug, query);
    if (!claim) {
      const near = closestCandidates(
        query,
        pack.claims.map((c) => ({ id: c.id, label: c.claim })),
        3,
      );
      throw new UserError(
        `There is no claim "${truncate(query, 60)}" in this article. Did you mean ${near.map((c) => `\`${c.id}\``).join(', ')}? Pick one from the list as you type.`,
      );
    }
    await interaction.reply(toReply(renderClaim(pack, claim), ephemeral));
  },
  async autocomplete(interaction, deps) {
    const pack = await resolvePackQuietly(interaction, deps);
    const claimsOfPack = pack?.claims ?? [];
    const matches = searchCandidates(
      interaction.options.getFocused(),
      claimsOfPack.map((c) => ({ id: c.id, label: c.claim })),
      LIMITS.choices,
    );
    await interaction.respond(matches.map((c) => ({ name: truncate(c.label, LIMITS.choiceName), value: c.id })));
  },
  components: { [pager.action]: pager.handler },
};
