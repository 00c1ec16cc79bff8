import { z } from 'zod';

/**
 * A kind of per-server record: where it lives in the server's namespace, the
 * shape of its data and what it is before anything was stored. Schemas must
 * describe plain JSON data (no Date, Map, undefined in arrays): values are
 * stored as JSON and validated again when read.
 */
export interface RecordType<T> {
  /** Key inside the server's namespace, e.g. `settings` or `quiz:round:<channelId>`. */
  readonly key: string;
  /** Bumped when the shape changes; stored values of another version go through `migrate`. */
  readonly version: number;
  readonly schema: z.ZodType<T>;
  readonly initial: () => T;
  /**
   * Turns data stored under an older version into data for this version (validated
   * afterwards with `schema`); `undefined` when there is no way from that version.
   * Without a way, a value of another version is unreadable and set aside (see
   * guild-store.ts): to drop old data on purpose, return `initial()` here.
   */
  readonly migrate?: (data: unknown, fromVersion: number) => unknown;
}

export interface RecordFamilyDefinition<T, P extends readonly unknown[] = [id: string]>
  extends Omit<RecordType<T>, 'key'> {
  /** Builds the key from parameters; keep a constant prefix so `listRecords(prefix)` finds them. */
  readonly key: (...params: P) => string;
}

/**
 * Declares a record. With a key function it returns a factory, so a record per
 * channel reads `quizRound(channelId)`.
 */
export function defineRecord<T>(definition: RecordType<T>): RecordType<T>;
export function defineRecord<T, P extends readonly unknown[] = [id: string]>(
  definition: RecordFamilyDefinition<T, P>,
): (...params: P) => RecordType<T>;
export function defineRecord<T, P extends readonly unknown[]>(
  definition: RecordType<T> | RecordFamilyDefinition<T, P>,
): RecordType<T> | ((...params: P) => RecordType<T>) {
  const { key } = definition;
  if (typeof key === 'string') return { ...definition, key };
  return (...params: P) => ({ ...definition, key: key(...params) });
}

/** What is stored under a key: the record's version next to its data. */
export const StoredEnvelopeSchema = z.object({ v: z.number().int(), data: z.unknown() });
export type StoredEnvelope = z.infer<typeof StoredEnvelopeSchema>;

/** Stored text that is not JSON at all; kept so it can be reported like any other invalid value. */
export class UnparseableText {
  constructor(readonly text: string) {}
}

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: Problem };

/** Why a stored value could not be read; stored with the value when it is set aside. */
export const ProblemSchema = z.object({
  reason: z.enum(['not-json', 'not-an-envelope', 'other-version', 'migration-failed', 'invalid-data']),
  storedVersion: z.number().int().optional(),
  issues: z.array(z.string()).readonly().optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

function formatIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

/** Validates data that claims to be of this record's current version. */
export function validateData<T>(record: RecordType<T>, data: unknown): Decoded<T> {
  const parsed = record.schema.safeParse(data);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: { reason: 'invalid-data', issues: formatIssues(parsed.error) } };
}

/** Turns what Keyv handed back for a key into this record's value, or says why it cannot. */
export function decodeStored<T>(record: RecordType<T>, stored: unknown): Decoded<T> {
  if (stored instanceof UnparseableText) return { ok: false, problem: { reason: 'not-json' } };
  const envelope = StoredEnvelopeSchema.safeParse(stored);
  if (!envelope.success) {
    return { ok: false, problem: { reason: 'not-an-envelope', issues: formatIssues(envelope.error) } };
  }
  const { v, data } = envelope.data;
  if (v === record.version) return validateData(record, data);
  if (!record.migrate) return { ok: false, problem: { reason: 'other-version', storedVersion: v } };
  let migrated: unknown;
  try {
    migrated = record.migrate(data, v);
  } catch (error) {
    return { ok: false, problem: { reason: 'migration-failed', storedVersion: v, issues: [String(error)] } };
  }
  if (migrated === undefined) return { ok: false, problem: { reason: 'other-version', storedVersion: v } };
  const decoded = validateData(record, migrated);
  return decoded.ok ? decoded : { ok: false, problem: { ...decoded.problem, storedVersion: v } };
}

/**
 * Unreadable values are set aside in the server's namespace: the index
 * `quarantine` lists the keys set aside (one small value per server, read once
 * per process, so a write needs no extra read to know it is allowed), and
 * `quarantine:<key>` keeps each raw value for the operator. Record keys may not
 * use these names.
 */
export const QUARANTINE_INDEX_KEY = 'quarantine';
const QUARANTINE_PREFIX = `${QUARANTINE_INDEX_KEY}:`;

export function quarantineKey(recordKey: string): string {
  return `${QUARANTINE_PREFIX}${recordKey}`;
}

/** The record key a quarantine entry belongs to; `undefined` for other keys. */
export function quarantinedRecordKey(key: string): string | undefined {
  return key.startsWith(QUARANTINE_PREFIX) ? key.slice(QUARANTINE_PREFIX.length) : undefined;
}

export function isQuarantineKey(key: string): boolean {
  return key === QUARANTINE_INDEX_KEY || key.startsWith(QUARANTINE_PREFIX);
}

export const QuarantineNoteSchema = z.object({
  /** ISO time it was set aside. */
  at: z.string(),
  problem: ProblemSchema,
});
export type QuarantineNote = z.infer<typeof QuarantineNoteSchema>;

export const QuarantineEntrySchema = QuarantineNoteSchema.extend({
  /** The version the record expected when it could not read the value. */
  recordVersion: z.number().int(),
  /** The stored value as text: verbatim when it was not JSON, else its JSON. */
  raw: z.string(),
});
export type QuarantineEntry = z.infer<typeof QuarantineEntrySchema>;

export const QuarantineIndexSchema = z.record(z.string(), QuarantineNoteSchema);
export type QuarantineIndex = z.infer<typeof QuarantineIndexSchema>;

/** Both are stored in the usual envelope, at this version. */
export const QUARANTINE_VERSION = 1;
