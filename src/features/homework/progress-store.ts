import type { GuildStore } from '../../store/index.js';
import * as engine from './engine.js';
import { homeworkProgressRecord, homeworkRosterRecord } from './records.js';
import { type Assignment, type Progress, type QuizItems, ROSTER_PAGE } from './state.js';

/**
 * Students' progress in the store. An answer is one read-modify-write of that
 * student's own record (its size bounded by the questions of the assignment),
 * so it costs the same whatever the class size; the engine decides inside the
 * write, so a double click cannot record two first answers. The roster of who
 * started is paged: a start rewrites the last page only.
 */

/** Pages asked for in one store round trip when the roster is read back. */
const ROSTER_READ = 8;
/** Progress records asked for in one store round trip. */
const PROGRESS_READ = 500;

export interface AnswerResult {
  readonly outcome: engine.AnswerOutcome;
  /** The student's progress after the answer; null when they never started. */
  readonly progress: Progress | null;
}

export interface ProgressStore {
  begin(guildId: string, assignment: Assignment, student: engine.Student, at: number): Promise<engine.BeginOutcome>;
  answer(
    guildId: string,
    assignment: Assignment,
    userId: string,
    event: { readonly position: number; readonly choice: number },
    items: QuizItems,
    at: number,
  ): Promise<AnswerResult>;
  read(guildId: string, assignmentId: string, userId: string): Promise<Progress | null>;
  /** Every student who started, in the order they did. */
  readAll(guildId: string, assignmentId: string): Promise<Progress[]>;
}

export function createProgressStore(store: GuildStore): ProgressStore {
  // The roster's last page per assignment: a hint only, since each append checks the page it writes.
  const tails = new Map<string, number>();

  async function addToRoster(guildId: string, assignmentId: string, userId: string): Promise<void> {
    const key = `${guildId}:${assignmentId}`;
    let page = tails.get(key) ?? 0;
    for (;;) {
      const placed = await store.update(guildId, homeworkRosterRecord(assignmentId, page), (ids) => {
        if (ids.includes(userId)) return { value: ids, result: true };
        if (ids.length >= ROSTER_PAGE) return { value: ids, result: false };
        return { value: [...ids, userId], result: true };
      });
      if (placed) break;
      page += 1;
    }
    tails.set(key, page);
  }

  async function readRoster(guildId: string, assignmentId: string): Promise<string[]> {
    const ids: string[] = [];
    for (let first = 0; ; first += ROSTER_READ) {
      const pages = await store.readMany(
        guildId,
        Array.from({ length: ROSTER_READ }, (_, i) => homeworkRosterRecord(assignmentId, first + i)),
      );
      for (const page of pages) {
        if (page === undefined) return [...new Set(ids)];
        ids.push(...page);
      }
    }
  }

  return {
    async begin(guildId, assignment, student, at) {
      const record = homeworkProgressRecord(assignment.id, student.userId);
      const stored = await store.read(guildId, record);
      const outcome = engine.begin(assignment, stored, student, at);
      if (outcome.kind !== 'started') return outcome;
      // The roster first: a start cut off between the two writes leaves a name with no progress, never progress nobody lists.
      await addToRoster(guildId, assignment.id, student.userId);
      return store.update(guildId, record, (current) => {
        // Another start got there first (a double click): theirs stands.
        if (current) return { value: current, result: engine.begin(assignment, current, student, at) };
        return { value: outcome.progress, result: outcome };
      });
    },

    async answer(guildId, assignment, userId, event, items, at) {
      return store.update<Progress | null, AnswerResult>(
        guildId,
        homeworkProgressRecord(assignment.id, userId),
        (progress) => {
          if (!progress) return { value: progress, result: { outcome: { kind: 'invalid' }, progress } };
          const outcome = engine.answer(assignment, progress, event, items, at);
          const next = outcome.kind === 'recorded' ? outcome.progress : progress;
          return { value: next, result: { outcome, progress: next } };
        },
      );
    },

    read(guildId, assignmentId, userId) {
      return store.read(guildId, homeworkProgressRecord(assignmentId, userId));
    },

    async readAll(guildId, assignmentId) {
      const ids = await readRoster(guildId, assignmentId);
      const found: Progress[] = [];
      for (let i = 0; i < ids.length; i += PROGRESS_READ) {
        const batch = ids.slice(i, i + PROGRESS_READ).map((id) => homeworkProgressRecord(assignmentId, id));
        for (const progress of await store.readMany(guildId, batch)) if (progress) found.push(progress);
      }
      return found;
    },
  };
}
