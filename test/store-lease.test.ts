import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createHolderId,
  createSqliteLeaseBackend,
  type HeldLease,
  holdLease,
  type LeaseBackend,
  type LeaseState,
} from '../src/store/lease.js';
import { openBackend } from '../src/store/open-keyv.js';
import { SqliteAdapter } from '../src/store/sqlite-adapter.js';

const redisUrl = process.env.REDIS_URL;
const logger = pino({ level: 'silent' });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roundtable-lease-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Polls `check` until it holds; fails after a generous deadline instead of asserting timings. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

async function within<T>(promise: Promise<T>, what: string, timeoutMs = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function settledFlag(promise: Promise<unknown>): { settled: boolean } {
  const flag = { settled: false };
  promise.then(
    () => {
      flag.settled = true;
    },
    () => {
      flag.settled = true;
    },
  );
  return flag;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A backend whose calls can be held up (a frozen process) or made to fail (an unreachable store). */
function controllable(inner: LeaseBackend) {
  let resume: Promise<void> = Promise.resolve();
  let unpause: () => void = () => undefined;
  const control = {
    failing: false,
    failures: 0,
    renewals: 0,
    pause() {
      resume = new Promise((done) => {
        unpause = done;
      });
    },
    resume() {
      unpause();
    },
  };
  const backend: LeaseBackend = {
    async tryAcquire(name, holder, ttlMs) {
      await resume;
      if (control.failing) {
        control.failures++;
        throw new Error('store unreachable (simulated)');
      }
      const ok = await inner.tryAcquire(name, holder, ttlMs);
      if (ok) control.renewals++;
      return ok;
    },
    release: (name, holder) => inner.release(name, holder),
    current: (name) => inner.current(name),
  };
  return { backend, control };
}

if (!redisUrl) {
  it.skip('Redis lease tests: skipped because REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379)', () => {});
}

const KINDS = [
  { kind: 'SQLite', enabled: true, url: () => `sqlite://${join(dir, 'lease.sqlite')}` },
  { kind: 'Redis', enabled: Boolean(redisUrl), url: () => redisUrl ?? '' },
];

for (const { kind, enabled, url } of KINDS) {
  describe.runIf(enabled)(`store lease on ${kind}`, () => {
    const closers: (() => Promise<void>)[] = [];
    const held: HeldLease[] = [];

    /** A connection of its own, as a second process would have. */
    async function connect(): Promise<LeaseBackend> {
      const { keyv, leases } = await openBackend(url(), logger);
      closers.push(() => keyv.disconnect());
      return leases;
    }

    async function hold(backend: LeaseBackend, options: Omit<Parameters<typeof holdLease>[1], 'logger'>) {
      const lease = await holdLease(backend, { logger, ...options });
      held.push(lease);
      return lease;
    }

    // Names unique to each test, so a shared Redis server's other data is never touched.
    const leaseName = () => `test-${randomUUID()}`;

    afterEach(async () => {
      await Promise.all(held.splice(0).map((lease) => lease.release()));
      await Promise.all(closers.splice(0).map((close) => close()));
    });

    it('GIVEN two connections racing for a free lease THEN exactly one gets it, every time', async () => {
      const [a, b] = [await connect(), await connect()];
      for (let i = 0; i < 20; i++) {
        const name = leaseName();
        const results = await Promise.all([a.tryAcquire(name, 'A', 5000), b.tryAcquire(name, 'B', 5000)]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results[0] ? 'A' : 'B';
        expect((await a.current(name))?.holder).toBe(winner);
        // The holder renews; the other still cannot take it.
        expect(await (winner === 'A' ? a : b).tryAcquire(name, winner, 5000)).toBe(true);
        expect(await (winner === 'A' ? b : a).tryAcquire(name, winner === 'A' ? 'B' : 'A', 5000)).toBe(false);
        await a.release(name, winner);
      }
    });

    it('GIVEN a held lease WHEN a second process waits THEN it warns, and gets the lease right after the release', async () => {
      const [a, b] = [await connect(), await connect()];
      const name = leaseName();
      // A long ttl, so that only the release can explain a takeover before it runs out.
      const first = await hold(a, { name, holder: 'holder-A', ttlMs: 10_000 });

      const lines: string[] = [];
      const capture = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
      const waits: LeaseState[] = [];
      const second = holdLease(b, {
        name,
        holder: 'holder-B',
        ttlMs: 2000,
        logger: capture,
        onWaiting: (current) => waits.push(current),
      });
      const secondDone = settledFlag(second);
      await until(() => waits.length > 0, 'the second process reports that it waits');
      expect(waits).toHaveLength(1);
      expect(waits[0]?.holder).toBe('holder-A');
      expect(lines.join('\n')).toContain('another process owns the store (holder holder-A, until ');
      expect(lines.join('\n')).toContain('waiting for it to hand over');

      await sleep(500);
      expect(first.held).toBe(true);
      expect(secondDone.settled).toBe(false);

      const before = await a.current(name);
      await first.release();
      expect(first.held).toBe(false);
      const taken = await within(second, 'the second process to take over');
      held.push(taken);
      expect(Date.now()).toBeLessThan(before?.expiresAt ?? 0);
      expect(taken.held).toBe(true);
      expect((await a.current(name))?.holder).toBe('holder-B');
      expect(waits).toHaveLength(1);
    });

    it('GIVEN a holder killed without releasing THEN the next one gets the lease once it expires', async () => {
      const [a, b] = [await connect(), await connect()];
      const name = leaseName();
      // A bare acquire is a holder that never renews: a killed process.
      expect(await a.tryAcquire(name, 'killed', 300)).toBe(true);
      const waits: LeaseState[] = [];
      const next = await within(
        hold(b, { name, holder: 'next', ttlMs: 5000, onWaiting: (current) => waits.push(current) }),
        'the lease of the killed holder to expire',
      );
      expect(next.held).toBe(true);
      expect(waits.map((w) => w.holder)).toEqual(['killed']);
      expect((await b.current(name))?.holder).toBe('next');
    });

    it('GIVEN a held lease THEN renewal keeps it past its ttl and nobody else can take it', async () => {
      const [a, b] = [await connect(), await connect()];
      const name = leaseName();
      const lease = await hold(a, { name, holder: 'renewer', ttlMs: 600 });
      await sleep(2000);
      expect(lease.held).toBe(true);
      expect(await b.tryAcquire(name, 'intruder', 300)).toBe(false);
      const current = await b.current(name);
      expect(current?.holder).toBe('renewer');
      expect(current?.expiresAt).toBeGreaterThan(Date.now() - 1000);
    });

    it('GIVEN a lease WHEN another holder releases it THEN nothing happens', async () => {
      const [a, b] = [await connect(), await connect()];
      const name = leaseName();
      expect(await a.tryAcquire(name, 'owner', 5000)).toBe(true);
      await b.release(name, 'not-owner');
      expect((await a.current(name))?.holder).toBe('owner');
      expect(await b.tryAcquire(name, 'not-owner', 5000)).toBe(false);
      await a.release(name, 'owner');
      expect(await a.current(name)).toBeNull();
    });

    it('GIVEN a shared lease (all shards of one count) THEN its holders hold it together, another count waits until the last stops renewing', async () => {
      const [a, b, c] = [await connect(), await connect(), await connect()];
      const name = leaseName();
      const shard0 = await hold(a, { name, holder: 'shard-count-2', ttlMs: 600, shared: true });
      const shard1 = await hold(b, { name, holder: 'shard-count-2', ttlMs: 600, shared: true });
      expect([shard0.held, shard1.held]).toEqual([true, true]);
      let waitedFor: string | undefined;
      const single = holdLease(c, {
        name,
        holder: 'shard-count-1',
        ttlMs: 600,
        logger,
        onWaiting: (current) => {
          waitedFor = current.holder;
        },
      });
      const singleDone = settledFlag(single);
      await until(() => waitedFor !== undefined, 'the other count to wait');
      expect(waitedFor).toBe('shard-count-2');
      // One shard stopping leaves the lease to the other: it is not freed.
      await shard0.release();
      await sleep(900);
      expect(singleDone.settled).toBe(false);
      expect((await c.current(name))?.holder).toBe('shard-count-2');
      // The last one stops: the lease expires and the other count gets it.
      await shard1.release();
      const taken = await within(single, 'the other count to get the lease');
      held.push(taken);
      expect((await c.current(name))?.holder).toBe('shard-count-1');
    });

    it('GIVEN a holder frozen past its ttl WHEN another took the lease THEN its renewal finds that and `lost` fires', async () => {
      const [a, b] = [await connect(), await connect()];
      const name = leaseName();
      const { backend, control } = controllable(a);
      const lease = await hold(backend, { name, holder: 'frozen', ttlMs: 300 });
      control.pause();
      await until(() => b.tryAcquire(name, 'successor', 5000), 'the frozen holder’s lease to expire');
      control.resume();
      await within(lease.lost, 'the frozen holder to notice');
      expect(lease.held).toBe(false);
      // It stops renewing and never takes the lease back.
      await sleep(500);
      expect((await b.current(name))?.holder).toBe('successor');
      await lease.release();
      expect((await b.current(name))?.holder).toBe('successor');
    });

    it('GIVEN the store unreachable for a while THEN renewal retries without throwing, and a lease that lapsed meanwhile is taken back', async () => {
      const a = await connect();
      const name = leaseName();
      const { backend, control } = controllable(a);
      let clock = Date.now();
      const lease = await hold(backend, { name, holder: 'patient', ttlMs: 900, now: () => clock });
      let lost = false;
      void lease.lost.then(() => {
        lost = true;
      });

      control.failing = true;
      await until(() => control.failures >= 3, 'several renewals to fail');
      expect(lease.held).toBe(true);
      expect(lost).toBe(false);
      control.failing = false;
      const renewals = control.renewals;
      await until(() => control.renewals > renewals, 'a renewal to get through again');
      expect(lease.held).toBe(true);
      expect(lost).toBe(false);

      // Unreachable until past the lease's end (by this holder's clock): it lapses, and is not lost.
      control.failing = true;
      const failures = control.failures;
      await until(() => control.failures > failures, 'a renewal to fail');
      clock += 10_000;
      await until(() => control.failures > failures + 2, 'renewals to go on failing past the end');
      expect(lease.held).toBe(false);
      expect(lost).toBe(false);

      // The store answers again and nobody took the lease: it is held again.
      control.failing = false;
      const before = control.renewals;
      await until(() => control.renewals > before, 'the lapsed lease to be taken back');
      expect(lease.held).toBe(true);
      expect(lost).toBe(false);
      expect((await a.current(name))?.holder).toBe('patient');
    });

    it('GIVEN a lease that lapsed while the store was unreachable WHEN another process took it THEN `lost` fires once the store answers', async () => {
      const a = await connect();
      const b = await connect();
      const name = leaseName();
      const { backend, control } = controllable(a);
      let clock = Date.now();
      const lease = await hold(backend, { name, holder: 'cut-off', ttlMs: 600, now: () => clock });
      control.failing = true;
      await until(() => control.failures >= 1, 'a renewal to fail');
      clock += 10_000;
      // Meanwhile the lease expires in the store too, and another process takes it.
      await until(() => b.tryAcquire(name, 'successor', 60_000), 'the successor to get the lease');
      control.failing = false;
      await within(lease.lost, 'the cut-off holder to find its lease taken');
      expect(lease.held).toBe(false);
      expect((await b.current(name))?.holder).toBe('successor');
    });

    it('GIVEN a waiting process WHEN its signal aborts THEN it stops waiting and takes nothing', async () => {
      const [a, b] = [await connect(), await connect()];
      const name = leaseName();
      await hold(a, { name, holder: 'owner', ttlMs: 5000 });
      const controller = new AbortController();
      const waits: LeaseState[] = [];
      const waiting = holdLease(b, {
        name,
        holder: 'impatient',
        ttlMs: 300,
        logger,
        signal: controller.signal,
        onWaiting: (current) => waits.push(current),
      });
      await until(() => waits.length > 0, 'the second process to wait');
      controller.abort(new Error('shutting down'));
      await expect(waiting).rejects.toThrow('shutting down');
      expect((await a.current(name))?.holder).toBe('owner');
    });
  });
}

describe.runIf(redisUrl)('store lease keys on Redis', () => {
  it('GIVEN a held lease THEN Keyv’s own iterator never lists its key', async () => {
    const { keyv, leases } = await openBackend(redisUrl ?? '', logger);
    const name = `test-${randomUUID()}`;
    try {
      expect(await leases.tryAcquire(name, 'listed?', 5000)).toBe(true);
      // A Keyv key beside it shows that the iteration does list what Keyv wrote.
      await keyv.set(`probe:${name}`, 1);
      const keys: string[] = [];
      for await (const [key] of keyv.iterator?.(undefined) ?? []) keys.push(String(key));
      expect(keys.filter((key) => key.includes(name))).toEqual([`probe:${name}`]);
    } finally {
      await leases.release(name, 'listed?');
      await keyv.delete(`probe:${name}`);
      await keyv.disconnect();
    }
  });
});

describe('store lease on SQLite with skewed clocks', () => {
  it('GIVEN a clock past the lease’s end THEN the lease counts as expired and can be taken', async () => {
    const file = join(dir, 'skew.sqlite');
    const adapter = new SqliteAdapter(file, { busyTimeout: 5000 });
    const later = createSqliteLeaseBackend(adapter, { now: () => Date.now() + 60_000 });
    const { keyv, leases } = await openBackend(`sqlite://${file}`, logger);
    try {
      const name = `test-${randomUUID()}`;
      const lease = await holdLease(leases, { name, holder: 'first', ttlMs: 1500, logger });
      expect(await later.current(name)).toBeNull();
      expect(await later.tryAcquire(name, 'second', 5000)).toBe(true);
      // The first one's next renewal (every ttl/3) finds the lease held by someone else.
      await within(lease.lost, 'the first holder to find its lease taken');
      expect((await leases.current(name))?.holder).toBe('second');
    } finally {
      await adapter.disconnect();
      await keyv.disconnect();
    }
  });
});

describe('holder ids', () => {
  it('name the host and process, and differ between calls', () => {
    const id = createHolderId();
    expect(id).toMatch(new RegExp(`^[^:]+:${process.pid}:[0-9a-f]{8}$`));
    expect(createHolderId()).not.toBe(id);
  });
});

// A real second OS process on the same SQLite file. It prints `waiting <holder>`,
// `held`, and `released` after SIGTERM, the clean handover.
const CHILD = `
import pino from 'pino';
const [, leaseModule, openModule, url, name, ttl] = process.argv;
const { holdLease } = await import(leaseModule);
const { openBackend } = await import(openModule);
const logger = pino({ level: 'silent' });
const { keyv, leases } = await openBackend(url, logger);
const lease = await holdLease(leases, {
  name, holder: 'child', ttlMs: Number(ttl), logger,
  onWaiting: (current) => process.stdout.write('waiting ' + current.holder + '\\n'),
});
process.stdout.write('held\\n');
process.on('SIGTERM', async () => {
  await lease.release();
  await keyv.disconnect();
  process.stdout.write('released\\n');
  process.exit(0);
});
setInterval(() => {}, 1000);
`;

class Child {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<unknown>;
  private readonly process: ChildProcessByStdio<null, Readable, Readable>;

  constructor(url: string, name: string, ttlMs: number) {
    const leaseModule = pathToFileURL(resolve('src/store/lease.ts')).href;
    const openModule = pathToFileURL(resolve('src/store/open-keyv.ts')).href;
    this.process = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', CHILD, leaseModule, openModule, url, name, String(ttlMs)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let pending = '';
    this.process.stdout.on('data', (chunk: Buffer) => {
      const parts = (pending + chunk.toString('utf8')).split('\n');
      pending = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    this.process.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    this.exited = new Promise((done) => this.process.on('exit', done));
  }

  async said(line: string): Promise<void> {
    await until(() => this.lines.includes(line), `the child to print "${line}" (stderr: ${this.stderr})`, 30_000);
  }

  kill(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }
}

describe('store lease across two OS processes on one SQLite file', () => {
  const children: Child[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await child.exited;
    }
  });

  it('GIVEN the parent holds it THEN the child waits, takes over on release, and its lease frees itself when it is killed', async () => {
    const url = `sqlite://${join(dir, 'processes.sqlite')}`;
    const { keyv, leases } = await openBackend(url, logger);
    try {
      const name = `test-${randomUUID()}`;
      const parent = await holdLease(leases, { name, holder: 'parent', ttlMs: 10_000, logger });
      const child = new Child(url, name, 2000);
      children.push(child);
      await child.said('waiting parent');
      expect(child.lines).not.toContain('held');

      await parent.release();
      await child.said('held');
      expect((await leases.current(name))?.holder).toBe('child');

      const waits: LeaseState[] = [];
      const again = holdLease(leases, {
        name,
        holder: 'parent',
        ttlMs: 2000,
        logger,
        onWaiting: (current) => waits.push(current),
      });
      await until(() => waits.length > 0, 'the parent to wait for the child');
      expect(waits[0]?.holder).toBe('child');
      child.kill('SIGKILL');
      const retaken = await within(again, 'the killed child’s lease to expire', 30_000);
      expect((await leases.current(name))?.holder).toBe('parent');
      await retaken.release();
    } finally {
      await keyv.disconnect();
    }
  }, 60_000);

  it('GIVEN the child holds it WHEN it gets SIGTERM THEN it hands over to the waiting parent', async () => {
    const url = `sqlite://${join(dir, 'processes.sqlite')}`;
    const { keyv, leases } = await openBackend(url, logger);
    try {
      const name = `test-${randomUUID()}`;
      // A long ttl: the parent can only get it this soon through the child's release.
      const child = new Child(url, name, 10_000);
      children.push(child);
      await child.said('held');
      const waits: LeaseState[] = [];
      const waiting = holdLease(leases, {
        name,
        holder: 'parent',
        ttlMs: 10_000,
        logger,
        onWaiting: (current) => waits.push(current),
      });
      await until(() => waits.length > 0, 'the parent to wait for the child');
      child.kill('SIGTERM');
      await child.said('released');
      const lease = await within(waiting, 'the handover from the child', 30_000);
      expect((await leases.current(name))?.holder).toBe('parent');
      await lease.release();
    } finally {
      await keyv.disconnect();
    }
  }, 60_000);
});
