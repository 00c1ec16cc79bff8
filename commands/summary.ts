import { ApplicationCommandOptionType } from 'discord.js';
import type { CommandModule } from '../src/app/command.js';
import { choicesOf, LENGTH_LABEL } from '../src/content/labels.js';
import { SUMMARY_LENGTHS } from '../src/content/schema.js';
import { enumOption, privateOption } from '../src/discord-kit/options.js';
import { preparedSummary, replyOf } from '../src/features/reading/prepared.js';
import { articleOption, resolvePack } from '../src/features/settings/article-option.js';

export const summary: CommandModule = {
  data: {
    name: 'summary',
    description: 'A summary of the article, brief, standard or detailed, with the paragraphs each part covers',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'length',
        description: 'How long a summary (default: standard)',
        choices: choicesOf(SUMMARY_LENGTHS, LENGTH_LABEL),
      },
      articleOption,
      privateOption,
    ],
  },
  async execute(interaction, deps) {
    const pack = await resolvePack(interaction, deps);
    const length = enumOption(interaction.options.getString('length'), SUMMARY_LENGTHS) ?? 'standard';
    const ephemeral = interaction.options.getBoolean('private') ?? false;
    await interaction.reply(replyOf(preparedSummary(pack, length), ephemeral));
  },
};
