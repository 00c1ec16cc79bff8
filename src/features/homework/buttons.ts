import { z } from 'zod';
import { choiceIndex, defineButton, questionIndex } from '../../discord-kit/custom-id.js';
import { ASSIGNMENT_ID } from './state.js';

const assignmentId = z.string().regex(ASSIGNMENT_ID);

/** Homework's buttons: the renderer encodes with these, the router decodes with them. */
export const HOMEWORK_BUTTONS = {
  start: defineButton('hw-start', { assignmentId }),
  /** `position` in the student's own order; `choice` is the item's own choice index. */
  answer: defineButton('hw-answer', { assignmentId, position: questionIndex, choice: choiceIndex }),
  next: defineButton('hw-next', { assignmentId }),
  review: defineButton('hw-review', { assignmentId, step: questionIndex }),
  score: defineButton('hw-score', { assignmentId }),
} as const;
