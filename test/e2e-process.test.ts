import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { REST } from '@discordjs/rest';
import { type LocalDiscord, startLocalDiscord } from '@roundtable/local-discord';
import { type RESTPostAPIChatInputApplicationCommandsJSONBody, Routes } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { commands } from '../commands/index.js';
import {
  BLANK_SETTINGS,
  CONTENT_DIR,
  botEnv as childBotEnv,
  killChildren,
  runChild,
  startChild,
  startRestProxy,
} from './support/child-bot.js';

/**
 * The real entry points as an operator runs them (`npm start`, `npm run
 * deploy`), each in its own process, against the local Discord.
 */

const TOKEN = 'MTIzNDU2Nzg5.e2e-process.secret_Tk7Qx';
const COMMAND_NAMES = commands.map((c) => c.data.name).sort();
const DEFINITIONS = commands.map((c) => c.data);
/** A command an earlier version registered and the list no longer has. */
const OLD_COMMAND = { name: 'poll', description: 'An old command', integration_types: [0] };
/** A stack frame line as Node prints it: no start-up error should show one. */
const STACK_FRAME = /^\s+at .+/m;

/** Each test spawns node + tsx (1–2 s of CPU each); a loaded machine running the whole suite needs more. */
const SLOW_MS = 45_000;

const temps: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'roundtable-process-'));
  temps.push(dir);
  return dir;
}

afterAll(async () => {
  await killChildren();
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

function botEnv(apiUrl: string, storeUrl: string): Record<string, string> {
  return childBotEnv({ token: TOKEN, apiUrl }, storeUrl);
}

function registeredNames(discord: LocalDiscord, scope: string): string[] {
  return discord
    .commands(scope)
    .map((c) => c.name)
    .sort();
}

describe.concurrent('start-up refused', { timeout: SLOW_MS }, () => {
  test('GIVEN no token and no .env THEN npm start says what to set and how to try without one, exit 1', async () => {
    const cwd = await tempDir();
    const run = await runChild('main', { cwd, env: { CONTENT_DIR } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('DISCORD_TOKEN is not set');
    expect(run.stderr).toMatch(/Set DISCORD_TOKEN .* \.env file/);
    expect(run.stderr).toContain('npm run play');
    expect(run.stdout).toBe('');
    expect(run.output).not.toMatch(STACK_FRAME);
  });

  test('GIVEN malformed settings THEN one line names each variable, never the token, exit 1', async () => {
    const malformedToken = `${TOKEN} pasted twice`;
    const run = await runChild('main', {
      env: {
        ...BLANK_SETTINGS,
        DISCORD_TOKEN: malformedToken,
        LOG_LEVEL: 'loud',
        DISCORD_API_URL: 'notaurl',
        STORE_URL: 'mysql://db/roundtable',
        CONTENT_DIR,
      },
    });
    expect(run.code).toBe(1);
    const problems = run.stderr.split('\n').filter((line) => line.startsWith('  - '));
    expect(problems.sort()).toEqual([
      expect.stringMatching(/^ {2}- DISCORD_API_URL must be an http\(s\) URL/),
      expect.stringMatching(/^ {2}- DISCORD_TOKEN must be a bot token without spaces/),
      expect.stringMatching(/^ {2}- LOG_LEVEL must be one of fatal, error, warn, info/),
      expect.stringMatching(/^ {2}- STORE_URL must look like sqlite:\/\//),
    ]);
    expect(run.output).not.toContain(TOKEN);
    expect(run.output).not.toMatch(STACK_FRAME);
  });

  test('GIVEN a quote that is not in the article THEN file:line:col path: message, exit 1', async () => {
    const contentDir = join(await tempDir(), 'content');
    await cp(CONTENT_DIR, contentDir, { recursive: true });
    const file = join(contentDir, 'kim-putin-2023', 'claims.yaml');
    const original = 'North Korean leader Kim Jong Un visited Russia at the invitation';
    const lines = (await readFile(file, 'utf8')).split('\n');
    const index = lines.findIndex((line) => line.includes(`quote: "${original}`));
    expect(index).toBeGreaterThan(-1);
    const line = lines[index] ?? '';
    lines[index] = line.replace('visited Russia', 'flew to Mars');
    await writeFile(file, lines.join('\n'));

    const run = await runChild('main', {
      env: { ...botEnv('http://127.0.0.1:9/api', 'sqlite://x'), CONTENT_DIR: contentDir },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the content in ${contentDir}/ has errors`);
    const column = line.indexOf('quote:') + 1;
    expect(run.stderr.split('\n')).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${escapeRegExp(file)}:${index + 1}:${column} claims\\[\\d+\\]\\.quote: not found in the article text$`,
        ),
      ),
    );
    expect(run.output).not.toMatch(STACK_FRAME);
  });

  test('GIVEN a store file that cannot be created THEN a message names STORE_URL, exit 1', async () => {
    const notAFolder = join(await tempDir(), 'plain-file');
    await writeFile(notAFolder, '');
    const run = await runChild('main', {
      env: botEnv('http://127.0.0.1:9/api', `sqlite://${join(notAFolder, 'roundtable.sqlite')}`),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Roundtable cannot start: the store in STORE_URL cannot be opened: .*plain-file/m);
    expect(run.output).not.toContain(TOKEN);
    expect(run.output).not.toMatch(STACK_FRAME);
  });

  test('GIVEN SHARD_COUNT=2 on a SQLite store THEN npm start refuses and says to use Redis, exit 1', async () => {
    const run = await runChild('main', {
      env: { ...botEnv('http://127.0.0.1:9/api', `sqlite://${join(await tempDir(), 's.sqlite')}`), SHARD_COUNT: '2' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ {2}- SHARD_COUNT needs a Redis store: .*STORE_URL=redis:\/\/host:6379/m);
    expect(run.output).not.toContain(TOKEN);
    expect(run.output).not.toMatch(STACK_FRAME);
  });

  test('GIVEN a token Discord refuses THEN a clear message, never the token, exit 1', async () => {
    const discord = await startLocalDiscord({ token: 'the-token-the-double-accepts' });
    try {
      const run = await runChild('main', {
        env: botEnv(discord.apiUrl, `sqlite://${join(await tempDir(), 's.sqlite')}`),
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Discord refused the token in DISCORD_TOKEN');
      expect(run.output).not.toContain(TOKEN);
      expect(run.output).not.toMatch(STACK_FRAME);
      expect(discord.identifies).toHaveLength(0);
    } finally {
      await discord.close();
    }
  });
});

describe('a running bot', { timeout: SLOW_MS }, () => {
  let discord: LocalDiscord;
  let storeUrl: string;

  beforeAll(async () => {
    discord = await startLocalDiscord({ token: TOKEN, callbackDeadlineMs: 10_000 });
    storeUrl = `sqlite://${join(await tempDir(), 'roundtable.sqlite')}`;
  });

  afterEach(killChildren);

  afterAll(async () => {
    await discord?.close();
  });

  test('GIVEN a good token THEN it registers, answers, and logs one JSON line per interaction without secrets', async () => {
    const child = startChild('main', { env: botEnv(discord.apiUrl, storeUrl) });
    await child.waitForLog('ready');
    expect(discord.commandPuts).toBe(1);
    expect(registeredNames(discord, 'global')).toEqual(COMMAND_NAMES);

    const summary = discord.slash('student1', 'summary', { length: 'brief' });
    const reply = await summary.reply();
    expect(reply.embeds[0]?.title).toMatch(/^Brief summary: /);
    const secret = 'my private opinion about the summit, 7f3a';
    discord.postUserMessage('student2', discord.guild.generalChannelId, secret);
    const unknown = discord.slash('student1', 'summary', { article: 'no-such-article' });
    expect((await unknown.reply()).content).toContain('There is no article called "no-such-article"');

    await child.waitForLog('interaction', (line) => line.interaction === unknown.id);
    const handled = child.logs.filter((line) => line.msg === 'interaction');
    expect(handled.map((line) => line.interaction).sort()).toEqual([summary.id, unknown.id].sort());
    for (const line of handled) {
      expect(line).toMatchObject({ command: 'summary', guildId: discord.guild.id, level: 30 });
      expect(line.ms).toEqual(expect.any(Number));
    }
    expect(handled.find((line) => line.interaction === summary.id)?.outcome).toBe('ok');
    expect(handled.find((line) => line.interaction === unknown.id)?.outcome).toBe('user-error');

    expect(await child.stop()).toEqual({ code: 0, signal: null });
    expect(child.stdout.trim().split('\n').length).toBe(child.logs.length);
    expect(child.stderr).toBe('');
    expect(child.output).not.toContain(TOKEN);
    expect(child.output).not.toContain(secret);
    expect(child.output).not.toContain((reply.embeds[0]?.description ?? '').slice(0, 40));
  });

  test('GIVEN a restart on the same SQLite file THEN the unchanged commands are not registered again', async () => {
    const child = startChild('main', { env: botEnv(discord.apiUrl, storeUrl) });
    await child.waitForLog('ready');
    expect(discord.commandPuts).toBe(1);
    expect(child.logs.some((line) => line.msg === 'registered the slash commands')).toBe(false);
    expect((await discord.slash('student1', 'help', {}).reply()).ephemeral).toBe(true);
    expect(await child.stop()).toEqual({ code: 0, signal: null });
  });

  test('GIVEN SIGTERM while an interaction is in flight THEN it is answered, then the process stops with 0', async () => {
    const proxy = await startRestProxy(discord.apiUrl);
    try {
      const child = startChild('main', { env: botEnv(proxy.apiUrl, storeUrl) });
      await child.waitForLog('ready');
      // The bot's answer reaches Discord, but the bot does not hear back until it was told to stop.
      const held = proxy.hold(/^\/api\/v10\/interactions\/\d+\/[^/]+\/callback/);
      const summary = discord.slash('student1', 'summary', { length: 'detailed' });
      await held.reached;
      child.process.kill('SIGTERM');
      await child.waitForLog('shutting down');
      // Long enough for a bot that does not wait for its interactions to have exited already.
      await setTimeout(500);
      held.release();

      expect((await summary.reply()).embeds[0]?.title).toMatch(/^Detailed summary: /);
      expect(await child.waitForExit()).toEqual({ code: 0, signal: null });
      const order = child.logs.map((line) =>
        line.msg === 'interaction' ? `interaction ${String(line.outcome)}` : line.msg,
      );
      expect(order.slice(order.indexOf('shutting down'))).toEqual([
        'shutting down',
        'interaction ok',
        'released the store lease',
        'stopped',
      ]);
      expect(discord.violations).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe('.env', { timeout: SLOW_MS }, () => {
  test('GIVEN only a .env in the working folder THEN the bot reads it, connects and answers', async () => {
    const discord = await startLocalDiscord({ token: TOKEN });
    try {
      const cwd = await tempDir();
      await writeFile(
        join(cwd, '.env'),
        [
          '# written by e2e-process.test.ts',
          `DISCORD_TOKEN=${TOKEN}`,
          `DISCORD_API_URL=${discord.apiUrl}`,
          `CONTENT_DIR=${CONTENT_DIR}`,
          'STORE_URL=sqlite://roundtable.sqlite',
          'DISCORD_APPLICATION_ID=',
          '',
        ].join('\n'),
      );
      const child = startChild('main', { cwd, env: {} });
      await child.waitForLog('ready');
      expect(discord.identifies).toHaveLength(1);
      expect((await discord.slash('student1', 'help', {}).reply()).ephemeral).toBe(true);
      expect(existsSync(join(cwd, 'roundtable.sqlite'))).toBe(true);
      expect(await child.stop()).toEqual({ code: 0, signal: null });
      expect(child.output).not.toContain(TOKEN);
    } finally {
      await killChildren();
      await discord.close();
    }
  });
});

describe.concurrent('npm run deploy', { timeout: SLOW_MS }, () => {
  async function deploy(
    args: (discord: LocalDiscord) => string[],
    token = TOKEN,
    registered?: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
  ) {
    const discord = await startLocalDiscord({ token: TOKEN });
    try {
      if (registered) {
        const rest = new REST({ api: discord.apiUrl }).setToken(TOKEN);
        await rest.put(Routes.applicationCommands(discord.applicationId), { body: registered });
      }
      const puts = discord.commandPuts;
      const env = { ...BLANK_SETTINGS, DISCORD_TOKEN: token, DISCORD_API_URL: discord.apiUrl };
      const run = await runChild('deploy', { env, args: args(discord) });
      return {
        run,
        discord,
        /** PUTs by the deploy script itself. */
        puts: discord.commandPuts - puts,
        global: registeredNames(discord, 'global'),
        guild: registeredNames(discord, discord.guild.id),
      };
    } finally {
      await discord.close();
    }
  }

  test('GIVEN --guild THEN the commands are registered in that server only, with a one-line confirmation', async () => {
    const { run, discord, global, guild } = await deploy((d) => ['--guild', d.guild.id]);
    const guildId = discord.guild.id;
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Registered ${commands.length} commands in server ${guildId}.\n`);
    expect(guild).toEqual(COMMAND_NAMES);
    expect(global).toEqual([]);
    expect(run.output).not.toContain(TOKEN);
  });

  test('GIVEN no --guild THEN globally, and the confirmation says it may take a while', async () => {
    const { run, global, guild } = await deploy(() => []);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Registered ${commands.length} commands globally (may take up to an hour to appear).\n`);
    expect(global).toEqual(COMMAND_NAMES);
    expect(guild).toEqual([]);
    expect(run.output).not.toContain(TOKEN);
  });

  test('GIVEN --check and the list registered as it is THEN it says they match, registers nothing, exit 0', async () => {
    const { run, puts } = await deploy(() => ['--check'], TOKEN, DEFINITIONS);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`The ${commands.length} commands registered globally match the list.\n`);
    expect(puts).toBe(0);
  });

  test('GIVEN --check and registered commands that differ THEN it names each difference, registers nothing, exit 1', async () => {
    const [first, second, ...rest] = DEFINITIONS;
    if (!first || !second) throw new Error('the command list is too short for this test');
    const registered = [{ ...first, description: `${first.description} (old)` }, ...rest, OLD_COMMAND];
    const { run, puts, global } = await deploy(() => ['--check'], TOKEN, registered);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        'The commands registered globally differ from the list:',
        `  changed: /${first.name}`,
        `  not registered: /${second.name}`,
        `  registered but not in the list: /${OLD_COMMAND.name}`,
        'Run npm run deploy to register the list.',
        '',
      ].join('\n'),
    );
    expect(puts).toBe(0);
    expect(global).toEqual([...rest.map((c) => c.name), first.name, OLD_COMMAND.name].sort());
    expect(run.output).not.toContain(TOKEN);
  });

  test('GIVEN a refused token THEN a one-line error without the token, exit 1', async () => {
    const wrong = 'MTIzNDU2Nzg5.wrong-deploy.secret_Zk4';
    const { run, global } = await deploy(() => [], wrong);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Could not register the commands: .*401.*\n$/);
    expect(global).toEqual([]);
    expect(run.output).not.toContain(wrong);
    expect(run.output).not.toMatch(STACK_FRAME);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
