import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InteractionHandle } from '@roundtable/local-discord';

/**
 * Acknowledgement latency as the local Discord sees it: from dispatching
 * INTERACTION_CREATE to the arrival of the callback it accepted (any type:
 * reply, defer, update), both stamped by the double with performance.now()
 * (`handle.ackLatencyMs`). Completion is polled on a timer, never awaited per
 * handle: thousands of `handle.ack()` waiters would each re-check on every
 * change of the world, and the bench process would pay O(n²) for it.
 */

/** Discord's window for the first callback. */
export const ACK_DEADLINE_MS = 3000;

export interface Sample {
  readonly handle: InteractionHandle;
}

export class AckTracker {
  readonly samples: Sample[] = [];
  #pending = new Set<InteractionHandle>();

  add(handle: InteractionHandle): Sample {
    const sample: Sample = { handle };
    this.samples.push(sample);
    this.#pending.add(handle);
    return sample;
  }

  /** Interactions with neither an accepted callback nor a refused one yet. */
  get unresolved(): number {
    this.#sweep(false);
    return this.#pending.size;
  }

  /**
   * Resolves when every interaction is acknowledged, refused, or past
   * Discord's deadline, so that none of the rest can be acknowledged any more.
   */
  async settle(): Promise<void> {
    while (this.#sweep(true) > 0) await sleep(20);
  }

  /** Resolves when the bot answered every interaction (accepted or refused, however late), or at the cap. */
  async allAnswered(capMs: number): Promise<boolean> {
    const until = performance.now() + capMs;
    while (this.#sweep(false) > 0 && performance.now() < until) await sleep(25);
    return this.#pending.size === 0;
  }

  #sweep(deadline: boolean): number {
    const now = Date.now();
    for (const handle of this.#pending) {
      const done =
        handle.ackedAt !== null ||
        handle.rejections.length > 0 ||
        (deadline && handle.delivered && now - handle.record.sentAt > ACK_DEADLINE_MS + 100);
      if (done) this.#pending.delete(handle);
    }
    return this.#pending.size;
  }
}

/** Latency in ms, Infinity when the interaction was not acknowledged within Discord's deadline. */
export function latency(sample: Sample): number {
  const ms = sample.handle.ackLatencyMs;
  return ms !== null && ms <= ACK_DEADLINE_MS ? ms : Number.POSITIVE_INFINITY;
}

export interface LatencyStats {
  readonly count: number;
  /** Filled in by the runner when it meters the run. */
  busy?: Busy;
  /** Acknowledged within 3 s. */
  readonly acked: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles over every interaction sent; an unacknowledged one counts as Infinity. */
export function stats(samples: readonly Sample[]): LatencyStats {
  const sorted = samples.map(latency).sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  return {
    count: sorted.length,
    acked: sorted.filter(Number.isFinite).length,
    p50: rank(50),
    p99: rank(99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/**
 * Open loop: call `fire(i)` for i = 0..count-1 on an even schedule over
 * `durationMs`, never waiting for an answer. A late timer fires the overdue
 * ones at once, so the rate holds over the run.
 */
export async function fireEvenly(count: number, durationMs: number, fire: (i: number) => void): Promise<void> {
  const start = performance.now();
  const interval = durationMs / count;
  let i = 0;
  while (i < count) {
    const due = Math.min(count, Math.floor((performance.now() - start) / interval) + 1);
    while (i < due) fire(i++);
    if (i < count) {
      const wait = start + i * interval - performance.now();
      if (wait >= 1) await sleep(Math.floor(wait));
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

/** How busy both sides were during a run: a saturated bench process would delay the double's stamps. */
export interface Busy {
  /** Share of one core the measured bot (or floor) process used. */
  readonly child: number;
  /** Share of one core the bench process (local Discord and load generator) used. */
  readonly bench: number;
  /** The bench process's event-loop delay, p99, in ms. */
  readonly benchLoopP99: number;
  /** Cores' worth of CPU everything else on the machine used meanwhile (other people's work skews a run). */
  readonly others: number;
}

/** CPU seconds the whole machine spent busy so far, from /proc/stat (100 ticks a second). */
function machineBusySeconds(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const total = fields.reduce((a, b) => a + b, 0);
    return (total - (fields[3] ?? 0) - (fields[4] ?? 0)) / 100;
  } catch {
    return Number.NaN;
  }
}

export function meter(childCpuSeconds: () => number): () => Busy {
  const started = performance.now();
  const child = childCpuSeconds();
  const bench = process.cpuUsage();
  const machine = machineBusySeconds();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  return () => {
    loop.disable();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(bench);
    const childShare = (childCpuSeconds() - child) / seconds;
    const benchShare = (used.user + used.system) / 1e6 / seconds;
    return {
      child: childShare,
      bench: benchShare,
      benchLoopP99: loop.percentile(99) / 1e6,
      others: Math.max(0, (machineBusySeconds() - machine) / seconds - childShare - benchShare),
    };
  };
}
