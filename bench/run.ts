import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { getPriority, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  type InteractionHandle,
  type LocalDiscord,
  type LocalUser,
  type OptionValue,
  type SlashOptions,
  startLocalDiscord,
} from '@roundtable/local-discord';
import { commands } from '../commands/index.js';
import { loadCatalogue } from '../src/content/load.js';
import { projectParseCache } from '../src/content/parse-cache.js';
import type { Pack } from '../src/content/schema.js';
import { HAS_REDIS_SERVER, redisServer } from '../test/support/redis-server.js';
import { type BenchChild, buildBots, profileBotsInto, ROOT, startChild } from './children.js';
import { progressBytes, seedHomework } from './homework.js';
import { AckTracker, type Busy, fireEvenly, type LatencyStats, meter, stats } from './load.js';
import {
  addStudents,
  answerIds,
  hostButton,
  poll,
  reportedAnswers,
  startRound,
  stopRound,
  title,
  waitForQuestion,
  waitForReveal,
} from './quiz.js';
import { addServers, readTemplate, seedServers } from './servers.js';
import {
  machine,
  markdownGrid,
  markdownTable,
  mb,
  met,
  ms,
  type Row,
  ratio,
  row,
  textGrid,
  textTable,
  times,
  versus,
  within,
} from './table.js';

/**
 * `npm run bench`: the figures of issue 8, each next to a floor bot measured
 * in the same run, on the local Discord (127.0.0.1). Prints the table and
 * writes bench/RESULTS.md. `npm run bench -- --only rates,round` runs some
 * phases and prints them without writing the file; `--profile DIR` has every
 * bot child write a CPU profile there (`node --cpu-prof`).
 *
 * Every measured run gets a fresh local Discord, a fresh store file and a
 * fresh bot process (see children.ts for why the bots are child processes),
 * so no run inherits another's backlog, cache or heap. Runs that need a warm
 * process get the same warm-up on the bot and on the floor.
 */

const CPU_HEADERS = [
  'run',
  'bot process',
  'bench process',
  'bench loop delay p99',
  'other processes',
  'floor process',
  'bench process',
  'bench loop delay p99',
  'other processes',
];

const PHASES = ['start', 'bursts', 'round', 'rates', 'servers', 'homework', 'redis'] as const;
type Phase = (typeof PHASES)[number];

const args = parseArgs({
  options: { only: { type: 'string' }, quick: { type: 'boolean' }, profile: { type: 'string' } },
}).values;
/** `--quick`: every size scaled down, to check the bench itself works (never written to RESULTS.md). */
const QUICK = args.quick === true;

const BURSTS = QUICK ? [100, 300] : [1000, 5000];
/** The timed question of the bursts (the shortest a round allows): clicks come in its first second. */
const BURST_QUESTION_SECONDS = 10;
/** How long past the question's deadline a burst waits for the bot to finish before reading the report. */
const BURST_DRAIN_MS = QUICK ? 5000 : 30_000;
const ROUND_QUESTIONS = QUICK ? 3 : 30;
const ROUND_STUDENTS = QUICK ? 30 : 300;
const ROUND_CLICK_SPREAD_MS = 500;
/** Wall-clock budget of the 30-question round; a bot too slow for it is reported with the question reached. */
const ROUND_BUDGET_MS = QUICK ? 30_000 : 75_000;
const RATES = QUICK ? [50, 100] : [200, 1000];
const RATE_SECONDS = QUICK ? 2 : 10;
const RATE_REPEATS = QUICK ? 1 : 3;
const WARM_UP = QUICK ? 20 : 100;
const SERVERS = QUICK ? 200 : 10_000;
const SERVER_PLAYERS = 25;
const SERVER_QUESTIONS = 10;
const RUNS_TO_READY = QUICK ? 1 : 3;
/** Homework: students' progress stored in the server besides the measured students' own. */
const HOMEWORK_CLASSES = QUICK ? [30, 300] : [30, 5000];
const HOMEWORK_STUDENTS = 30;
const HOMEWORK_ANSWERS = QUICK ? 3 : 10;
const HOMEWORK_SPREAD_MS = 300;

interface BotRun {
  readonly discord: LocalDiscord;
  readonly bot: BenchChild;
  readonly students: readonly LocalUser[];
}

interface FloorRun {
  readonly discord: LocalDiscord;
  readonly floor: BenchChild;
  readonly students: readonly LocalUser[];
  /** A message with one button, for clicks. */
  readonly messageId: string;
}

const notes: string[] = [];
/** CPU of each metered run: the measured process and the bench process. */
const cpuRows: string[][] = [];
/** The bot or floor process being measured now. */
let measured: BenchChild | null = null;
const intents = { bot: new Set<number>(), floor: new Set<number>() };
let dir = '';
let stores = 0;

function note(text: string): void {
  notes.push(text);
  console.log(`  note: ${text}`);
}

function storeUrl(name = `store-${++stores}`): string {
  return `sqlite://${join(dir, `${name}.sqlite`)}`;
}

async function withDiscord<T>(fn: (discord: LocalDiscord) => Promise<T>): Promise<T> {
  const discord = await startLocalDiscord({ timeoutMs: 20_000 });
  try {
    return await fn(discord);
  } finally {
    await discord.close();
  }
}

async function stopChild(discord: LocalDiscord, child: BenchChild, graceMs = 0): Promise<void> {
  await child.stop(graceMs);
  await poll(() => discord.gateway.connectedSessions === 0, 3000);
}

/** A fresh local Discord with `students` members, a fresh store and `npm start`'s bot, ready. */
async function withBot<T>(
  students: number,
  fn: (run: BotRun) => Promise<T>,
  options: { store?: string; graceful?: boolean } = {},
): Promise<T> {
  return withDiscord(async (discord) => {
    const members = addStudents(discord, students, 'student');
    const bot = await startChild('bot', {
      token: discord.token,
      apiUrl: discord.apiUrl,
      storeUrl: options.store ?? storeUrl(),
    });
    const identify = discord.identifies.at(-1);
    if (identify) intents.bot.add(identify.intents);
    measured = bot;
    try {
      return await fn({ discord, bot, students: members });
    } finally {
      measured = null;
      if (bot.errorCount > 0) note(`the bot logged ${bot.errorCount} errors; last: ${bot.errors.at(-1) ?? ''}`);
      await stopChild(discord, bot, options.graceful ? 10_000 : 0);
    }
  });
}

async function api(discord: LocalDiscord, method: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${discord.apiUrl}/v10${path}`, {
    method,
    headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/**
 * The floor on a fresh local Discord: the bot's commands registered (so users
 * can type them) and a message with a button, both posted through the REST
 * API as the application would.
 */
async function withFloor<T>(students: number, fn: (run: FloorRun) => Promise<T>): Promise<T> {
  return withDiscord(async (discord) => {
    const members = addStudents(discord, students, 'student');
    const floor = await startChild('floor', { token: discord.token, apiUrl: discord.apiUrl });
    const identify = discord.identifies.at(-1);
    if (identify) intents.floor.add(identify.intents);
    try {
      await api(
        discord,
        'PUT',
        `/applications/${discord.applicationId}/commands`,
        commands.map((c) => c.data),
      );
      const message = (await api(discord, 'POST', `/channels/${discord.guild.generalChannelId}/messages`, {
        content: 'Question 1: pick one',
        components: [{ type: 1, components: [{ type: 2, style: 1, label: 'A', custom_id: 'floor-answer' }] }],
      })) as { id: string };
      measured = floor;
      return await fn({ discord, floor, students: members, messageId: message.id });
    } finally {
      measured = null;
      await stopChild(discord, floor);
    }
  });
}

/** `count` interactions spread evenly over `durationMs`; resolves with their latencies once settled. */
async function measure(
  count: number,
  durationMs: number,
  fire: (i: number) => InteractionHandle,
): Promise<LatencyStats> {
  const child = measured;
  const stop = child ? meter(() => child.cpuSeconds()) : null;
  const tracker = new AckTracker();
  await fireEvenly(count, durationMs, (i) => tracker.add(fire(i)));
  await tracker.settle();
  const result = stats(tracker.samples);
  if (stop) result.busy = stop();
  return result;
}

function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Per-run figures combined: the median p50 and p99 of the runs, every interaction counted. */
function medianOf(runs: readonly LatencyStats[]): LatencyStats {
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? Number.NaN;
  return {
    count: runs.reduce((n, r) => n + r.count, 0),
    acked: runs.reduce((n, r) => n + r.acked, 0),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    max: Math.max(...runs.map((r) => r.max)),
  };
}

/** Notes where the time went in a metered run, for the CPU table. */
function account(run: string, bot: LatencyStats, floor: LatencyStats): void {
  const cells = (b: Busy | undefined) =>
    b ? [pct(b.child), pct(b.bench), ms(b.benchLoopP99), pct(b.others)] : ['—', '—', '—', '—'];
  cpuRows.push([run, ...cells(bot.busy), ...cells(floor.busy)]);
}

/** Students' clicks in a round of their own, stopped (so filed away) before the measured one starts. */
async function warmUpAnswers(
  discord: LocalDiscord,
  user: (i: number) => LocalUser | string,
  guildId?: string,
): Promise<void> {
  const channelId = discord.addChannel('warm-up', guildId);
  const question = await startRound(discord, channelId, { questions: 1, seconds: 0 });
  const ids = answerIds(question);
  await measure(WARM_UP, 1000, (i) => discord.click(user(i), question, ids[i % ids.length] ?? ''));
  await stopRound(discord, channelId);
}

/** A host's command that timed out is tried again (the bot may still be busy with a backlog). */
async function retry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts) throw error;
      await sleep(1000);
    }
  }
}

function late(s: LatencyStats): string {
  return s.acked < s.count ? ` (${s.count - s.acked} not acked)` : '';
}

// ---- phases ----

async function phaseStart(rows: Row[]): Promise<void> {
  const cold = performance.now();
  const loaded = await loadCatalogue(join(ROOT, 'content'));
  const coldMs = performance.now() - cold;
  if (!loaded.ok) throw new Error('the content has errors: run npm run content:check');
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await loadCatalogue(join(ROOT, 'content'));
    warm.push(performance.now() - t);
  }

  // What start-up does: the parse cache in node_modules/.cache, warmed by the first load.
  const parseCache = projectParseCache(ROOT);
  await loadCatalogue(join(ROOT, 'content'), { parseCache });
  const cached: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await loadCatalogue(join(ROOT, 'content'), { parseCache });
    cached.push(performance.now() - t);
  }

  const ready = { bot: [] as number[], floor: [] as number[] };
  const rss = { bot: [] as number[], floor: [] as number[] };
  const npmStart: number[] = [];
  // Interleaved, so whatever else the machine does falls on both alike.
  for (let i = 0; i < RUNS_TO_READY; i++) {
    await withDiscord(async (discord) => {
      for (const kind of ['bot', 'floor'] as const) {
        const child = await startChild(kind, { token: discord.token, apiUrl: discord.apiUrl, storeUrl: storeUrl() });
        ready[kind].push(child.readyMs);
        await sleep(1000);
        rss[kind].push(child.rssBytes());
        await stopChild(discord, child);
      }
      // What an operator types: npm's own start and the build are in this figure.
      const child = await startChild(
        'bot',
        { token: discord.token, apiUrl: discord.apiUrl, storeUrl: storeUrl() },
        60_000,
        { viaNpmStart: true },
      );
      npmStart.push(child.readyMs);
      await stopChild(discord, child);
    });
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const botReady = median(ready.bot);
  const floorReady = median(ready.floor);
  const npmReady = median(npmStart);
  rows.push(
    row(
      `\`npm start\` to ready: npm, the esbuild build, then the bundle (median of ${RUNS_TO_READY}: ${npmStart.map(ms).join(', ')})`,
      ms(npmReady),
      '—',
      '',
      '< 1.5 s',
      met(npmReady < 1500),
    ),
    row(
      `  node on the bundle, process start to ready (median of ${RUNS_TO_READY}: ${ready.bot.map(ms).join(', ')})`,
      ms(botReady),
      ms(floorReady),
      versus(botReady, floorReady),
    ),
    row('content load, loadCatalogue (first in process; median of 5 more)', `${ms(coldMs)}; ${ms(median(warm))}`, '—'),
    row('  the same with the YAML parse cache warm, as start-up loads it (median of 5)', ms(median(cached)), '—'),
    row(
      'RSS idle, 1 server, 1 s after ready (median)',
      mb(median(rss.bot)),
      mb(median(rss.floor)),
      versus(median(rss.bot), median(rss.floor)),
    ),
  );
}

async function botBurst(
  size: number,
  store?: string,
): Promise<{ stats: LatencyStats; reported: number; settledMs: number }> {
  return withBot(
    size + WARM_UP,
    async ({ discord, bot, students }) => {
      await warmUpAnswers(discord, (i) => students[size + i] ?? 'student1');
      const channelId = discord.addChannel(`burst-${size}`);
      const question = await startRound(discord, channelId, { questions: 1, seconds: BURST_QUESTION_SECONDS });
      const deadline = performance.now() + BURST_QUESTION_SECONDS * 1000;
      const ids = answerIds(question);
      const tracker = new AckTracker();
      const started = performance.now();
      const stop = meter(() => bot.cpuSeconds());
      await fireEvenly(size, 1000, (i) =>
        tracker.add(discord.click(students[i] ?? 'student1', question, ids[i % ids.length] ?? '')),
      );
      await tracker.settle();
      const result = stats(tracker.samples);
      result.busy = stop();
      // The report is read once the bot has answered every click and revealed the question (or at the cap).
      const cap = Math.max(0, deadline - performance.now()) + BURST_DRAIN_MS;
      const capEnd = performance.now() + cap;
      const answeredAll = await tracker.allAnswered(cap);
      const revealed = await waitForReveal(discord, channelId, question, Math.max(0, capEnd - performance.now()));
      const settledMs = performance.now() - started;
      if (!answeredAll || !revealed) {
        note(
          `burst of ${size}: ${answeredAll ? '' : `${tracker.unresolved} clicks still unanswered and `}${revealed ? 'revealed' : 'no reveal'} ${((cap + 0) / 1000).toFixed(0)} s after the clicks; report read then`,
        );
      }
      let reported = Number.NaN;
      try {
        reported = await retry(() => reportedAnswers(discord, channelId, 15_000));
      } catch (error) {
        note(`burst of ${size}: /quiz report failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      return { stats: result, reported, settledMs };
    },
    store === undefined ? {} : { store },
  );
}

async function floorClicks(size: number, durationMs: number): Promise<LatencyStats> {
  return withFloor(Math.min(size, 5000), async ({ discord, students, messageId }) => {
    const fire = (i: number) => discord.click(students[i % students.length] ?? 'student1', messageId, 'floor-answer');
    await measure(WARM_UP, 1000, fire);
    return measure(size, durationMs, fire);
  });
}

async function phaseBursts(rows: Row[]): Promise<void> {
  for (const size of BURSTS) {
    const bot = await botBurst(size);
    const floor = await floorClicks(size, 1000);
    const label = `burst of ${size.toLocaleString('en')} answer clicks in 1 s, one question`;
    const b = bot.stats;
    const f = floor;
    account(label, b, f);
    rows.push(
      row(
        `${label}: acknowledged within 3 s`,
        `${b.acked}/${size}`,
        `${f.acked}/${size}`,
        '',
        size === BURSTS[0] ? 'all' : '',
        size === BURSTS[0] ? met(b.acked === size) : '',
      ),
      row(
        `  in the round's report (/quiz report CSV, read ${ms(bot.settledMs)} after the first click)`,
        `${Number.isNaN(bot.reported) ? '—' : bot.reported}/${size}`,
        '—',
        '',
        'all',
        met(bot.reported === size),
      ),
      row(
        '  ack p50',
        ms(b.p50),
        ms(f.p50),
        versus(b.p50, f.p50),
        size === BURSTS[0] ? '' : '≤ 1.5× floor',
        size === BURSTS[0] ? '' : within(b.p50, f.p50, 1.5),
      ),
      row(
        '  ack p99',
        ms(b.p99),
        ms(f.p99),
        versus(b.p99, f.p99),
        size === BURSTS[0] ? '< 250 ms' : '≤ 1.5× floor',
        size === BURSTS[0] ? met(b.p99 < 250) : within(b.p99, f.p99, 1.5),
      ),
      row('  ack max', ms(b.max), ms(f.max), versus(b.max, f.max)),
    );
  }
}

async function phaseRound(rows: Row[]): Promise<void> {
  const result = await withBot(ROUND_STUDENTS + WARM_UP, async ({ discord, students }) => {
    await warmUpAnswers(discord, (i) => students[ROUND_STUDENTS + i] ?? 'student1');
    const channelId = discord.addChannel('round-30');
    const budgetEnd = performance.now() + ROUND_BUDGET_MS;
    const left = () => Math.max(0, budgetEnd - performance.now());
    let question = await startRound(discord, channelId, { questions: ROUND_QUESTIONS, seconds: 0 });
    const perQuestion: LatencyStats[] = [];
    const host = new AckTracker();
    let finished = false;
    for (let n = 1; n <= ROUND_QUESTIONS; n++) {
      const ids = answerIds(question);
      const current = question;
      perQuestion.push(
        await measure(ROUND_STUDENTS, ROUND_CLICK_SPREAD_MS, (i) =>
          discord.click(students[i] ?? 'student1', current, ids[(i + n) % ids.length] ?? ''),
        ),
      );
      const reveal = hostButton(question, /reveal/i);
      if (!reveal) throw new Error(`question ${n} has no Reveal button`);
      host.add(discord.click('teacher', question, reveal));
      const revealed = await waitForReveal(discord, channelId, question, left());
      if (!revealed) break;
      const onward = hostButton(revealed, n === ROUND_QUESTIONS ? /standings/i : /next/i);
      if (!onward) throw new Error(`the reveal of question ${n} has no button to go on`);
      host.add(discord.click('teacher', revealed, onward));
      if (n === ROUND_QUESTIONS) {
        finished =
          (await poll(() => discord.channelMessages(channelId).some((m) => /standings/i.test(title(m))), left())) ??
          false;
        break;
      }
      const next = await waitForQuestion(discord, channelId, n + 1, left());
      if (!next) break;
      question = next;
    }
    await host.settle();
    const reported = await retry(() => reportedAnswers(discord, channelId, 15_000)).catch(() => Number.NaN);
    return { perQuestion, host: stats(host.samples), finished, reported };
  });
  const floor = await floorClicks(ROUND_STUDENTS, ROUND_CLICK_SPREAD_MS);
  const { perQuestion } = result;
  const reached = perQuestion.length;
  const label = `${ROUND_QUESTIONS}-question round, ${ROUND_STUDENTS} students each clicking within ${ROUND_CLICK_SPREAD_MS} ms`;
  if (!result.finished)
    note(
      `the ${ROUND_QUESTIONS}-question round did not finish within ${ROUND_BUDGET_MS / 1000} s: it reached question ${reached}`,
    );
  const first = perQuestion[0];
  const last = perQuestion.at(-1);
  if (last) account(`${label}: question ${reached}`, last, floor);
  const at = (n: number) => perQuestion[n - 1];
  rows.push(
    row(
      `${label} (floor: one such burst)`,
      result.finished ? 'finished' : `reached question ${reached} in ${ROUND_BUDGET_MS / 1000} s`,
      '',
      '',
      'finishes',
      met(result.finished),
    ),
  );
  for (const n of [...new Set([1, 10, ROUND_QUESTIONS])].filter((q) => q <= ROUND_QUESTIONS)) {
    const q = at(n);
    const p50 = q?.p50 ?? Number.NaN;
    const p99 = q?.p99 ?? Number.NaN;
    const isLast = n === ROUND_QUESTIONS;
    const vsFirst = ratio(p50, first?.p50 ?? Number.NaN);
    rows.push(
      row(
        `  question ${n}: ack p50${q ? late(q) : ' (not reached)'}`,
        ms(p50),
        ms(floor.p50),
        versus(p50, floor.p50),
        isLast ? `≤ 1.2× question 1 (${times(vsFirst)})` : '',
        isLast ? met(vsFirst <= 1.2) : '',
      ),
      row(`  question ${n}: ack p99`, ms(p99), ms(floor.p99), versus(p99, floor.p99)),
    );
  }
  const clicks = perQuestion.reduce((n, q) => n + q.count, 0);
  const acked = perQuestion.reduce((n, q) => n + q.acked, 0);
  rows.push(
    row('  answer clicks acknowledged within 3 s', `${acked}/${clicks}`, `${floor.acked}/${floor.count}`),
    row(
      "  answers in the round's report",
      `${Number.isNaN(result.reported) ? '—' : result.reported}/${clicks}`,
      '—',
      '',
      `all ${ROUND_QUESTIONS * ROUND_STUDENTS}`,
      met(result.reported === ROUND_QUESTIONS * ROUND_STUDENTS),
    ),
    row('  host Reveal / Next clicks acknowledged within 3 s', `${result.host.acked}/${result.host.count}`, '—'),
  );
}

type Kind = { name: string; slash?: { command: string; values: Record<string, OptionValue>; options: SlashOptions } };

async function botRate(kind: Kind, rate: number, store?: string): Promise<LatencyStats> {
  const total = rate * RATE_SECONDS;
  const answering = !kind.slash;
  return withBot(
    answering ? total + WARM_UP : Math.min(total, 5000),
    async ({ discord, students }) => {
      const user = (i: number) => students[i % students.length] ?? 'student1';
      const { slash } = kind;
      if (slash) {
        const fire = (i: number) => discord.slash(user(i), slash.command, slash.values, slash.options);
        await measure(WARM_UP, 1000, fire);
        return measure(total, RATE_SECONDS * 1000, fire);
      }
      await warmUpAnswers(discord, (i) => user(total + i));
      const channelId = discord.addChannel(`rate-${rate}`);
      const question = await startRound(discord, channelId, { questions: 1, seconds: 0 });
      const ids = answerIds(question);
      return measure(total, RATE_SECONDS * 1000, (i) => discord.click(user(i), question, ids[i % ids.length] ?? ''));
    },
    store === undefined ? {} : { store },
  );
}

async function floorRate(kinds: readonly Kind[], rate: number, button: boolean): Promise<LatencyStats> {
  const total = rate * RATE_SECONDS;
  return withFloor(5000, async ({ discord, students, messageId }) => {
    const user = (i: number) => students[i % students.length] ?? 'student1';
    const slashes = kinds.flatMap((k) => (k.slash ? [k.slash] : []));
    // The floor's slash runs rotate through the same commands with the same options as the bot's.
    const fire = (i: number) => {
      const s = slashes[i % slashes.length];
      return button || !s
        ? discord.click(user(i), messageId, 'floor-answer')
        : discord.slash(user(i), s.command, s.values, s.options);
    };
    await measure(WARM_UP, 1000, fire);
    return measure(total, RATE_SECONDS * 1000, fire);
  });
}

async function phaseRates(rows: Row[], claimId: string): Promise<void> {
  const kinds: Kind[] = [
    { name: '/summary', slash: { command: 'summary', values: {}, options: {} } },
    { name: '/claims show', slash: { command: 'claims', values: { claim: claimId }, options: { subcommand: 'show' } } },
    { name: '/question', slash: { command: 'question', values: {}, options: {} } },
    { name: 'answer click' },
  ];
  for (const rate of RATES) {
    // Sub-millisecond medians move by more than the targets' margins from one run to the next on a
    // shared machine: each figure is the median of RATE_REPEATS runs, bot and floor taken in turn.
    const runs = new Map<string, { bot: LatencyStats[]; floor: LatencyStats[] }>(
      kinds.map((k) => [k.name, { bot: [], floor: [] }]),
    );
    for (let repeat = 0; repeat < RATE_REPEATS; repeat++) {
      const floorSlash = await floorRate(kinds, rate, false);
      const floorButton = await floorRate(kinds, rate, true);
      for (const kind of kinds) {
        const b = await botRate(kind, rate);
        const f = kind.slash ? floorSlash : floorButton;
        account(`${kind.name} at ${rate}/s (run ${repeat + 1})`, b, f);
        runs.get(kind.name)?.bot.push(b);
        runs.get(kind.name)?.floor.push(f);
      }
    }
    for (const kind of kinds) {
      const run = runs.get(kind.name);
      if (!run) continue;
      const b = medianOf(run.bot);
      const f = medianOf(run.floor);
      if (RATE_REPEATS > 1) {
        const ratios = run.bot.map((x, i) => versus(x.p50, run.floor[i]?.p50 ?? Number.NaN));
        note(`${kind.name} at ${rate}/s: ack p50 bot/floor per run ${ratios.join(', ')}; the table gives the medians`);
      }
      rows.push(
        row(
          `${kind.name} at ${rate}/s for ${RATE_SECONDS} s: ack p50`,
          ms(b.p50),
          ms(f.p50),
          versus(b.p50, f.p50),
          rate === RATES[0] ? '≤ 1.2× floor' : '≤ 2× floor',
          within(b.p50, f.p50, rate === RATES[0] ? 1.2 : 2),
        ),
        row(
          `  ack p99${late(b)}`,
          ms(b.p99),
          `${ms(f.p99)}${late(f)}`,
          versus(b.p99, f.p99),
          rate === RATES[0] ? '≤ 1.5× floor' : '',
          rate === RATES[0] ? within(b.p99, f.p99, 1.5) : '',
        ),
      );
    }
  }
}

/**
 * The 1,000-click burst and the 200/s answer clicks with the store on Redis (a
 * redis-server of the bench's own, `appendonly yes`, `appendfsync everysec`),
 * beside SQLite and the floor measured in the same phase.
 */
async function phaseRedis(rows: Row[]): Promise<void> {
  if (!HAS_REDIS_SERVER) {
    note('redis: skipped, redis-server is not installed');
    return;
  }
  const redisDir = join(dir, 'redis');
  await mkdir(redisDir);
  const redis = await redisServer(redisDir, 'everysec');
  await redis.start();
  try {
    const size = BURSTS[0] ?? 1000;
    const onRedis = await botBurst(size, redis.url);
    const onSqlite = await botBurst(size);
    const floor = await floorClicks(size, 1000);
    const label = `Redis: burst of ${size.toLocaleString('en')} answer clicks in 1 s`;
    account(label, onRedis.stats, floor);
    rows.push(
      row(
        `${label}: acknowledged within 3 s (SQLite in the same phase: ${onSqlite.stats.acked}/${size})`,
        `${onRedis.stats.acked}/${size}`,
        `${floor.acked}/${size}`,
        '',
        'all',
        met(onRedis.stats.acked === size),
      ),
      row(
        `  in the round's report (SQLite: ${Number.isNaN(onSqlite.reported) ? '—' : onSqlite.reported}/${size})`,
        `${Number.isNaN(onRedis.reported) ? '—' : onRedis.reported}/${size}`,
        '—',
        '',
        'all',
        met(onRedis.reported === size),
      ),
      row(
        `  ack p50 (SQLite: ${ms(onSqlite.stats.p50)})`,
        ms(onRedis.stats.p50),
        ms(floor.p50),
        versus(onRedis.stats.p50, floor.p50),
      ),
      row(
        `  ack p99 (SQLite: ${ms(onSqlite.stats.p99)})`,
        ms(onRedis.stats.p99),
        ms(floor.p99),
        versus(onRedis.stats.p99, floor.p99),
        '< 250 ms',
        met(onRedis.stats.p99 < 250),
      ),
    );
    const rate = RATES[0] ?? 200;
    const click: Kind = { name: 'answer click' };
    const redisRate = await botRate(click, rate, redis.url);
    const sqliteRate = await botRate(click, rate);
    const floorRateStats = await floorRate([click], rate, true);
    account(`Redis: answer click at ${rate}/s`, redisRate, floorRateStats);
    rows.push(
      row(
        `Redis: answer click at ${rate}/s for ${RATE_SECONDS} s: ack p50 (SQLite: ${ms(sqliteRate.p50)})`,
        ms(redisRate.p50),
        ms(floorRateStats.p50),
        versus(redisRate.p50, floorRateStats.p50),
        '≤ 1.2× floor',
        within(redisRate.p50, floorRateStats.p50, 1.2),
      ),
      row(
        `  ack p99${late(redisRate)} (SQLite: ${ms(sqliteRate.p99)})`,
        ms(redisRate.p99),
        `${ms(floorRateStats.p99)}${late(floorRateStats)}`,
        versus(redisRate.p99, floorRateStats.p99),
        '≤ 1.5× floor',
        within(redisRate.p99, floorRateStats.p99, 1.5),
      ),
    );
    const sharded = await shardedBurst(size, redis.url);
    rows.push(
      row(
        `Two shards on Redis: burst of ${size.toLocaleString('en')} clicks in 1 s over 2 servers, one per shard: acknowledged within 3 s`,
        `${sharded.stats.acked}/${size}`,
        `${floor.acked}/${size}`,
        '',
        'all',
        met(sharded.stats.acked === size),
      ),
      row(
        "  in the rounds' reports",
        `${Number.isNaN(sharded.reported) ? '—' : sharded.reported}/${size}`,
        '—',
        '',
        'all',
        met(sharded.reported === size),
      ),
      row('  ack p50', ms(sharded.stats.p50), ms(floor.p50), versus(sharded.stats.p50, floor.p50)),
      row('  ack p99', ms(sharded.stats.p99), ms(floor.p99), versus(sharded.stats.p99, floor.p99)),
    );
  } finally {
    await redis.kill();
  }
}

/**
 * `npm start` with SHARD_COUNT=2 on Redis: half the clicks in a server of each
 * shard, so each shard process takes half the burst. (Its CPU is in two child
 * processes of the manager, so it has no row in the CPU table.)
 */
async function shardedBurst(size: number, redisUrl: string): Promise<{ stats: LatencyStats; reported: number }> {
  const discord = await startLocalDiscord({ timeoutMs: 20_000, recommendedShards: 2, maxConcurrency: 2 });
  let bot: BenchChild | undefined;
  try {
    // The default server is on shard 1 of 2; this one on shard 0.
    const second = discord.addGuild({ name: 'Second school', shard: [0, 2] });
    const guilds = [discord.guild.id, second.id];
    const half = Math.ceil(size / 2);
    const students = guilds.map((guildId, g) =>
      Array.from({ length: half + WARM_UP }, (_, i) => discord.addMember(`shard${g}-student${i}`, { guildId })),
    );
    bot = await startChild('bot', { token: discord.token, apiUrl: discord.apiUrl, storeUrl: redisUrl, shardCount: 2 });
    for (const [g, guildId] of guilds.entries()) {
      await warmUpAnswers(discord, (i) => students[g]?.[half + i] ?? 'student1', guildId);
    }
    const channels = guilds.map((guildId, g) => discord.addChannel(`sharded-burst-${g}`, guildId));
    const questions = await Promise.all(
      channels.map((channelId) => startRound(discord, channelId, { questions: 1, seconds: BURST_QUESTION_SECONDS })),
    );
    const tracker = new AckTracker();
    await fireEvenly(size, 1000, (i) => {
      const g = i % 2;
      const question = questions[g];
      if (!question) return;
      const ids = answerIds(question);
      tracker.add(discord.click(students[g]?.[Math.floor(i / 2)] ?? 'student1', question, ids[i % ids.length] ?? ''));
    });
    await tracker.settle();
    const result = stats(tracker.samples);
    await tracker.allAnswered(BURST_DRAIN_MS);
    let reported = 0;
    for (const [g, channelId] of channels.entries()) {
      const question = questions[g];
      if (question) await waitForReveal(discord, channelId, question, BURST_QUESTION_SECONDS * 1000 + BURST_DRAIN_MS);
      try {
        reported += await retry(() => reportedAnswers(discord, channelId, 15_000));
      } catch (error) {
        reported = Number.NaN;
        note(`two shards: /quiz report failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (bot.errorCount > 0) note(`the sharded bot logged ${bot.errorCount} errors; last: ${bot.errors.at(-1) ?? ''}`);
    return { stats: result, reported };
  } finally {
    await bot?.stop(15_000);
    await discord.close();
  }
}

async function phaseServers(rows: Row[]): Promise<void> {
  // 1. One server's worth, played and filed by the real bot.
  const templateStore = storeUrl('template');
  const guildId = await withBot(
    SERVER_PLAYERS,
    async ({ discord, students }) => {
      const channelId = discord.addChannel('template');
      let question = await startRound(discord, channelId, { questions: SERVER_QUESTIONS, seconds: 0 });
      for (let n = 1; n <= SERVER_QUESTIONS; n++) {
        const ids = answerIds(question);
        const current = question;
        await measure(SERVER_PLAYERS, 100, (i) =>
          discord.click(students[i] ?? 'student1', current, ids[(i * 7 + n) % ids.length] ?? ''),
        );
        await discord.click('teacher', question, hostButton(question, /reveal/i) ?? '').ack(10_000);
        const revealed = await waitForReveal(discord, channelId, question, 20_000);
        if (!revealed) throw new Error(`template round: question ${n} was not revealed`);
        const onward = hostButton(revealed, n === SERVER_QUESTIONS ? /standings/i : /next/i) ?? '';
        await discord.click('teacher', revealed, onward).ack(10_000);
        if (n === SERVER_QUESTIONS) break;
        const next = await waitForQuestion(discord, channelId, n + 1, 20_000);
        if (!next) throw new Error(`template round: no question ${n + 1}`);
        question = next;
      }
      const filed = await poll(
        () => discord.channelMessages(channelId).some((m) => /standings/i.test(title(m))),
        20_000,
      );
      if (!filed) throw new Error('template round: no final standings');
      return discord.guild.id;
    },
    { store: templateStore, graceful: true },
  );
  const template = await readTemplate(templateStore, guildId);

  // 2. The servers in a local Discord, and their records copied to each through the store API.
  const measured = { bot: { ready: Number.NaN, rss: Number.NaN }, floor: { ready: Number.NaN, rss: Number.NaN } };
  await withDiscord(async (discord) => {
    const ids = addServers(discord, SERVERS);
    const seeded = storeUrl('servers');
    const seedStart = performance.now();
    await seedServers(seeded, template, ids);
    note(
      `${SERVERS.toLocaleString('en')} servers seeded in ${ms(performance.now() - seedStart)}: each a finished ${SERVER_QUESTIONS}-question round with ${template.players} players (archive and totals, ${(template.bytes / 1024).toFixed(1)} KB of JSON)`,
    );
    // 3. The bot and the floor meet those servers at start-up.
    for (const kind of ['bot', 'floor'] as const) {
      const child = await startChild(kind, { token: discord.token, apiUrl: discord.apiUrl, storeUrl: seeded }, 180_000);
      try {
        measured[kind].ready = child.readyMs;
        await sleep(1000);
        measured[kind].rss = child.rssBytes();
      } finally {
        await stopChild(discord, child);
      }
    }
  });
  const { bot, floor } = measured;
  rows.push(
    row(
      `RSS with ${SERVERS.toLocaleString('en')} servers' rounds and scores stored, 1 s after ready`,
      mb(bot.rss),
      mb(floor.rss),
      versus(bot.rss, floor.rss),
      '< 200 MB',
      met(bot.rss < 200 * 1024 * 1024),
    ),
    row(
      `  start to ready with ${SERVERS.toLocaleString('en')} servers`,
      ms(bot.ready),
      ms(floor.ready),
      versus(bot.ready, floor.ready),
    ),
  );
}

interface HomeworkRun {
  readonly answers: LatencyStats;
  /** Bytes of the record one answer rewrote, for a measured student. */
  readonly bytes: number;
}

/**
 * `stored` students' progress in the server, then 30 students working through
 * a 30-question homework: each presses Start, then answers and presses Next,
 * `HOMEWORK_ANSWERS` times; the 30 answers of each step come within 300 ms.
 * The homework is assigned by the bot, the others' progress written into its
 * store while it is stopped, and the bot started again on it, as after a restart.
 */
async function botHomework(stored: number, pack: Pack): Promise<HomeworkRun> {
  const url = storeUrl();
  return withDiscord(async (discord) => {
    const students = addStudents(discord, HOMEWORK_STUDENTS, 'hw');
    const env = { token: discord.token, apiUrl: discord.apiUrl, storeUrl: url };
    let bot = await startChild('bot', env);
    let assignmentId = '';
    try {
      const reply = await discord
        .slash('teacher', 'homework', { questions: 30, due: '3d' }, { subcommand: 'assign' })
        .reply(10_000);
      assignmentId = /^Homework \*\*([a-z0-9]+)\*\*/.exec(reply.content)?.[1] ?? '';
    } finally {
      await stopChild(discord, bot, 10_000);
    }
    if (!assignmentId) throw new Error('/homework assign gave no id');
    await seedHomework(url, discord.guild.id, assignmentId, pack, Math.max(0, stored - HOMEWORK_STUDENTS), 10);
    bot = await startChild('bot', env);
    measured = bot;
    let answers: LatencyStats;
    try {
      answers = await workThrough(discord, students, assignmentId);
    } finally {
      measured = null;
      if (bot.errorCount > 0) note(`the bot logged ${bot.errorCount} errors; last: ${bot.errors.at(-1) ?? ''}`);
      await stopChild(discord, bot, 10_000);
    }
    const bytes = await progressBytes(url, discord.guild.id, assignmentId, students[0]?.id ?? '');
    return { answers, bytes };
  });
}

/** The measured students press Start, then answer and press Next, step by step; the answers' ack latencies. */
async function workThrough(
  discord: LocalDiscord,
  students: readonly LocalUser[],
  assignmentId: string,
): Promise<LatencyStats> {
  const card = await poll(
    () => discord.channelMessages().find((m) => m.embeds[0]?.footer?.startsWith(`Homework ${assignmentId} ·`)),
    10_000,
  );
  const start = card?.buttons.find((b) => b.label === 'Start')?.customId;
  if (!card || !start) throw new Error('no homework card with Start');
  let views = await Promise.all(students.map((s) => discord.click(s, card, start).reply(10_000)));
  const tracker = new AckTracker();
  for (let step = 0; step < HOMEWORK_ANSWERS; step++) {
    const clicks: InteractionHandle[] = [];
    await fireEvenly(students.length, HOMEWORK_SPREAD_MS, (i) => {
      const view = views[i];
      const choice = view?.buttons[i % 2]?.customId;
      if (!view || !choice) throw new Error(`student ${i} has no question to answer`);
      clicks.push(tracker.add(discord.click(students[i] ?? 'student1', view, choice)).handle);
    });
    const verdicts = await Promise.all(clicks.map((c) => c.reply(10_000)));
    views = await Promise.all(
      verdicts.map((v, i) => discord.click(students[i] ?? 'student1', v, v.buttons[0]?.customId ?? '').reply(10_000)),
    );
  }
  await tracker.settle();
  return stats(tracker.samples);
}

async function phaseHomework(rows: Row[], pack: Pack): Promise<void> {
  const floor = await floorClicks(HOMEWORK_STUDENTS, HOMEWORK_SPREAD_MS);
  const runs: { stored: number; run: HomeworkRun }[] = [];
  for (const stored of HOMEWORK_CLASSES) runs.push({ stored, run: await botHomework(stored, pack) });
  const base = runs[0]?.run.answers;
  for (const { stored, run } of runs) {
    const { answers } = run;
    const first = stored === HOMEWORK_CLASSES[0];
    rows.push(
      row(
        `homework, ${stored.toLocaleString('en')} students' progress stored: answer click ack p50 (${answers.acked}/${answers.count} acked; floor: one burst of ${HOMEWORK_STUDENTS} in ${HOMEWORK_SPREAD_MS} ms)`,
        ms(answers.p50),
        ms(floor.p50),
        versus(answers.p50, floor.p50),
        first || !base
          ? ''
          : `≤ 1.5× the ${HOMEWORK_CLASSES[0]}-student figure (${times(ratio(answers.p50, base.p50))})`,
        first || !base ? '' : within(answers.p50, base.p50, 1.5),
      ),
      row('  ack p99', ms(answers.p99), ms(floor.p99), versus(answers.p99, floor.p99)),
      row(
        "  bytes one answer rewrites (that student's own record)",
        Number.isFinite(run.bytes) ? `${run.bytes} B` : 'n/a',
      ),
    );
  }
}

// ---- the run ----

function description(): string[] {
  return [
    'How each figure is measured:',
    "- Bot: `node --enable-source-maps dist/src/bin/main.js`, the bundle `npm start` builds with esbuild and runs (LOG_LEVEL=info, SQLite store in a temp dir), in a child process; the start figure also times `npm start` itself. Floor: bench/floor-bot.ts, bundled and started the same way, a bare discord.js client with the same intents answering every interaction with `reply({ content: 'ok' })`, also a child process. The local Discord and the load generator run in the bench process. Every run has a fresh local Discord, store and process, and a warm-up first (bot and floor alike).",
    '- Ack latency: `handle.ackLatencyMs` of the local Discord, from dispatching INTERACTION_CREATE to the arrival of the callback it accepted (any type). A click not acknowledged within 3 s counts as >3 s in the percentiles (nearest rank). `n/a` in met?: neither bot nor floor made the deadline, so there is nothing to compare.',
    `- Bursts: a ${BURST_QUESTION_SECONDS}-second question, one click per student spread evenly over its first second, after ${WARM_UP} warm-up clicks at 100/s in a round of their own. The report is \`/quiz report\`'s CSV (rows after the header), read once the bot answered every click and revealed the question, or ${BURST_DRAIN_MS / 1000} s past the deadline. Floor: the same clicks on a message with a button. The floor's 'ok' is a public reply, which comes back to it as MESSAGE_CREATE; the bot's answer acknowledgements are ephemeral and do not, so on clicks the floor does somewhat more per interaction than the bot's reply itself.`,
    `- Round: host-paced (${ROUND_QUESTIONS} questions, seconds 0); per question ${ROUND_STUDENTS} students click within ${ROUND_CLICK_SPREAD_MS} ms, then the host clicks Reveal and Next. Budget ${ROUND_BUDGET_MS / 1000} s. Floor: one burst of ${ROUND_STUDENTS} clicks in ${ROUND_CLICK_SPREAD_MS} ms (it keeps no state, so every question is the same to it).`,
    `- Rates: open loop, interactions on a fixed schedule for ${RATE_SECONDS} s by different users, after a warm-up of ${WARM_UP} at 100/s. Answer clicks are distinct students on one host-paced question. The floor's slash figure rotates through the same three commands with the same options; its click figure is a button. Each figure is the median of ${RATE_REPEATS} runs, the floor's runs taken in turn with the bot's; the notes give every run's ratio.`,
    `- Start to ready: spawn to the 'ready' log line on stdout (for \`npm start\`: spawning npm, which builds, then starts node). RSS: /proc/<pid>/status VmRSS. ${SERVERS.toLocaleString('en')} servers: a ${SERVER_QUESTIONS}-question round with ${SERVER_PLAYERS} players played by the bot, its archive and totals read back and written for every server through openStore and the quiz records; the servers also exist in the local Discord (addGuild), so the bot and the floor receive them at start-up.`,
    `- Homework: a 30-question homework assigned through the bot; ${HOMEWORK_CLASSES.map((n) => n.toLocaleString('en')).join(' or ')} students' progress in the store (the others' written with 10 answers each through the homework records while the bot is stopped, then the bot started on it); ${HOMEWORK_STUDENTS} students press Start, then ${HOMEWORK_ANSWERS} times answer (${HOMEWORK_STUDENTS} clicks within ${HOMEWORK_SPREAD_MS} ms) and press Next. The figure is the answer clicks' ack latency; an answer rewrites only that student's record, whose size is shown. Floor: one burst of ${HOMEWORK_STUDENTS} clicks in ${HOMEWORK_SPREAD_MS} ms.`,
    "- Two shards: `npm start` with SHARD_COUNT=2 on that Redis (the manager and one child process per shard), the local Discord recommending 2 shards; the burst's clicks alternate between a server on each shard, after a warm-up in each.",
    '- Redis: the same burst and answer-click rate with STORE_URL on a redis-server started by the bench (`appendonly yes`, `appendfsync everysec`, 127.0.0.1), and the SQLite figures of the same phase beside them.',
  ];
}

async function main(): Promise<void> {
  const only = args.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((p) => !(PHASES as readonly string[]).includes(p)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown phase ${unknown.join(', ')}; phases: ${PHASES.join(', ')}`);
  const phases = PHASES.filter((p) => !only || only.includes(p));
  const host = machine(ROOT);
  const loadBefore = loadavg()[0] ?? Number.NaN;
  console.log(`Roundtable benchmark: ${host.cpu}, ${host.cores} cores, Node ${host.node}, ${host.revision}`);
  if (loadBefore > host.cores / 2) {
    console.log(`  warning: load average ${loadBefore.toFixed(1)} before the run: other work will skew the figures`);
  }

  const loaded = await loadCatalogue(join(ROOT, 'content'));
  if (!loaded.ok) throw new Error('the content has errors: run npm run content:check');
  const pack = loaded.catalogue.packs[0];
  const claimId = pack?.claims[0]?.id;
  if (!pack || !claimId) throw new Error('the content has no claim');

  if (args.profile) profileBotsInto(args.profile);
  const buildMs = buildBots();
  note(`npm run build (esbuild, bot and floor bundles) took ${ms(buildMs)}`);
  dir = await mkdtemp(join(tmpdir(), 'roundtable-bench-'));
  const started = performance.now();
  const rows: Row[] = [];
  const run: Record<Phase, () => Promise<void>> = {
    start: () => phaseStart(rows),
    bursts: () => phaseBursts(rows),
    round: () => phaseRound(rows),
    rates: () => phaseRates(rows, claimId),
    servers: () => phaseServers(rows),
    homework: () => phaseHomework(rows, pack),
    redis: () => phaseRedis(rows),
  };
  try {
    for (const phase of phases) {
      const t = performance.now();
      console.log(`- ${phase}...`);
      try {
        await run[phase]();
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
        note(`phase ${phase} failed: ${message}`);
        rows.push(row(`${phase}: failed`, message ?? '', '—', '', '', 'NO'));
      }
      console.log(`  ${phase} took ${ms(performance.now() - t)}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const skewed = cpuRows.filter((r) => [r[4], r[8]].some((cell) => Number.parseInt(cell ?? '', 10) > 25)).length;
  if (skewed > 0) {
    note(
      `${skewed} of ${cpuRows.length} metered runs shared the machine with other processes using more than 25% of a core (column "other processes" above): their figures are skewed; re-run on an idle machine`,
    );
  }
  const same = intents.bot.size <= 1 && [...intents.bot].every((i) => intents.floor.has(i));
  if (!same) note(`the bot identified with intents ${[...intents.bot]} and the floor with ${[...intents.floor]}`);
  const tookS = ((performance.now() - started) / 1000).toFixed(0);
  const loadAfter = loadavg()[0] ?? Number.NaN;

  console.log(`\n${textTable(rows)}\n`);
  console.log(`${textGrid(CPU_HEADERS, cpuRows)}\n`);
  for (const line of notes) console.log(`note: ${line}`);
  console.log(`\nThe bench took ${tookS} s.`);
  if (only || QUICK) {
    console.log('Partial or quick run: bench/RESULTS.md left as it was.');
    return;
  }
  const markdown = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/run.ts); the targets are those of issue 8.',
    '',
    `- Machine: ${host.cpu}, ${host.cores} cores, Node ${host.node}; the bench ran at nice ${getPriority()}`,
    `- Date: ${host.date}`,
    `- Code: ${host.revision}`,
    `- The bench took ${tookS} s; 1-minute load average ${loadBefore.toFixed(2)} before it, ${loadAfter.toFixed(2)} after (the bench itself keeps about 2 busy).`,
    '',
    markdownTable(rows),
    '',
    'Where the CPU went in each metered run (share of one core; the bench process holds the local Discord and the load generator, and its event-loop delay shows how late it stamped what arrived; "other processes" is everything else on the machine, which skews a run when it is high):',
    '',
    markdownGrid(CPU_HEADERS, cpuRows),
    '',
    ...(notes.length > 0 ? ['Notes from the run:', '', ...notes.map((n) => `- ${n}`), ''] : []),
    ...description(),
    '',
  ].join('\n');
  await writeFile(join(ROOT, 'bench', 'RESULTS.md'), markdown);
  console.log('Wrote bench/RESULTS.md.');
}

await main();
