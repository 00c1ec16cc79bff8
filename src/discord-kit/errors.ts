/**
 * An error meant for the person who clicked or typed: its message is shown to
 * them, ephemerally, as it is. Anything else is logged and answered generically.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export const GENERIC_FAILURE = 'Something went wrong on our side. Please try again in a moment.';
