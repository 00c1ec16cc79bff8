import { fileURLToPath } from 'node:url';
import { commands } from '../../commands/index.js';
import { startBot } from '../app/bot.js';
import { hideShardingFromClient, parseConfig, readEnvironment, shardRole } from '../app/config.js';
import { loadContentAndStore } from '../app/startup.js';
import { createLogger } from '../core/logger.js';
import { startShardManager } from './shards.js';

/**
 * Entry point: config -> content -> store -> client -> ready. With more than one
 * shard it starts the shard manager instead, which runs this same file once per
 * shard (SHARDS and SHARD_COUNT set in each child's environment).
 */
async function main(): Promise<number> {
  const parsed = parseConfig(readEnvironment());
  if (!parsed.ok) {
    console.error('Roundtable cannot start: some settings are missing or wrong.');
    for (const problem of parsed.problems) console.error(`  - ${problem}`);
    console.error('Set DISCORD_TOKEN (and optionally the others) in the environment or in a .env file; see README.md.');
    console.error('To try the bot without a Discord server or token, run: npm run play');
    return 1;
  }
  const config = parsed.config;
  const role = shardRole(config);
  if (role.kind === 'manager') return manage(config, role.count);
  const shard = role.kind === 'shard' ? { id: role.id, count: role.count } : null;
  if (!shard) hideShardingFromClient();
  const base = createLogger(config.LOG_LEVEL);
  // Shards log into one stream (the manager's): the pid tells a respawned process from the one before.
  const logger = shard ? base.child({ shard: shard.id, pid: process.pid }) : base;

  const prepared = await loadContentAndStore(config, logger, shard);
  if (!prepared) return 1;
  const { catalogue, store } = prepared;
  let bot: Awaited<ReturnType<typeof startBot>>;
  try {
    bot = await startBot({
      token: config.DISCORD_TOKEN,
      apiUrl: config.DISCORD_API_URL,
      commands,
      catalogue,
      store,
      logger,
      ...(shard ? { shard, registerCommands: false } : {}),
    });
  } catch (error) {
    await prepared.close();
    if (error instanceof Error && error.name.includes('TokenInvalid')) {
      console.error('Discord refused the token in DISCORD_TOKEN. Copy it again from the Bot page of your application.');
      return 1;
    }
    logger.fatal({ err: error }, 'could not connect to Discord');
    return 1;
  }

  // The process stays up on a bad interaction; these only log what escaped everything else.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  // Another process owns the store now (this one was frozen past its lease): writing on would corrupt it.
  void prepared.lost.then(() => {
    logger.fatal('lost ownership of the store to another process; exiting so it alone writes');
    process.exit(1);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await bot.stop();
      // The lease goes before the store closes, so the next process takes over at once.
      await prepared.close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      // Exit anyway: a process that cannot stop cleanly must not linger.
      logger.error({ err: error }, 'could not stop cleanly');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // A shard whose manager is gone (killed) stops too, rather than run on unmanaged.
  if (shard) process.once('disconnect', () => void shutdown('manager gone'));
  return 0;
}

async function manage(config: Parameters<typeof startShardManager>[0], count: number | 'auto'): Promise<number> {
  const logger = createLogger(config.LOG_LEVEL).child({ shard: 'manager' });
  const manager = await startShardManager(config, count, logger, fileURLToPath(import.meta.url));
  if (!manager) return 1;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping every shard');
    await manager.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  return 0;
}

const code = await main();
if (code !== 0) process.exit(code);
