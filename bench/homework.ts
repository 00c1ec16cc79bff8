import type { Pack } from '../src/content/schema.js';
import { createLogger } from '../src/core/logger.js';
import { answer, begin, nextPosition } from '../src/features/homework/engine.js';
import {
  homeworkAssignmentRecord,
  homeworkProgressRecord,
  homeworkRosterRecord,
} from '../src/features/homework/records.js';
import { ROSTER_PAGE } from '../src/features/homework/state.js';
import { openStore } from '../src/store/index.js';

/**
 * A class's homework progress written straight into a stopped bot's store,
 * through the homework records and the engine (so the records have the shape
 * and size the bot itself writes): `students` students, each with `answered`
 * answers, listed in the roster as the bot would list them.
 */
export async function seedHomework(
  storeUrl: string,
  guildId: string,
  assignmentId: string,
  pack: Pack,
  students: number,
  answered: number,
): Promise<void> {
  const store = await openStore(storeUrl, createLogger('silent'));
  try {
    const assignment = await store.read(guildId, homeworkAssignmentRecord(assignmentId));
    if (!assignment) throw new Error(`no homework ${assignmentId} in the store`);
    const items = new Map(pack.quiz.map((i) => [i.id, i]));
    const ids = Array.from({ length: students }, (_, i) => `9${String(i).padStart(17, '0')}`);
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const userId = ids[next++] ?? '';
        const started = begin(
          assignment,
          null,
          { userId, displayName: `Seeded student ${userId}` },
          assignment.createdAt,
        );
        if (started.kind !== 'started') throw new Error('the seeded homework is closed');
        let progress = started.progress;
        for (let n = 0; n < answered; n++) {
          const position = nextPosition(progress);
          if (position === null) break;
          const outcome = answer(assignment, progress, { position, choice: n % 2 }, items, assignment.createdAt + n);
          if (outcome.kind === 'recorded') progress = outcome.progress;
        }
        await store.put(guildId, homeworkProgressRecord(assignmentId, userId), progress);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    for (let page = 0; page * ROSTER_PAGE < ids.length; page++) {
      await store.put(
        guildId,
        homeworkRosterRecord(assignmentId, page),
        ids.slice(page * ROSTER_PAGE, (page + 1) * ROSTER_PAGE),
      );
    }
  } finally {
    await store.close();
  }
}

/** The bytes one answer rewrites: the student's own progress record as stored (its JSON). */
export async function progressBytes(
  storeUrl: string,
  guildId: string,
  assignmentId: string,
  userId: string,
): Promise<number> {
  const store = await openStore(storeUrl, createLogger('silent'));
  try {
    const progress = await store.read(guildId, homeworkProgressRecord(assignmentId, userId));
    return progress ? JSON.stringify({ v: 1, data: progress }).length : Number.NaN;
  } finally {
    await store.close();
  }
}
