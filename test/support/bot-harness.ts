import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LocalDiscord,
  type LocalDiscordOptions,
  type MessageView,
  startLocalDiscord,
} from '@roundtable/local-discord';
import { afterEach, beforeEach, expect } from 'vitest';
import { commands } from '../../commands/index.js';
import { type Bot, startBot } from '../../src/app/bot.js';
import { loadCatalogue } from '../../src/content/load.js';
import type { Pack } from '../../src/content/schema.js';
import { createLogger } from '../../src/core/logger.js';
import { type GuildStore, openStore } from '../../src/store/index.js';

/**
 * The real bot (real discord.js client, real SQLite store, real content)
 * against the local Discord, started and stopped by the test itself.
 */
export interface Harness {
  discord: LocalDiscord;
  /** The article the tests are about: the first pack of the content. */
  pack: Pack;
  bot: Bot;
  store: GuildStore;
  dir: string;
  storeUrl: string;
  /** Stops the bot and closes the store, keeping the Discord double and the SQLite file. */
  stopBot(): Promise<void>;
  /** Starts a new bot process-equivalent on the same store file. */
  restartBot(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  /** `now`: the bot's clock, for tests that move time on (a due time passing) instead of waiting. */
  options: { contentDir?: string; discord?: LocalDiscordOptions; now?: () => number } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'roundtable-e2e-'));
  const storeUrl = `sqlite://${join(dir, 'store.sqlite')}`;
  const discord = await startLocalDiscord({ timeoutMs: 5000, ...options.discord });
  const loaded = await loadCatalogue(options.contentDir ?? 'content');
  if (!loaded.ok) throw new Error(`content has errors: ${loaded.errors.map((e) => e.message).join('; ')}`);
  const { catalogue } = loaded;
  const pack = catalogue.packs[0];
  if (!pack) throw new Error('the content has no pack');
  const logger = createLogger('silent');

  async function boot(): Promise<{ bot: Bot; store: GuildStore }> {
    const store = await openStore(storeUrl, logger);
    const bot = await startBot({
      token: discord.token,
      apiUrl: discord.apiUrl,
      commands,
      catalogue,
      store,
      logger,
      ...(options.now ? { now: options.now } : {}),
    });
    return { bot, store };
  }

  const harness: Harness = {
    discord,
    pack,
    dir,
    storeUrl,
    ...(await boot()),
    async stopBot() {
      await harness.bot.stop();
      await harness.store.close();
    },
    async restartBot() {
      Object.assign(harness, await boot());
    },
    async close() {
      await harness.bot.stop().catch(() => undefined);
      await harness.store.close().catch(() => undefined);
      await discord.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

export function buttonId(message: MessageView, label: string): string {
  const found = message.buttons.find((b) => b.label === label);
  if (!found?.customId) {
    throw new Error(
      `no button "${label}" on message ${message.id} (has: ${message.buttons.map((b) => b.label).join(', ')})`,
    );
  }
  return found.customId;
}

/**
 * After every test of the file, nothing the bot sent in that test broke a
 * Discord limit or used an unknown route. Per test, so a failure names the
 * test that caused it and no check depends on the tests before it.
 */
export function checkDiscordAfterEachTest(discord: () => LocalDiscord): void {
  let unknownBefore = 0;
  beforeEach(() => {
    unknownBefore = discord().unknownRoutes.length;
  });
  afterEach(() => {
    expect(discord().takeViolations()).toEqual([]);
    expect(discord().unknownRoutes.slice(unknownBefore)).toEqual([]);
  });
}
