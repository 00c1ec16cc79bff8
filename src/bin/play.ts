/**
 * `npm run play`: the real bot against the local Discord, in the terminal. No
 * token needed; the store is the one `npm start` uses unless STORE_URL says otherwise.
 */

import { startLocalDiscord } from '@roundtable/local-discord';
import { createPlaySession } from '@roundtable/local-discord/play-session';
import { destination } from 'pino';
import { commands } from '../../commands/index.js';
import { type Bot, startBot } from '../app/bot.js';
import { parseBaseConfig, readEnvironment } from '../app/config.js';
import { loadContentAndStore } from '../app/startup.js';
import { createLogger } from '../core/logger.js';
import { parseStoreUrl } from '../store/index.js';

function describeStore(url: string): string {
  // A Redis URL may hold a password: name the kind only.
  const location = parseStoreUrl(url);
  return location.kind === 'sqlite' ? location.file : 'Redis (STORE_URL)';
}

async function play(): Promise<number> {
  // Warnings only by default: the terminal is for the conversation.
  const parsed = parseBaseConfig({ LOG_LEVEL: 'warn', ...readEnvironment() });
  if (!parsed.ok) {
    console.error('Roundtable cannot start: the environment has problems.');
    for (const problem of parsed.problems) console.error(`  - ${problem}`);
    return 1;
  }
  const config = parsed.config;
  const logger = createLogger(config.LOG_LEVEL, destination({ dest: 2, sync: true }));

  const prepared = await loadContentAndStore(config, logger);
  if (!prepared) return 1;
  const { catalogue, store } = prepared;
  const discord = await startLocalDiscord({ timeoutMs: 10_000 });
  let bot: Bot;
  try {
    bot = await startBot({
      token: discord.token,
      apiUrl: discord.apiUrl,
      commands,
      catalogue,
      store,
      logger,
    });
  } catch (error) {
    logger.fatal({ err: error }, 'the bot did not start against the local Discord');
    await prepared.close();
    await discord.close();
    return 1;
  }

  const packs = catalogue.packs.map((p) => p.slug).join(', ');
  const session = createPlaySession({
    discord,
    input: process.stdin,
    output: process.stdout,
    terminal: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    banner: [
      `Roundtable on a local Discord: server "${discord.guild.name}", #general. No token, nothing leaves this computer.`,
      `Articles: ${packs}. Store: ${describeStore(config.STORE_URL)}.`,
      'You are teacher. Type help for what you can do, / and Tab to see the commands, quit to stop.',
      'Files the bot sends are saved to a temporary folder; each one is printed with its path.',
    ].join('\n'),
  });
  // The first signal stops cleanly; a second one does not wait for that.
  let signalled = false;
  const onSignal = () => {
    if (signalled) process.exit(130);
    signalled = true;
    session.close();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await session.closed;

  await bot.stop();
  await prepared.close();
  await discord.close();
  return 0;
}

const code = await play();
// Flushed before exit: stdout may be a pipe to a test or `tee`.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(code);
