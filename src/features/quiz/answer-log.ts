import type { Answer } from './state.js';

/**
 * The answers to one question, as the owner process keeps them: the durable
 * ones in arrival order, plus a group commit for new ones. While one chunk is
 * being written, the next answers wait and go out together as the next chunk,
 * so a write costs the same at 10 answers or 10,000, and a burst of clicks
 * becomes a handful of writes. An answer is acknowledged only once its chunk is
 * durable; a failed chunk is forgotten, so those students can click again.
 */
export interface AnswerLog {
  /** Everything durable, in arrival order. */
  readonly answers: readonly Answer[];
  /** This student's answer, durable or on its way: the first one wins. */
  get(userId: string): Answer | undefined;
  /** Resolves once the answer is durable; rejects when its write failed, or the student already answered. */
  add(answer: Answer): Promise<void>;
  /** How many chunks are stored: keys 0 to chunks - 1. */
  readonly chunks: number;
  /** Resolves when nothing is waiting or being written (whatever the outcome). */
  settled(): Promise<void>;
}

/** Writes chunk number `chunk` of the question; chunks are numbered from 0 without gaps. */
export type ChunkWriter = (chunk: number, answers: readonly Answer[]) => Promise<void>;

interface Waiting {
  readonly answer: Answer;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export function createAnswerLog(stored: readonly (readonly Answer[])[], write: ChunkWriter): AnswerLog {
  const answers: Answer[] = [];
  const byUser = new Map<string, Answer>();
  for (const chunk of stored) {
    for (const a of chunk) {
      // A student's first answer wins, even if a chunk somehow repeats them.
      if (byUser.has(a.userId)) continue;
      byUser.set(a.userId, a);
      answers.push(a);
    }
  }
  let nextChunk = stored.length;
  let waiting: Waiting[] = [];
  let inFlight: Promise<void> | null = null;

  function flush(): void {
    if (inFlight || waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    let started: Promise<void>;
    try {
      // A failed chunk number is used again by the next batch, so chunks stay gapless.
      started = write(
        nextChunk,
        batch.map((w) => w.answer),
      );
    } catch (error) {
      started = Promise.reject(error);
    }
    // The outcome is handled in callbacks, which run after `inFlight` is set, even for a writer that threw.
    inFlight = started.then(
      () => {
        nextChunk += 1;
        for (const w of batch) {
          answers.push(w.answer);
          w.resolve();
        }
        done();
      },
      (error: unknown) => {
        for (const w of batch) {
          if (byUser.get(w.answer.userId) === w.answer) byUser.delete(w.answer.userId);
          w.reject(error);
        }
        done();
      },
    );
  }

  function done(): void {
    inFlight = null;
    flush();
  }

  return {
    answers,
    get chunks() {
      return nextChunk;
    },
    get: (userId) => byUser.get(userId),
    add(answer) {
      const previous = byUser.get(answer.userId);
      if (previous) return Promise.reject(new Error(`${answer.userId} already answered this question`));
      byUser.set(answer.userId, answer);
      const done = new Promise<void>((resolve, reject) => waiting.push({ answer, resolve, reject }));
      flush();
      return done;
    },
    async settled() {
      while (inFlight) await inFlight;
    },
  };
}
