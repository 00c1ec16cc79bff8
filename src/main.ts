import { commands } from '../commands/index.js';
import { startBot } from './bot.js';
import { parseConfig, readEnvironment } from './config.js';
import { createLogger } from './logger.js';
import { loadContentAndStore } from './startup.js';

/** Entry point: config -> content -> store -> client -> ready. */
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
  const logger = createLogger(config.LOG_LEVEL);

  const prepared = await loadContentAndStore(config, logger);
  if (!prepared) return 1;
  const { catalogue, store, lease } = prepared;
  let bot: Awaited<ReturnType<typeof startBot>>;
  try {
    bot = await startBot({
      token: config.DISCORD_TOKEN,
      apiUrl: config.DISCORD_API_URL,
      commands,
      catalogue,
      store,
      logger,
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
  void lease.lost.then(() => {
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
  return 0;
}

const code = await main();
if (code !== 0) process.exit(code);
