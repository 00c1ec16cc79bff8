import { z } from 'zod';
import { LEVELS, THEMES } from '../../content/schema.js';
import { defineButton } from '../../discord-kit/custom-id.js';

/** "Another question": the same pack and filter again; `-` is no filter. */
export const QUESTION_NEXT = defineButton('question-next', {
  slug: z.string(),
  theme: z.enum(['-', ...THEMES]),
  level: z.enum(['-', ...LEVELS]),
});
