import { parseArgs } from 'node:util';
import { REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { commands } from '../../commands/index.js';
import { parseConfig, readEnvironment } from '../app/config.js';
import { readApplicationId } from '../discord-kit/command-sync.js';

/**
 * `npm run deploy [-- --guild <id>]`: registers the command list, in one server
 * (instant, for trying changes) or globally. The bot also does this by itself
 * at start-up when the list changed (the shard manager, once for every shard).
 */
async function deploy(): Promise<number> {
  const { values } = parseArgs({ options: { guild: { type: 'string' } } });
  const parsed = parseConfig(readEnvironment());
  if (!parsed.ok) {
    for (const problem of parsed.problems) console.error(`  - ${problem}`);
    console.error('Set DISCORD_TOKEN in the environment or a .env file; see README.md.');
    return 1;
  }
  const { config } = parsed;
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  const applicationId = config.DISCORD_APPLICATION_ID ?? (await readApplicationId(rest));
  const body = commands.map((c) => c.data);
  const route = values.guild
    ? Routes.applicationGuildCommands(applicationId, values.guild)
    : Routes.applicationCommands(applicationId);
  await rest.put(route, { body });
  console.log(
    `Registered ${body.length} commands ${values.guild ? `in server ${values.guild}` : 'globally (may take up to an hour to appear)'}.`,
  );
  return 0;
}

try {
  process.exitCode = await deploy();
} catch (error) {
  console.error(`Could not register the commands: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
