import { z } from 'zod';
import { choiceIndex, defineButton, idNumber, questionIndex, snowflake } from '../../discord-kit/custom-id.js';

/** A round's id: its start time in base 36 and four hex digits. */
const roundId = z.string().regex(/^[a-z0-9]{1,20}$/);

/** The quiz's buttons: the renderer encodes with these, the router decodes with them. */
export const QUIZ_BUTTONS = {
  /** `index` is the item's own choice index, not the shuffled position the student saw. */
  answer: defineButton('quiz-answer', { roundId, index: questionIndex, choice: choiceIndex }),
  reveal: defineButton('quiz-reveal', { roundId, index: questionIndex }),
  next: defineButton('quiz-next', { roundId, index: questionIndex }),
  stop: defineButton('quiz-stop', { roundId }),
  /** `index` past the last question: the whole round. */
  mine: defineButton('quiz-mine', { roundId, index: questionIndex }),
  /** Confirms clearing the scores: only by the host who asked, until `expires` (Unix seconds). */
  reset: defineButton('quiz-reset', { ownerId: snowflake, expires: idNumber(12) }),
  resetCancel: defineButton('quiz-reset-cancel', {}),
} as const;
