import { type APIApplicationCommandBasicOption, ApplicationCommandOptionType } from 'discord.js';
import { choicesOf, DIFFICULTY_LABEL } from '../../content/labels.js';
import { DIFFICULTIES } from '../../content/schema.js';
import { articleOption } from '../settings/article-option.js';
import { DEFAULT_DUE, HOMEWORK_QUESTIONS } from './state.js';

/** The options of /homework assign: how much, when it is due, and whether late work counts. */
export const HOMEWORK_ASSIGN_OPTIONS = [
  {
    type: ApplicationCommandOptionType.Integer,
    name: 'questions',
    description: `How many questions, ${HOMEWORK_QUESTIONS.min} to ${HOMEWORK_QUESTIONS.max} (default ${HOMEWORK_QUESTIONS.default})`,
    min_value: HOMEWORK_QUESTIONS.min,
    max_value: HOMEWORK_QUESTIONS.max,
  },
  {
    type: ApplicationCommandOptionType.String,
    name: 'due',
    description: `When it is due: 3d, 12h, 90m, or a date such as 2026-12-10 (default ${DEFAULT_DUE})`,
    max_length: 40,
  },
  {
    type: ApplicationCommandOptionType.String,
    name: 'difficulty',
    description: 'Only questions of this difficulty',
    choices: choicesOf(DIFFICULTIES, DIFFICULTY_LABEL),
  },
  articleOption,
  {
    type: ApplicationCommandOptionType.Boolean,
    name: 'late',
    description: 'Accept work after the due time, marked late (default: the card closes at the due time)',
  },
] as const satisfies readonly APIApplicationCommandBasicOption[];

/** Which homework a host means: completed from the server's list. */
export const assignmentOption = {
  type: ApplicationCommandOptionType.String,
  name: 'assignment',
  description: 'Which homework (default: the newest in this channel)',
  autocomplete: true,
} as const satisfies APIApplicationCommandBasicOption;
