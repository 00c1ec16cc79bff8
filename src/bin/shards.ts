import { ChildProcess } from 'node:child_process';
import { REST } from '@discordjs/rest';
import { Routes, type Shard, ShardingManager } from 'discord.js';
import { z } from 'zod';
import { commands } from '../../commands/index.js';
import type { Config } from '../app/config.js';
import { formatContentError } from '../content/errors.js';
import { loadCatalogue } from '../content/load.js';
import { projectParseCache } from '../content/parse-cache.js';
import type { Logger } from '../core/logger.js';
import { readApplicationId, syncCommands } from '../discord-kit/command-sync.js';
import { openBackend } from '../store/open-keyv.js';

/**
 * `npm start` with more than one shard: discord.js's ShardingManager in process
 * mode, one child process per shard, each a full bot (src/bin/main.ts with SHARDS
 * and SHARD_COUNT in its environment) on the shared Redis store. The manager
 * itself holds no state: it checks what every child would need, registers the
 * commands once, spawns the shards and brings back one that dies.
 */

const GatewayBot = z.object({
  shards: z.number().int().min(1),
  session_start_limit: z.object({ max_concurrency: z.number().int().min(1) }),
});

export interface GatewayAdvice {
  readonly shards: number;
  /** How many shards may identify at once. */
  readonly maxConcurrency: number;
}

/**
 * Discord's recommendation, asked through the configured REST (DISCORD_API_URL,
 * a proxy or the local Discord): the manager's own `'auto'` would go to discord.com.
 */
export async function readGatewayAdvice(rest: { get(route: `/${string}`): Promise<unknown> }): Promise<GatewayAdvice> {
  const body = GatewayBot.parse(await rest.get(Routes.gatewayBot()));
  return { shards: body.shards, maxConcurrency: body.session_start_limit.max_concurrency };
}

/** discord.js's own spacing between shards that may not identify together. */
const IDENTIFY_SPACING_MS = 5500;
/** How long a shard may take from spawn to ready (a respawned one may wait for its lease first). */
const READY_TIMEOUT_MS = 60_000;
/** A shard that dies sooner than this after its spawn is brought back with a growing delay. */
const QUICK_DEATH_MS = 10_000;
const RESPAWN_MS = { first: 1000, max: 30_000 } as const;
const STOP_TIMEOUT_MS = 20_000;

export interface RunningManager {
  readonly count: number;
  /** Stops every shard (SIGTERM, so each hands its lease over) and waits for them. */
  stop(): Promise<void>;
}

/** Null (after printing why) when the shards could not start. */
export async function startShardManager(
  config: Config,
  requested: number | 'auto',
  logger: Logger,
  shardFile: string,
): Promise<RunningManager | null> {
  // Checked once here: a child that fails on these would only be respawned into the same failure.
  const loaded = await loadCatalogue(config.CONTENT_DIR, { parseCache: projectParseCache(process.cwd()) });
  if (!loaded.ok) {
    console.error(`Roundtable cannot start: the content in ${config.CONTENT_DIR}/ has errors.`);
    for (const error of loaded.errors) console.error(formatContentError(error));
    return null;
  }
  try {
    const backend = await openBackend(config.STORE_URL, logger);
    await backend.keyv.disconnect();
  } catch (error) {
    console.error(
      `Roundtable cannot start: the store in STORE_URL cannot be opened: ${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  }

  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  let advice: GatewayAdvice;
  try {
    advice = await readGatewayAdvice(rest);
  } catch (error) {
    if (error instanceof Error && 'status' in error && error.status === 401) {
      console.error('Discord refused the token in DISCORD_TOKEN. Copy it again from the Bot page of your application.');
      return null;
    }
    logger.fatal({ err: error }, 'could not ask Discord how many shards to run');
    return null;
  }
  const count = requested === 'auto' ? advice.shards : requested;
  const applicationId = config.DISCORD_APPLICATION_ID ?? (await readApplicationId(rest));
  await syncCommands(
    rest,
    applicationId,
    commands.map((c) => c.data),
    logger,
  );

  let stopping = false;
  const manager = new ShardingManager(shardFile, {
    totalShards: count,
    mode: 'process',
    token: config.DISCORD_TOKEN,
    // The shards run as this file does (the bundle under npm start, or tsx in tests).
    execArgv: process.execArgv,
    // Respawned here, with a delay for a shard that keeps dying at start-up (discord.js respawns at once, forever).
    respawn: false,
  });
  manager.on('shardCreate', (shard) => watch(shard));

  function watch(shard: Shard): void {
    let spawnedAt = Date.now();
    let quickDeaths = 0;
    shard.on('spawn', () => {
      spawnedAt = Date.now();
    });
    shard.on('ready', () => logger.info({ shard: shard.id }, 'shard ready'));
    shard.on('error', (error) => logger.error({ shard: shard.id, err: error }, 'shard error'));
    shard.on('death', (child) => {
      if (stopping) return;
      quickDeaths = Date.now() - spawnedAt < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
      const delayMs = quickDeaths === 0 ? 0 : Math.min(RESPAWN_MS.max, RESPAWN_MS.first * 2 ** (quickDeaths - 1));
      logger.warn({ shard: shard.id, ...exitOf(child), respawnInMs: delayMs }, 'shard died; respawning it');
      setTimeout(() => {
        if (stopping) return;
        shard
          .spawn(READY_TIMEOUT_MS)
          .catch((error: unknown) =>
            logger.error({ shard: shard.id, err: error }, 'respawned shard did not get ready'),
          );
      }, delayMs);
    });
  }

  logger.info({ shards: count, requested }, 'starting shards');
  try {
    await manager.spawn({
      amount: count,
      delay: advice.maxConcurrency >= count ? 0 : IDENTIFY_SPACING_MS,
      timeout: READY_TIMEOUT_MS,
    });
  } catch (error) {
    logger.fatal({ err: error }, 'the shards did not all start');
    stopping = true;
    await stopShards(manager);
    return null;
  }
  logger.info({ shards: count }, 'every shard is ready');

  return {
    count,
    async stop() {
      stopping = true;
      await stopShards(manager);
    },
  };
}

async function stopShards(manager: ShardingManager): Promise<void> {
  await Promise.all(
    [...manager.shards.values()].map(async (shard) => {
      const child = shard.process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // SIGTERM: the shard finishes what is in flight and hands its lease over.
      shard.kill();
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }),
  );
}

function exitOf(child: unknown): { exitCode?: number | null; signal?: string | null } {
  return child instanceof ChildProcess ? { exitCode: child.exitCode, signal: child.signalCode } : {};
}
