import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type LocalDiscord, type OptionValue, startLocalDiscord } from '@roundtable/local-discord';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { commands } from '../commands/index.js';
import { startBot } from '../src/app/bot.js';
import { loadCatalogue } from '../src/content/load.js';
import { createLogger } from '../src/core/logger.js';
import { openStore } from '../src/store/index.js';

/**
 * Reading commands under load, against a floor. The main thread runs two
 * local Discords and fires interactions at them open-loop, at a fixed rate:
 * one serves the bot (in a worker thread, as its own process would be), the
 * other a bare discord.js client answering every interaction with "ok". For
 * each command the floor runs right before the bot, so both see the same
 * machine. Prints the p50/p99 from sending an interaction to its callback.
 *
 *   npx tsx bench/reading-profile.ts [--n 2000] [--rate 1000] [--only question]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/reading-profile.ts
 *     (one .cpuprofile per thread; the bot's is the largest of the worker ones)
 */

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '1000' },
    /** Only the commands whose label contains this, e.g. `question`. */
    only: { type: 'string' },
  },
});
const N = Number(args.n);
const RATE = Number(args.rate);

interface Scenario {
  readonly label: string;
  readonly name: string;
  readonly values: (i: number) => Record<string, OptionValue>;
  readonly subcommand?: string;
}

const LENGTHS = ['brief', 'standard', 'detailed'] as const;

function scenarios(claimIds: readonly string[]): Scenario[] {
  return [
    { label: '/summary', name: 'summary', values: (i) => ({ length: LENGTHS[i % 3] ?? 'standard' }) },
    {
      label: '/claims show',
      name: 'claims',
      subcommand: 'show',
      values: (i) => ({ claim: claimIds[i % claimIds.length] ?? '' }),
    },
    { label: '/claims list', name: 'claims', subcommand: 'list', values: () => ({}) },
    { label: '/question', name: 'question', values: () => ({}) },
    { label: '/glossary', name: 'glossary', values: () => ({}) },
    { label: '/article', name: 'article', values: () => ({}) },
  ];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Result {
  p50: number;
  p99: number;
  failed: number;
}

/** Sends `N` interactions at `RATE` per second and waits for every acknowledgement. */
async function fire(discord: LocalDiscord, scenario: Scenario, n: number, rate: number): Promise<Result> {
  const users = ['student1', 'student2', 'student3'] as const;
  const pending = new Map<string, { record: { callback: unknown; rejections: string[] }; sent: number }>();
  const latencies: number[] = [];
  let failed = 0;
  // One listener for all of them: `handle.ack()` per interaction would cost the harness O(n²).
  const onChange = () => {
    const now = performance.now();
    for (const [id, p] of pending) {
      if (p.record.rejections.length > 0) {
        // Refused (too late, or invalid): a failure, whether or not a callback landed.
        if (failed++ === 0) console.error(`  refused: ${p.record.rejections.join(' | ').slice(0, 300)}`);
        pending.delete(id);
      } else if (p.record.callback) {
        latencies.push(now - p.sent);
        pending.delete(id);
      }
    }
  };
  discord.world.on('change', onChange);
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve, reject) => {
    const tick = () => {
      try {
        const due = Math.min(n, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
        while (sent < due) {
          const handle = discord.slash(users[sent % users.length] ?? 'student1', scenario.name, scenario.values(sent), {
            ...(scenario.subcommand ? { subcommand: scenario.subcommand } : {}),
          });
          pending.set(handle.id, { record: handle.record, sent: performance.now() });
          sent++;
        }
        if (sent < n) setTimeout(tick, 0);
        else resolve();
      } catch (error) {
        reject(error);
      }
    };
    tick();
  });
  // Past Discord's 3 s nothing can be acknowledged any more.
  const deadline = performance.now() + 4_000;
  while (pending.size > 0 && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
    onChange();
  }
  discord.world.off('change', onChange);
  if (pending.size > 0) console.error(`  ${pending.size} never acknowledged`);
  failed += pending.size;
  const sorted = latencies.sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), failed };
}

/** A cold process (JIT, connection pool) falls behind at full rate and may never catch up: ramp up first. */
async function warmUp(discord: LocalDiscord, list: readonly Scenario[]): Promise<void> {
  for (const share of [8, 4, 2]) for (const scenario of list) await fire(discord, scenario, 200, RATE / share);
}

type Role = 'bot' | 'floor';

/** In a worker thread: the bot, or the bare client, on the local Discord the main thread runs. */
async function serve(role: Role, apiUrl: string, token: string, storeUrl: string): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('serve() runs in a worker');
  // Warnings and errors only, so a failing bot shows why (one line per interaction would swamp the run).
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  if (role === 'bot') {
    const loaded = await loadCatalogue('content');
    if (!loaded.ok) throw new Error('content has errors: run npm run content:check');
    const store = await openStore(storeUrl, logger);
    const bot = await startBot({ token, apiUrl, commands, catalogue: loaded.catalogue, store, logger });
    port.on('message', async () => {
      await bot.stop();
      await store.close();
      port.postMessage('stopped');
    });
  } else {
    let errors = 0;
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrl } });
    client.on(Events.InteractionCreate, (interaction) => {
      if (!interaction.isRepliable()) return;
      interaction.reply({ content: 'ok' }).catch((error: unknown) => {
        if (errors++ === 0) console.error('floor reply failed', error);
      });
    });
    const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
    await client.login(token);
    // The same commands as the bot's, so users can type them on this local Discord too.
    await (await ready).application.commands.set(commands.map((c) => c.data));
    port.on('message', async () => {
      await client.destroy();
      port.postMessage('stopped');
    });
  }
  port.postMessage('ready');
}

/** Starts `role` in a worker thread (its own event loop and core, as a separate process would be). */
async function startWorker(role: Role, discord: LocalDiscord, storeUrl: string): Promise<() => Promise<void>> {
  // Workers do not inherit tsx's loader: the worker loads this file through tsx's API.
  const boot = `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}))`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: { role, apiUrl: discord.apiUrl, token: discord.token, storeUrl },
    // --cpu-prof flags are passed on so the worker is profiled too.
    execArgv: process.execArgv.filter((a) => a.startsWith('--cpu-prof')),
  });
  const next = () =>
    new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
  await next();
  return async () => {
    const stopped = next();
    worker.postMessage('stop');
    await stopped;
    await worker.terminate();
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'roundtable-reading-'));
  const loaded = await loadCatalogue('content');
  if (!loaded.ok) throw new Error('content has errors: run npm run content:check');
  const claimIds = loaded.catalogue.packs[0]?.claims.map((c) => c.id) ?? [];
  const list = scenarios(claimIds).filter((s) => !args.only || s.label.includes(args.only));
  // One local Discord each, so the floor runs right before the bot on every command, under the same load.
  const discords = { bot: await startLocalDiscord({ timeoutMs: 30_000 }), floor: await startLocalDiscord() };
  const storeUrl = `sqlite://${join(dir, 'x.sqlite')}`;
  const results = { bot: new Map<string, Result>(), floor: new Map<string, Result>() };
  const load = [loadavg()[0]];
  try {
    const stops = [
      await startWorker('bot', discords.bot, storeUrl),
      await startWorker('floor', discords.floor, storeUrl),
    ];
    await warmUp(discords.floor, list);
    await warmUp(discords.bot, list);
    for (const scenario of list) {
      for (const role of ['floor', 'bot'] as const) {
        await fire(discords[role], scenario, 200, RATE);
        const result = await fire(discords[role], scenario, N, RATE);
        console.error(`  ${role} ${scenario.label}: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`);
        results[role].set(scenario.label, result);
      }
    }
    for (const stop of stops) await stop();
  } finally {
    await discords.bot.close();
    await discords.floor.close();
    await rm(dir, { recursive: true, force: true });
  }
  load.push(loadavg()[0]);

  const ms = (r: Result | undefined) =>
    r
      ? `${r.p50.toFixed(1).padStart(7)} /${r.p99.toFixed(1).padStart(7)}${r.failed ? ` (${r.failed} failed)` : ''}`
      : '';
  console.log(
    `${N} interactions per command at ${RATE}/s, Node ${process.version}, ${cpus().length} cores, ` +
      `load average ${load.map((l) => l?.toFixed(2)).join(' -> ')}; ms from sending to acknowledgement\n`,
  );
  console.log(`${'command'.padEnd(14)}  ${'bot p50 / p99'.padEnd(18)}  floor (bare discord.js answering "ok")`);
  for (const s of list) {
    console.log(`${s.label.padEnd(14)}  ${ms(results.bot.get(s.label)).padEnd(18)}  ${ms(results.floor.get(s.label))}`);
  }
}

if (isMainThread) await main();
else {
  const data = workerData as { role: Role; apiUrl: string; token: string; storeUrl: string };
  await serve(data.role, data.apiUrl, data.token, data.storeUrl);
}
