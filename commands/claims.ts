import { ApplicationCommandOptionType } from 'discord.js';
import { z } from 'zod';
import { defineCommand } from '../src/app/command.js';
import { createPager } from '../src/app/paging.js';
import { choicesOf, KIND_LABEL } from '../src/content/labels.js';
import { CLAIM_KINDS } from '../src/content/schema.js';
import { UserError } from '../src/discord-kit/errors.js';
import { type CommandData, privateOption, SERVER_OR_DM } from '../src/discord-kit/options.js';
import { toReply } from '../src/discord-kit/reply.js';
import { claimOption, lookupClaim, suggestClaims } from '../src/features/reading/claim-option.js';
import { claimPages, preparedClaim, preparedReply } from '../src/features/reading/prepared.js';
import { renderTeacherNote } from '../src/features/reading/render.js';
import { articleOption, resolvePack, resolvePackQuietly } from '../src/features/settings/article-option.js';
import { isHostOf } from '../src/features/settings/host.js';

const pager = createPager(
  'claims-page',
  { slug: z.string(), kind: z.enum(['all', ...CLAIM_KINDS]) },
  (deps, { slug, kind }) => {
    const pack = deps.catalogue.pack(slug);
    if (!pack) throw new UserError('That article is no longer available. Run /claims list again.');
    return claimPages(pack, kind === 'all' ? null : kind);
  },
);

const data = {
  name: 'claims',
  description: "The article's claims: what kind each is and how it checks out against the public record",
  ...SERVER_OR_DM,
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
} as const satisfies CommandData;

export const claims = defineCommand({
  data,
  subcommands: {
    list: {
      access: 'anyone',
      async run({ interaction, deps, args, place }) {
        const pack = await resolvePack(deps, place?.guildId ?? null, args.article);
        const pages = claimPages(pack, args.kind);
        await pager.reply(interaction, pages, { slug: pack.slug, kind: args.kind ?? 'all' }, args.private ?? false);
      },
    },
    show: {
      access: 'anyone',
      async run({ interaction, deps, args, place }) {
        const pack = await resolvePack(deps, place?.guildId ?? null, args.article);
        const { claim, note } = lookupClaim(pack.claims, args.claim);
        await interaction.reply(
          preparedReply(interaction, preparedClaim(pack, claim), args.private ?? false, note ? { content: note } : {}),
        );
        // Only a claim with a note asks the store who is host, and only after the reply: students wait for nothing.
        const teacherNote = renderTeacherNote(claim);
        if (teacherNote && (await isHostOf(interaction, deps).catch(() => false))) {
          await interaction.followUp(toReply(teacherNote, true));
        }
      },
    },
  },
  async autocomplete(interaction, deps) {
    const pack = await resolvePackQuietly(deps, interaction);
    await interaction.respond(suggestClaims(pack?.claims ?? [], interaction.options.getFocused()));
  },
  buttons: [pager.button],
});
