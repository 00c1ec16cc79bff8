import { type APIApplicationCommandBasicOption, ApplicationCommandOptionType } from 'discord.js';
import { choicesOf, DIFFICULTY_LABEL } from '../../content/labels.js';
import { DIFFICULTIES } from '../../content/schema.js';
import type { ArgumentsOf } from '../../discord-kit/options.js';
import { articleOption } from '../settings/article-option.js';
import { QUESTION_COUNT, SECONDS } from './state.js';

/** The options of /quiz start: a round's settings, worded with the limits they are checked against. */
export const QUIZ_START_OPTIONS = [
  {
    type: ApplicationCommandOptionType.Integer,
    name: 'questions',
    description: `How many questions, ${QUESTION_COUNT.min} to ${QUESTION_COUNT.max} (default ${QUESTION_COUNT.default})`,
    min_value: QUESTION_COUNT.min,
    max_value: QUESTION_COUNT.max,
  },
  {
    type: ApplicationCommandOptionType.Integer,
    name: 'seconds',
    description: `Seconds per question, ${SECONDS.min} to ${SECONDS.max} (default ${SECONDS.default}); 0 = no timer, you reveal`,
    min_value: 0,
    max_value: SECONDS.max,
  },
  {
    type: ApplicationCommandOptionType.String,
    name: 'scoring',
    description: 'speed: faster correct answers earn more; simple: 1 point per correct answer',
    choices: [
      { name: 'Speed (up to 1,000 points)', value: 'speed' },
      { name: 'Simple (1 point each)', value: 'simple' },
    ],
  },
  {
    type: ApplicationCommandOptionType.String,
    name: 'difficulty',
    description: 'Only questions of this difficulty',
    choices: choicesOf(DIFFICULTIES, DIFFICULTY_LABEL),
  },
  {
    type: ApplicationCommandOptionType.Boolean,
    name: 'auto',
    description: 'Go to the next question by itself a few seconds after each reveal',
  },
  {
    type: ApplicationCommandOptionType.Boolean,
    name: 'host_plays',
    description: 'Your own answers score too (default: you run the round and do not score)',
  },
  articleOption,
] as const satisfies readonly APIApplicationCommandBasicOption[];

/** What a host chose in /quiz start. */
export type QuizStartArgs = ArgumentsOf<{ name: 'start'; options: typeof QUIZ_START_OPTIONS }>;

/** /quiz leaderboard: this channel's round or all of the server's. */
export const scopeOption = {
  type: ApplicationCommandOptionType.String,
  name: 'scope',
  description: "This channel's round, or all rounds on this server (default)",
  choices: [
    { name: 'This round', value: 'round' },
    { name: 'All time', value: 'all-time' },
  ],
} as const satisfies APIApplicationCommandBasicOption;

/** /quiz report: a kept round, completed from the server's history. */
export const roundOption = {
  type: ApplicationCommandOptionType.String,
  name: 'round',
  description: 'Which round (default: the latest in this channel)',
  autocomplete: true,
} as const satisfies APIApplicationCommandBasicOption;
