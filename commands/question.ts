import {
  ApplicationCommandOptionType,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  MessageFlags,
  subtext,
} from 'discord.js';
import { z } from 'zod';
import type { CommandModule, Deps } from '../src/app/command.js';
import { choicesOf, LEVEL_LABEL, THEME_LABEL } from '../src/content/labels.js';
import type { Pack } from '../src/content/schema.js';
import { LEVELS, type Level, THEMES, type Theme } from '../src/content/schema.js';
import { parseArgs } from '../src/discord-kit/custom-id.js';
import { UserError } from '../src/discord-kit/errors.js';
import { enumOption } from '../src/discord-kit/options.js';
import { type MessageView, toReply } from '../src/discord-kit/reply.js';
import { questionReply, type ReplyOptions } from '../src/features/reading/prepared.js';
import {
  type DrawResult,
  drawQuestion,
  matchingQuestions,
  peekQuestion,
  questionsUsedRecord,
} from '../src/features/reading/questions.js';
import { type QuestionFilter, renderTeacherNote } from '../src/features/reading/render.js';
import { articleOption, resolvePack } from '../src/features/settings/article-option.js';
import { isHostOf } from '../src/features/settings/host.js';

const NO_MATCH = 'No discussion question matches that theme and level. Try without one of them.';

// Hosts post to the class and spend the server's no-repeat list; anyone else
// gets a question privately, so students cannot use up the host's list.
async function nextQuestion(
  interaction: Interaction,
  pack: Pack,
  filter: QuestionFilter,
  deps: Deps,
): Promise<{ reply: ReplyOptions; hostNote: MessageView | null }> {
  const guildId = interaction.guildId;
  if (!guildId) throw new UserError('Discussion questions work in a server, not in direct messages.');
  if (!(await isHostOf(interaction, deps))) {
    const question = peekQuestion(pack, filter, deps.now());
    if (!question) throw new UserError(NO_MATCH);
    const note = subtext('Only you can see this question. Your host posts questions for the whole class.');
    return { reply: { ...questionReply(pack, question, filter, note), flags: MessageFlags.Ephemeral }, hostNote: null };
  }
  const drawn = await deps.store.update<Record<string, string[]>, DrawResult>(guildId, questionsUsedRecord, (used) => {
    const result = drawQuestion(pack, used[pack.slug] ?? [], filter, deps.now());
    return result.ok ? { value: { ...used, [pack.slug]: result.used }, result } : { value: used, result };
  });
  if (!drawn.ok) throw new UserError(NO_MATCH);
  const only = matchingQuestions(pack, filter).length === 1;
  const note = only
    ? subtext('This is the only question that matches; choose another theme or level for more.')
    : drawn.cycled
      ? subtext('Every matching question has been used once; starting a new round of them.')
      : null;
  return { reply: questionReply(pack, drawn.question, filter, note), hostNote: renderTeacherNote(drawn.question) };
}

/** Posts the question; a host also gets its teacher note, privately. */
async function answer(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  pack: Pack,
  filter: QuestionFilter,
  deps: Deps,
): Promise<void> {
  const { reply, hostNote } = await nextQuestion(interaction, pack, filter, deps);
  await interaction.reply(reply);
  if (hostNote) await interaction.followUp(toReply(hostNote, true));
}

const ButtonArgs = z.tuple([z.string(), z.enum(['-', ...THEMES]), z.enum(['-', ...LEVELS])]);

export const question: CommandModule = {
  data: {
    name: 'question',
    description: 'The next discussion question for this server, with follow-ups; none repeats until all were used',
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
  },
  async execute(interaction, deps) {
    const pack = await resolvePack(interaction, deps);
    const filter = {
      theme: enumOption<Theme>(interaction.options.getString('theme'), THEMES),
      level: enumOption<Level>(interaction.options.getString('level'), LEVELS),
    };
    await answer(interaction, pack, filter, deps);
  },
  components: {
    async 'question-next'(interaction, args, deps) {
      const [slug, theme, level] = parseArgs(ButtonArgs, args);
      const pack = deps.catalogue.pack(slug);
      if (!pack) throw new UserError('That article is no longer available. Run /question again.');
      const filter = { theme: theme === '-' ? null : theme, level: level === '-' ? null : level };
      await answer(interaction, pack, filter, deps);
    },
  },
};
