import { z } from 'zod';
import { contentId, defineButton, questionIndex } from '../../discord-kit/custom-id.js';

/** A session's id: its start time in base 36 (see sessionIdOf). */
const sessionId = z.string().regex(/^[a-z0-9]{1,12}$/);
const claimId = contentId(40);

/** The session's buttons: the renderer encodes with these, the router decodes with them. */
export const SESSION_BUTTONS = {
  next: defineButton('session-next', { sessionId, index: questionIndex }),
  followUp: defineButton('session-follow-up', { sessionId, index: questionIndex }),
  poll: defineButton('session-poll', { sessionId, index: questionIndex }),
  pollClaim: defineButton('session-poll-claim', { sessionId, claimId }),
  closePoll: defineButton('session-poll-close', { sessionId, claimId }),
  end: defineButton('session-end', { sessionId }),
  passage: defineButton('session-passage', { slug: contentId(60), questionId: contentId(40) }),
} as const;
