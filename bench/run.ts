import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { commands } from '../commands/index.js';
import { startBot } from '../src/bot.js';
import { loadCatalogue } from '../src/content/load.js';
import { startLocalDiscord } from '../src/local-discord/index.js';
import { createLogger } from '../src/logger.js';
import { benchWrites } from '../src/store/bench-writes.js';
import { openStore } from '../src/store/index.js';

/**
 * `npm run bench`: prints the figures the issues set targets for. Speed is
 * measured here, not in timed tests. Everything runs on 127.0.0.1.
 */

const CLICKS = 300;

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'roundtable-bench-'));
  const logger = createLogger('silent');
  try {
    const baseline = process.memoryUsage();

    const loadStart = performance.now();
    const loaded = await loadCatalogue('content');
    if (!loaded.ok) throw new Error('content has errors: run npm run content:check');
    const loadMs = performance.now() - loadStart;

    const store = await openStore(`sqlite://${join(dir, 'bench.sqlite')}`, logger);
    const writes = await benchWrites(store, { updates: 2000 });

    const discord = await startLocalDiscord({ timeoutMs: 20_000 });
    const bootStart = performance.now();
    const bot = await startBot({
      token: discord.token,
      apiUrl: discord.apiUrl,
      commands,
      catalogue: loaded.catalogue,
      store,
      logger,
    });
    const bootMs = performance.now() - bootStart;
    const afterBoot = process.memoryUsage();

    const students = Array.from({ length: CLICKS }, (_, i) => discord.addMember(`pupil${i}`));
    await discord.slash('teacher', 'quiz', { questions: 1, seconds: 0 }, { subcommand: 'start' }).reply();
    const question = await discord.waitFor(() =>
      discord.channelMessages().find((m) => m.embeds[0]?.title?.startsWith('Question 1')),
    );
    const answer = question.buttons.find((b) => !b.label?.includes('(host)'));
    if (!answer?.customId) throw new Error('no answer button');
    const answerId = answer.customId;

    const clickStart = performance.now();
    const latencies = await Promise.all(
      students.map(async (student) => {
        const sent = performance.now();
        const handle = discord.click(student, question, answerId);
        await handle.ack(20_000);
        return { ms: performance.now() - sent, rejected: handle.rejections.length > 0 };
      }),
    );
    const clicksMs = performance.now() - clickStart;
    const afterClicks = process.memoryUsage();
    const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);

    const echo = await discord.slash('student1', 'summary', { length: 'brief' }).reply();
    const summaryStart = performance.now();
    for (let i = 0; i < 50; i++) await discord.slash('student1', 'summary', { length: 'brief' }).reply();
    const summaryMs = (performance.now() - summaryStart) / 50;

    await bot.stop();
    await store.close();
    await discord.close();

    const lines = [
      ['content load (real pack)', `${loadMs.toFixed(1)} ms`],
      ['store update, SQLite WAL, sequential', `${writes.msPerUpdate.toFixed(3)} ms (${writes.updates} updates)`],
      ['bot start to ready (local Discord)', `${bootMs.toFixed(0)} ms`],
      [`${CLICKS} simultaneous answer clicks`, `all acknowledged in ${clicksMs.toFixed(0)} ms`],
      [
        '  acknowledgement latency p50 / p95 / max',
        `${[50, 95, 100].map((p) => `${percentile(sorted, p).toFixed(0)} ms`).join(' / ')}`,
      ],
      ['  over the 3 s limit or refused', String(latencies.filter((l) => l.ms > 3000 || l.rejected).length)],
      ['/summary round trip, mean of 50', `${summaryMs.toFixed(1)} ms (${echo.embeds.length} embed)`],
      [
        'memory: RSS at start / after ready / after clicks',
        [baseline, afterBoot, afterClicks].map((m) => mb(m.rss)).join(' / '),
      ],
      ['memory: heap used after clicks', mb(afterClicks.heapUsed)],
    ];
    const width = Math.max(...lines.map(([k]) => (k ?? '').length));
    console.log(`Roundtable benchmark, Node ${process.version}, in-process bot against the local Discord\n`);
    for (const [k, v] of lines) console.log(`${(k ?? '').padEnd(width)}  ${v}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
