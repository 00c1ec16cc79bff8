import { z } from 'zod';
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

/** One part of an id: read from its text, written back as `String(value)`. */
export type IdPart = z.ZodType<string | number, string>;
export type IdShape = Readonly<Record<string, IdPart>>;
export type IdArgs<S extends IdShape> = z.output<z.ZodObject<{ -readonly [K in keyof S]: S[K] }>>;

/**
 * A button action and the arguments its id carries, in the order of `shape`'s
 * keys: the renderer encodes with it and the router decodes with it, so the two
 * halves cannot drift apart.
 */
export interface ButtonCodec<S extends IdShape> {
  readonly action: string;
  encode(args: IdArgs<S>): string;
  /** The id's parts after the action, as `encode` writes them. */
  parts(args: IdArgs<S>): string[];
  /** The arguments of an id's parts; null when they are forged or outdated. */
  decode(parts: readonly string[]): IdArgs<S> | null;
}

export function defineButton<const S extends IdShape>(action: string, shape: S): ButtonCodec<S> {
  if (!ACTION.test(action)) throw new Error(`invalid component action ${action}`);
  const keys = Object.keys(shape);
  const schema = z.object(shape);
  const parts = (args: IdArgs<S>): string[] => {
    const values: Record<string, unknown> = args;
    return keys.map((key) => String(values[key]));
  };
  return {
    action,
    encode: (args) => encodeId(action, ...parts(args)),
    parts,
    decode(parts) {
      if (parts.length !== keys.length) return null;
      const parsed = schema.safeParse(Object.fromEntries(keys.map((key, i) => [key, parts[i]])));
      return parsed.success ? parsed.data : null;
    },
  };
}

/** Parts most ids share. A number is checked as text first, since ids can be forged. */
export const idNumber = (digits: number) =>
  z
    .string()
    .regex(new RegExp(`^\\d{1,${digits}}$`))
    .transform(Number);
/** A question's index in a round, session or homework. */
export const questionIndex = idNumber(2);
/** A choice of a quiz item: A to D. */
export const choiceIndex = z
  .string()
  .regex(/^[0-3]$/)
  .transform(Number);
export const snowflake = z.string().regex(/^\d{1,20}$/);
/** A content id (a pack's slug, a question or claim id). */
export const contentId = (max: number) => z.string().regex(new RegExp(`^[a-z0-9-]{1,${max}}$`));
