import { ApplicationCommandOptionType, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { type Deps, defineCommand, onButton } from '../src/app/command.js';
import { choicesOf, LEVEL_LABEL, THEME_LABEL } from '../src/content/labels.js';
import type { Pack } from '../src/content/schema.js';
import { LEVELS, THEMES } from '../src/content/schema.js';
import { UserError } from '../src/discord-kit/errors.js';
import { type CommandData, SERVER_OR_DM } from '../src/discord-kit/options.js';
import { ReplyBodies, toReply } from '../src/discord-kit/reply.js';
import { QUESTION_NEXT } from '../src/features/reading/buttons.js';
import { nextQuestionFor } from '../src/features/reading/questions.js';
import type { QuestionFilter } from '../src/features/reading/render.js';
import { articleOption, resolvePack } from '../src/features/settings/article-option.js';
import { isHostOf } from '../src/features/settings/host.js';

const data = {
  name: 'question',
  description: 'The next discussion question for this server, with follow-ups; none repeats until all were used',
  ...SERVER_OR_DM,
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'theme',
      description: 'Only questions on this theme',
      choices: choicesOf(THEMES, THEME_LABEL),
    },
    {
      type: ApplicationCommandOptionType.String,
      name: 'level',
      description: 'Only questions at this level of thinking',
      choices: choicesOf(LEVELS, LEVEL_LABEL),
    },
    articleOption,
  ],
} as const satisfies CommandData;

/** A question's reply is the same message for every student who draws it: resolved once. */
const QUESTION_REPLIES = new ReplyBodies<string>();

/** Posts the question; a host also gets its teacher note, privately. */
async function ask(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  deps: Deps,
  guildId: string,
  pack: Pack,
  filter: QuestionFilter,
): Promise<void> {
  const isHost = await isHostOf(interaction, deps);
  const { reply, replyKey, hostNote } = await nextQuestionFor(deps, { guildId, isHost }, pack, filter);
  await interaction.reply(QUESTION_REPLIES.payload(interaction, replyKey, () => reply));
  if (hostNote) await interaction.followUp(toReply(hostNote, true));
}

export const question = defineCommand({
  data,
  outsideServer: 'Discussion questions work in a server, not in direct messages.',
  handler: {
    access: 'guild',
    async run({ interaction, deps, args, place }) {
      const pack = await resolvePack(deps, place.guildId, args.article);
      await ask(interaction, deps, place.guildId, pack, { theme: args.theme, level: args.level });
    },
  },
  buttons: [
    onButton(QUESTION_NEXT, {
      access: 'guild',
      async run({ interaction, deps, args, place }) {
        const pack = deps.catalogue.pack(args.slug);
        if (!pack) throw new UserError('That article is no longer available. Run /question again.');
        const filter = { theme: args.theme === '-' ? null : args.theme, level: args.level === '-' ? null : args.level };
        await ask(interaction, deps, place.guildId, pack, filter);
      },
    }),
  ],
});
