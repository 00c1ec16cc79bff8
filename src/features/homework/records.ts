import { defineRecord } from '../../store/index.js';
import {
  type Assignment,
  AssignmentSchema,
  type IndexEntry,
  IndexSchema,
  type Progress,
  ProgressSchema,
  RosterPageSchema,
} from './state.js';

/** Homework's stored records, in each server's namespace of the store. */

export const ASSIGNMENT_PREFIX = 'homework:assignment:';

export const homeworkAssignmentRecord = defineRecord({
  key: (assignmentId: string) => `${ASSIGNMENT_PREFIX}${assignmentId}`,
  version: 1,
  schema: AssignmentSchema.nullable(),
  initial: (): Assignment | null => null,
});

/** The server's assignments, newest first, for defaults and autocomplete. */
export const homeworkIndexRecord = defineRecord({
  key: 'homework:index',
  version: 1,
  schema: IndexSchema,
  initial: (): IndexEntry[] => [],
});

/** One student's run of one assignment: their order and answers. */
export const homeworkProgressRecord = defineRecord<Progress | null, [assignmentId: string, userId: string]>({
  key: (assignmentId, userId) => `homework:progress:${assignmentId}:${userId}`,
  version: 1,
  schema: ProgressSchema.nullable(),
  initial: () => null,
});

/** Page `page` of the students who started, numbered from 0 without gaps. */
export const homeworkRosterRecord = defineRecord<string[], [assignmentId: string, page: number]>({
  key: (assignmentId, page) => `homework:roster:${assignmentId}:${page}`,
  version: 1,
  schema: RosterPageSchema,
  initial: () => [],
});
