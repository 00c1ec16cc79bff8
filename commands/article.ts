import { z } from 'zod';
import type { CommandModule } from '../src/app/command.js';
import { createPager } from '../src/app/paging.js';
import { parseArgs } from '../src/discord-kit/custom-id.js';
import { UserError } from '../src/discord-kit/errors.js';
import { privateOption } from '../src/discord-kit/options.js';
import { articlePages } from '../src/features/reading/prepared.js';
import { articleOption, resolvePack } from '../src/features/settings/article-option.js';

const PageArgs = z.tuple([z.string()]);

const pager = createPager('article-page', (deps, args) => {
  const [slug] = parseArgs(PageArgs, args);
  const pack = deps.catalogue.pack(slug);
  if (!pack) throw new UserError('That article is no longer available. Run /article again.');
  return articlePages(pack);
});

export const article: CommandModule = {
  data: {
    name: 'article',
    description: 'Read the article: title, author, source, date and the full text',
    options: [articleOption, privateOption],
  },
  async execute(interaction, deps) {
    const pack = await resolvePack(interaction, deps);
    const ephemeral = interaction.options.getBoolean('private') ?? false;
    await pager.reply(interaction, articlePages(pack), [pack.slug], ephemeral);
  },
  components: { [pager.action]: pager.handler },
};
