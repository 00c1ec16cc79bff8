import { z } from 'zod';
import { articleOption, resolvePack } from '../src/discord/article-option.js';
import type { CommandModule } from '../src/discord/command.js';
import { parseArgs } from '../src/discord/custom-id.js';
import { UserError } from '../src/discord/errors.js';
import { privateOption } from '../src/discord/options.js';
import { createPager } from '../src/discord/paging.js';
import { renderArticlePages } from '../src/views/reading.js';

const pager = createPager('article-page', (deps, args) => {
  const [slug] = parseArgs(z.tuple([z.string()]), args);
  const pack = deps.catalogue.pack(slug);
  if (!pack) throw new UserError('That article is no longer available. Run /article again.');
  return renderArticlePages(pack);
});

export const article: CommandModule = {
  data: {
    name: 'article',
    description: 'Read the article: title, author, source, date and the full text',
    options: [articleOption, privateOption],
  },
  async execute(interaction, deps) {
    const pack = await resolvePack(interaction, deps);
    await pager.reply(interaction, deps, [pack.slug], interaction.options.getBoolean('private') ?? false);
  },
  components: { [pager.action]: pager.handler },
};
