import { z } from 'zod';
import { articleOption, resolvePack } from '../src/discord/article-option.js';
import type { CommandModule } from '../src/discord/command.js';
import { parseArgs } from '../src/discord/custom-id.js';
import { UserError } from '../src/discord/errors.js';
import { privateOption } from '../src/discord/options.js';
import { createPager } from '../src/discord/paging.js';
import { articlePages } from '../src/views/prepared.js';

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
