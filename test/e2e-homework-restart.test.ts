import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalDiscord, type MessageView, startLocalDiscord } from '@roundtable/local-discord';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCatalogue } from '../src/content/load.js';
import type { Pack } from '../src/content/schema.js';
import { buttonId } from './support/bot-harness.js';
import { botEnv, type ChildBot, killChildren, startChild } from './support/child-bot.js';

/**
 * The bot as `npm start` runs it, killed with SIGKILL in the middle of a
 * student's homework and started again on the same SQLite file: the two
 * acknowledged answers are kept and Start goes on at question three.
 */

let discord: LocalDiscord;
let dir: string;
let pack: Pack;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roundtable-homework-restart-'));
  discord = await startLocalDiscord({ timeoutMs: 10_000 });
  const loaded = await loadCatalogue('content');
  if (!loaded.ok || !loaded.catalogue.packs[0]) throw new Error('the content has errors');
  pack = loaded.catalogue.packs[0];
});

afterAll(async () => {
  await killChildren();
  await discord?.close();
  await rm(dir, { recursive: true, force: true });
});

async function startBotProcess(): Promise<ChildBot> {
  const child = startChild('main', { env: botEnv(discord, `sqlite://${join(dir, 'store.sqlite')}`) });
  await child.waitForLog('ready');
  return child;
}

function rightChoice(view: MessageView): string {
  const item = pack.quiz.find((i) => view.embeds[0]?.description?.includes(i.question.slice(0, 50)));
  if (!item) throw new Error('no quiz item matches the question');
  return buttonId(view, item.answer);
}

describe('homework survives kill -9', () => {
  test('GIVEN two answers acknowledged before a SIGKILL THEN after a restart Start resumes at question three', async () => {
    const channelId = discord.addChannel('homework');
    const first = await startBotProcess();
    const assigned = await discord
      .slash('teacher', 'homework', { questions: 4, due: '1d' }, { subcommand: 'assign', channelId })
      .reply();
    const id = /^Homework \*\*([a-z0-9]+)\*\*/.exec(assigned.content)?.[1];
    const card = await discord.waitFor(() =>
      discord.channelMessages(channelId).find((m) => m.embeds[0]?.footer?.startsWith(`Homework ${id} ·`)),
    );
    let view = await discord.click('student1', card, buttonId(card, 'Start')).reply();
    for (let n = 1; n <= 2; n++) {
      expect(view.embeds[0]?.title).toBe(`Question ${n} of 4`);
      const verdict = await discord.click('student1', view, rightChoice(view)).reply();
      expect(verdict.embeds[0]?.title).toBe(`Question ${n} of 4: ✅ correct`);
      view = await discord.click('student1', verdict, buttonId(verdict, 'Next question')).reply();
    }

    first.process.kill('SIGKILL');
    expect((await first.waitForExit()).signal).toBe('SIGKILL');
    const second = await startBotProcess();

    const resumed = await discord.click('student1', card, buttonId(card, 'Start')).reply();
    expect(resumed.content).toBe('Welcome back: you answered 2 of 4. Here is question 3.');
    expect(resumed.embeds[0]?.title).toBe('Question 3 of 4');
    const verdict = await discord.click('student1', resumed, rightChoice(resumed)).reply();
    expect(verdict.embeds[0]?.title).toBe('Question 3 of 4: ✅ correct');

    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(discord.violations).toEqual([]);
  }, 60_000);
});
