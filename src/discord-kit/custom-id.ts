import { z } from 'zod';
import { UserError } from './errors.js';
import { LIMITS } from './limits.js';

/**
 * Component ids are `action:arg:arg...`. Everything a button needs is in its id,
 * so a button keeps working after a restart; anything decoded from an id is
 * validated, because ids come back from the client and can be forged.
 */
const ACTION = /^[a-z][a-z0-9-]{0,19}$/;
const ARG = /^[A-Za-z0-9_.-]*$/;

export interface DecodedId {
  action: string;
  args: string[];
}

export function encodeId(action: string, ...args: ReadonlyArray<string | number>): string {
  if (!ACTION.test(action)) throw new Error(`invalid component action ${action}`);
  const parts = args.map(String);
  for (const part of parts) if (!ARG.test(part)) throw new Error(`invalid component id part ${part}`);
  const id = [action, ...parts].join(':');
  if (id.length > LIMITS.customId) throw new Error(`component id too long: ${id}`);
  return id;
}

export function decodeId(id: string): DecodedId | null {
  if (id.length === 0 || id.length > LIMITS.customId) return null;
  const [action, ...args] = id.split(':');
  if (action === undefined || !ACTION.test(action) || !args.every((a) => ARG.test(a))) return null;
  return { action, args };
}

export const MALFORMED_BUTTON =
  'This button is not one Roundtable understands. Run the command again to get a fresh one.';

/** Parses a button's arguments, refusing forged or outdated ids in words a student understands. */
export function parseArgs<T>(schema: z.ZodType<T>, args: readonly string[]): T {
  const parsed = schema.safeParse(args);
  if (!parsed.success) throw new UserError(MALFORMED_BUTTON);
  return parsed.data;
}

/** A number carried in a custom id: checked as text against `pattern` first, since ids can be forged. */
export function numberArg(pattern: RegExp) {
  return z.string().regex(pattern).transform(Number);
}
