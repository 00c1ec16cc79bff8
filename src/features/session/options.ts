import { type APIApplicationCommandBasicOption, ApplicationCommandOptionType } from 'discord.js';
import { choicesOf, LEVEL_LABEL, THEME_LABEL } from '../../content/labels.js';
import { LEVELS, THEMES } from '../../content/schema.js';
import type { ArgumentsOf } from '../../discord-kit/options.js';
import { articleOption } from '../settings/article-option.js';
import { PROMPT_COUNT } from './state.js';

/** The options of /session start: which prompts, how many, and where the replies go. */
export const SESSION_START_OPTIONS = [
  articleOption,
  {
    type: ApplicationCommandOptionType.String,
    name: 'theme',
    description: 'Only prompts on this theme',
    choices: choicesOf(THEMES, THEME_LABEL),
  },
  {
    type: ApplicationCommandOptionType.String,
    name: 'level',
    description: 'Only prompts at this level of thinking',
    choices: choicesOf(LEVELS, LEVEL_LABEL),
  },
  {
    type: ApplicationCommandOptionType.Integer,
    name: 'prompts',
    description: `How many prompts, ${PROMPT_COUNT.min} to ${PROMPT_COUNT.max} (default ${PROMPT_COUNT.default})`,
    min_value: PROMPT_COUNT.min,
    max_value: PROMPT_COUNT.max,
  },
  {
    type: ApplicationCommandOptionType.Boolean,
    name: 'threads',
    description: 'Open a thread for the replies to each prompt (default: yes)',
  },
] as const satisfies readonly APIApplicationCommandBasicOption[];

/** What a host chose in /session start. */
export type SessionStartArgs = ArgumentsOf<{ name: 'start'; options: typeof SESSION_START_OPTIONS }>;
