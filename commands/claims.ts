import { ApplicationCommandOptionType } from 'discord.js';
import { z } from 'zod';
import type { CommandModule } from '../src/app/command.js';
import { createPager } from '../src/app/paging.js';
import { choicesOf, KIND_LABEL } from '../src/content/labels.js';
import { CLAIM_KINDS } from '../src/content/schema.js';
import { parseArgs } from '../src/discord-kit/custom-id.js';
import { UserError } from '../src/discord-kit/errors.js';
import { enumOption, privateOption } from '../src/discord-kit/options.js';
import { toReply } from '../src/discord-kit/reply.js';
import { claimOption, lookupClaim, suggestClaims } from '../src/features/reading/claim-option.js';
import { claimPages, preparedClaim, replyOf } from '../src/features/reading/prepared.js';
import { renderTeacherNote } from '../src/features/reading/render.js';
import { articleOption, resolvePack, resolvePackQuietly } from '../src/features/settings/article-option.js';
import { isHostOf } from '../src/features/settings/host.js';

const PageArgs = z.tuple([z.string(), z.enum(['all', ...CLAIM_KINDS])]);

const pager = createPager('claims-page', (deps, args) => {
  const [slug, kind] = parseArgs(PageArgs, args);
  const pack = deps.catalogue.pack(slug);
  if (!pack) throw new UserError('That article is no longer available. Run /claims list again.');
  return claimPages(pack, kind === 'all' ? null : kind);
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
        options: [claimOption, articleOption, privateOption],
      },
    ],
  },
  async execute(interaction, deps) {
    const pack = await resolvePack(interaction, deps);
    const ephemeral = interaction.options.getBoolean('private') ?? false;
    if (interaction.options.getSubcommand() === 'list') {
      const kind = enumOption(interaction.options.getString('kind'), CLAIM_KINDS);
      await pager.reply(interaction, claimPages(pack, kind), [pack.slug, kind ?? 'all'], ephemeral);
      return;
    }
    const { claim, note } = lookupClaim(pack.claims, interaction.options.getString('claim', true));
    await interaction.reply(replyOf(preparedClaim(pack, claim), ephemeral, note ? { content: note } : {}));
    // Only a claim with a note asks the store who is host, and only after the reply: students wait for nothing.
    const teacherNote = renderTeacherNote(claim);
    if (teacherNote && (await isHostOf(interaction, deps).catch(() => false))) {
      await interaction.followUp(toReply(teacherNote, true));
    }
  },
  async autocomplete(interaction, deps) {
    const pack = await resolvePackQuietly(interaction, deps);
    await interaction.respond(suggestClaims(pack?.claims ?? [], interaction.options.getFocused()));
  },
  components: { [pager.action]: pager.handler },
};
