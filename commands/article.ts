import { z } from 'zod';
import { defineCommand } from '../src/app/command.js';
import { createPager } from '../src/app/paging.js';
import { UserError } from '../src/discord-kit/errors.js';
import { type CommandData, privateOption, SERVER_OR_DM } from '../src/discord-kit/options.js';
import { articlePages } from '../src/features/reading/prepared.js';
import { articleOption, resolvePack } from '../src/features/settings/article-option.js';

const pager = createPager('article-page', { slug: z.string() }, (deps, { slug }) => {
  const pack = deps.catalogue.pack(slug);
  if (!pack) throw new UserError('That article is no longer available. Run /article again.');
  return articlePages(pack);
});

const data = {
  name: 'article',
  description: 'Read the article: title, author, source, date and the full text',
  ...SERVER_OR_DM,
  options: [articleOption, privateOption],
} as const satisfies CommandData;

export const article = defineCommand({
  data,
  handler: {
    access: 'anyone',
    async run({ interaction, deps, args, place }) {
      const pack = await resolvePack(deps, place?.guildId ?? null, args.article);
      await pager.reply(interaction, articlePages(pack), { slug: pack.slug }, args.private ?? false);
    },
  },
  buttons: [pager.button],
});
