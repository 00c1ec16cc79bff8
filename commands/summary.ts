import { ApplicationCommandOptionType } from 'discord.js';
import { defineCommand } from '../src/app/command.js';
import { choicesOf, LENGTH_LABEL } from '../src/content/labels.js';
import { SUMMARY_LENGTHS } from '../src/content/schema.js';
import { type CommandData, privateOption, SERVER_OR_DM } from '../src/discord-kit/options.js';
import { preparedReply, preparedSummary } from '../src/features/reading/prepared.js';
import { articleOption, resolvePack } from '../src/features/settings/article-option.js';

const data = {
  name: 'summary',
  description: 'A summary of the article, brief, standard or detailed, with the paragraphs each part covers',
  ...SERVER_OR_DM,
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
} as const satisfies CommandData;

export const summary = defineCommand({
  data,
  handler: {
    access: 'anyone',
    async run({ interaction, deps, args, place }) {
      const pack = await resolvePack(deps, place?.guildId ?? null, args.article);
      await interaction.reply(
        preparedReply(interaction, preparedSummary(pack, args.length ?? 'standard'), args.private ?? false),
      );
    },
  },
});
