import { parseArgs } from 'node:util';
import { REST } from '@discordjs/rest';
import { commands } from '../../commands/index.js';
import { parseConfig, readEnvironment } from '../app/config.js';
import { checkCommands, commandsRoute, isSame, readApplicationId } from '../discord-kit/command-sync.js';

/**
 * `npm run deploy [-- --guild <id>] [-- --check]`: registers the command list,
 * in one server (instant, for trying changes) or globally; with `--check`,
 * registers nothing and exits 1 when what Discord has differs from the list,
 * naming the commands. The bot also registers by itself at start-up when the
 * list changed (the shard manager, once for every shard), by the same comparison.
 */
let checking = false;

async function deploy(): Promise<number> {
  const { values } = parseArgs({ options: { guild: { type: 'string' }, check: { type: 'boolean' } } });
  checking = values.check ?? false;
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
  const route = commandsRoute(applicationId, values.guild);
  const where = values.guild ? `in server ${values.guild}` : 'globally';
  if (values.check) {
    const diff = await checkCommands(rest, route, body);
    if (isSame(diff)) {
      console.log(`The ${body.length} commands registered ${where} match the list.`);
      return 0;
    }
    const lines = [
      ...diff.changed.map((name) => `  changed: /${name}`),
      ...diff.missing.map((name) => `  not registered: /${name}`),
      ...diff.extra.map((name) => `  registered but not in the list: /${name}`),
    ];
    console.log(`The commands registered ${where} differ from the list:\n${lines.join('\n')}`);
    console.log(`Run npm run deploy${values.guild ? ` -- --guild ${values.guild}` : ''} to register the list.`);
    return 1;
  }
  await rest.put(route, { body });
  console.log(
    `Registered ${body.length} commands ${values.guild ? where : 'globally (may take up to an hour to appear)'}.`,
  );
  return 0;
}

try {
  process.exitCode = await deploy();
} catch (error) {
  console.error(
    `Could not ${checking ? 'check' : 'register'} the commands: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
