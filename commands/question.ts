import { ApplicationCommandOptionType } from 'discord.js';
import { z } from 'zod';
import type { Pack } from '../src/content/schema.js';
import { LEVELS, type Level, THEMES, type Theme } from '../src/content/schema.js';
import { articleOption, resolvePack } from '../src/discord/article-option.js';
import type { CommandModule, Deps } from '../src/discord/command.js';
import { parseArgs } from '../src/discord/custom-id.js';
import { UserError } from '../src/discord/errors.js';
import { enumOption } from '../src/discord/options.js';
import { type DrawResult, drawQuestion, questionsUsedRecord } from '../src/questions.js';
import { choicesOf, LEVEL_LABEL, THEME_LABEL } from '../src/views/labels.js';
import { questionReply } from '../src/views/prepared.js';
import type { QuestionFilter } from '../src/views/reading.js';

async function nextQuestion(guildId: string | null, pack: Pack, filter: QuestionFilter, deps: Deps) {
  if (!guildId) throw new UserError('Discussion questions work in a server, not in direct messages.');
  const drawn = await deps.store.update<Record<string, string[]>, DrawResult>(guildId, questionsUsedRecord, (used) => {
    const result = drawQuestion(pack, used[pack.slug] ?? [], filter, deps.now());
    return result.ok ? { value: { ...used, [pack.slug]: result.used }, result } : { value: used, result };
  });
  if (!drawn.ok) {
    throw new UserError('No discussion question matches that theme and level. Try without one of them.');
  }
  const note = drawn.cycled ? '-# Every matching question has been used once; starting a new round of them.' : null;
  return questionReply(pack, drawn.question, filter, note);
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
    await interaction.reply(await nextQuestion(interaction.guildId, pack, filter, deps));
  },
  components: {
    async 'question-next'(interaction, args, deps) {
      const [slug, theme, level] = parseArgs(ButtonArgs, args);
      const pack = deps.catalogue.pack(slug);
      if (!pack) throw new UserError('That article is no longer available. Run /question again.');
      const filter = { theme: theme === '-' ? null : theme, level: level === '-' ? null : level };
      await interaction.reply(await nextQuestion(interaction.guildId, pack, filter, deps));
    },
  },
};
