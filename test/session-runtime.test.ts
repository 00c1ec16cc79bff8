import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscordAPIError } from 'discord.js';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Catalogue } from '../src/content/catalogue.js';
import { loadCatalogue } from '../src/content/load.js';
import type { Pack } from '../src/content/schema.js';
import type { ChannelMessages } from '../src/discord-kit/channel-messages.js';
import type { MessageView } from '../src/discord-kit/reply.js';
import { sessionIdOf } from '../src/features/session/render.js';
import {
  createSessionRuntime,
  legacySessionLiveRecord,
  type SessionDiscord,
  type SessionRuntime,
  sessionArchiveRecord,
  sessionControlRecord,
  sessionCountsRecord,
  sessionServerRecord,
} from '../src/features/session/runtime.js';
import { withCounts } from '../src/features/session/state.js';
import { type GuildStore, openStore } from '../src/store/index.js';
import { openKeyv } from '../src/store/open-keyv.js';
import { VALID_CONTENT } from './fixtures/content-fixture.js';

const G = 'g1';
const C = 'c1';
const T0 = Date.UTC(2025, 2, 3, 9, 0);

interface Sent {
  channelId: string;
  id: string;
  view: MessageView;
  extra: Readonly<Record<string, unknown>> | undefined;
}

/** A Discord that records what the runtime asked of it. */
function fakeDiscord() {
  const sent: Sent[] = [];
  const edits: { channelId: string; messageId: string; view: MessageView }[] = [];
  const threads: { channelId: string; messageId: string; name: string }[] = [];
  const expired: string[] = [];
  const state = {
    failThreads: false,
    /** Sends of a message with this text fail (Discord unreachable) while `times` is above 0. */
    failSends: null as { text: string; times: number } | null,
    /** Messages a moderator deleted: editing them gets Discord's 10008 Unknown Message. */
    deleted: new Set<string>(),
    /** While set, sending a message with this text waits, as a slow Discord would. */
    gate: null as { text: string; open: Promise<void> } | null,
    votes: [
      { id: 1, count: 3 },
      { id: 4, count: 1 },
    ],
  };
  let n = 0;
  const messages: ChannelMessages = {
    async send(channelId, view, extra) {
      if (state.gate && textOf(view).includes(state.gate.text)) await state.gate.open;
      if (state.failSends && state.failSends.times > 0 && textOf(view).includes(state.failSends.text)) {
        state.failSends.times -= 1;
        throw new Error('503: Service Unavailable');
      }
      n += 1;
      const id = `m${n}`;
      sent.push({ channelId, id, view, extra });
      return id;
    },
    async edit(channelId, messageId, view) {
      if (state.deleted.has(messageId)) throw unknownMessage(channelId, messageId);
      edits.push({ channelId, messageId, view });
    },
    async exists(_channelId, messageId) {
      return !state.deleted.has(messageId);
    },
    async editOriginal() {
      throw new Error('sessions do not edit interaction replies');
    },
  };
  const discord: SessionDiscord = {
    async createThread(channelId, messageId, name) {
      if (state.failThreads) throw new Error('Missing Permissions');
      threads.push({ channelId, messageId, name });
      return `t-${messageId}`;
    },
    async expirePoll(_channelId, messageId) {
      expired.push(messageId);
      return { id: messageId, poll: { results: { is_finalized: true, answer_counts: state.votes } } };
    },
    async fetchMessage(_channelId, messageId) {
      return { id: messageId, poll: { results: null } };
    },
  };
  return { sent, edits, threads, expired, state, messages, discord };
}

function unknownMessage(channelId: string, messageId: string): DiscordAPIError {
  const url = `https://discord.com/api/v10/channels/${channelId}/messages/${messageId}`;
  return new DiscordAPIError({ code: 10008, message: 'Unknown Message' }, 10008, 404, 'PATCH', url, {});
}

function textOf(view: MessageView): string {
  return JSON.stringify(view);
}

let dir: string;
let store: GuildStore;
let catalogue: Catalogue;
let pack: Pack;
let clock: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roundtable-session-'));
  store = await openStore(`sqlite://${join(dir, 'store.sqlite')}`, pino({ level: 'silent' }));
  const loaded = await loadCatalogue(VALID_CONTENT);
  if (!loaded.ok) throw new Error('fixture content has errors');
  catalogue = loaded.catalogue;
  pack = catalogue.pack('harbour-vote') as Pack;
  clock = T0;
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

function runtimeWith(
  fake: ReturnType<typeof fakeDiscord>,
  options: { countsFlushMs?: number; retry?: { firstMs: number; maxMs: number } } = {},
): SessionRuntime {
  return createSessionRuntime({
    store,
    catalogue,
    messages: fake.messages,
    discord: fake.discord,
    logger: pino({ level: 'silent' }),
    now: () => clock,
    ...options,
  });
}

async function start(runtime: SessionRuntime, threads = true, channelId = C) {
  const outcome = await runtime.start({
    guildId: G,
    channelId,
    hostId: 'host',
    pack,
    options: { count: 2, theme: null, level: null, threads },
  });
  if (outcome.kind !== 'started') throw new Error(`not started: ${outcome.kind}`);
  await runtime.idle();
  return outcome.session;
}

/** The session of a channel as stored: its control record with its flushed counts. */
async function live(channelId = C) {
  const control = await store.read(G, sessionControlRecord(channelId));
  if (!control) return undefined;
  return withCounts(control, await store.read(G, sessionCountsRecord(channelId, sessionIdOf(control))));
}

function say(runtime: SessionRuntime, channelId: string, userId: string) {
  runtime.recordMessage({ guildId: G, channelId, userId, displayName: userId, isBot: false });
}

describe('session runtime', () => {
  test('GIVEN a session with threads THEN it posts, counts thread replies, polls, and recaps with the split', async () => {
    const fake = fakeDiscord();
    const runtime = runtimeWith(fake);
    const session = await start(runtime);
    expect(fake.sent.map((s) => s.channelId)).toEqual([C, C]);
    expect(textOf(fake.sent[0]?.view ?? {})).toContain(pack.article.title);
    expect(fake.threads).toEqual([{ channelId: C, messageId: 'm2', name: expect.stringMatching(/^Prompt 1: /) }]);
    expect((await live())?.prompts[0]).toMatchObject({ messageId: 'm2', threadId: 't-m2' });

    for (const [channelId, userId, isBot] of [
      ['t-m2', 'u1', false],
      ['t-m2', 'u2', false],
      ['t-m2', 'u1', false],
      ['t-m2', 'bot', true],
      ['elsewhere', 'u3', false],
      [C, 'u3', false],
    ] as const) {
      runtime.recordMessage({ guildId: G, channelId, userId, displayName: userId, isBot });
    }
    await runtime.idle();
    expect((await live())?.prompts[0]?.participants).toEqual([
      { userId: 'u1', displayName: 'u1', messages: 2 },
      { userId: 'u2', displayName: 'u2', messages: 1 },
    ]);
    expect(runtime.sessionChannelOf('t-m2')).toBe(C);

    const sid = sessionIdOf(session);
    expect(await runtime.next(G, C, { sessionId: sid, index: 1 })).toEqual({ kind: 'wrong-prompt', current: 0 });
    expect(await runtime.next(G, C, { sessionId: 'other', index: 0 })).toEqual({ kind: 'session-ended' });
    expect(await runtime.showFollowUp(G, C, { sessionId: sid, index: 0 })).toMatchObject({ kind: 'follow-up-shown' });
    await runtime.idle();
    expect(fake.sent.at(-1)?.channelId).toBe('t-m2');
    expect(fake.edits.at(-1)?.messageId).toBe('m2');

    clock += 5 * 60_000;
    expect(await runtime.next(G, C, { sessionId: sid, index: 0 })).toEqual({
      kind: 'prompt-shown',
      index: 1,
      total: 2,
    });
    await runtime.idle();
    // The first prompt lost its host buttons.
    expect(textOf(fake.edits.at(-1)?.view ?? {})).not.toContain('session-next');

    expect(await runtime.poll(G, C, null, 'no-such-claim')).toEqual({ kind: 'unknown-claim' });
    expect(await runtime.poll(G, C, sid, 'vote-result')).toEqual({ kind: 'poll-opened', claimId: 'vote-result' });
    await runtime.idle();
    const pollMessage = fake.sent.at(-1);
    expect(pollMessage?.extra).toMatchObject({ poll: { allow_multiselect: false, duration: 768 } });
    expect((await live())?.polls[0]).toMatchObject({ claimId: 'vote-result', messageId: pollMessage?.id });
    expect(await runtime.poll(G, C, sid, 'vote-result')).toMatchObject({ kind: 'already-polled' });

    clock += 20 * 60_000;
    expect(await runtime.end(G, C, sid)).toEqual({ kind: 'ended' });
    await runtime.idle();
    expect(fake.expired).toEqual([pollMessage?.id]);
    const recap = textOf(fake.sent.at(-1)?.view ?? {});
    expect(recap).toContain('Session recap');
    expect(recap).toContain('3 replies from 2 people');
    expect(recap).toContain('Agree: **3** (75%)');
    expect(recap).toContain('Need more evidence: **1** (25%)');
    expect(recap).toContain('25 minutes');

    expect(await live()).toBeUndefined();
    expect(await runtime.activeSession(G, C)).toBeNull();
    const archived = await store.read(G, sessionArchiveRecord(C));
    expect(archived).toMatchObject({ phase: 'ended', polls: [{ status: 'closed', results: { agree: 3 } }] });
    expect(archived?.recapMessageId).not.toBeNull();
    expect(await runtime.lastSession(G, C)).toEqual(archived);
    // Chatter after the end costs nothing and counts nothing.
    runtime.recordMessage({ guildId: G, channelId: 't-m2', userId: 'u9', displayName: 'u9', isBot: false });
    await runtime.idle();
    expect((await runtime.lastSession(G, C))?.prompts[0]?.participants).toHaveLength(2);
  });

  test('GIVEN a thread that cannot be created THEN the prompt falls back to the channel and counts there', async () => {
    const fake = fakeDiscord();
    fake.state.failThreads = true;
    const runtime = runtimeWith(fake);
    await start(runtime);
    expect((await live())?.prompts[0]).toMatchObject({ messageId: 'm2', threadId: null });
    expect(textOf(fake.edits.at(-1)?.view ?? {})).toContain('here in the channel');
    runtime.recordMessage({ guildId: G, channelId: C, userId: 'u1', displayName: 'u1', isBot: false });
    await runtime.idle();
    expect((await live())?.prompts[0]?.participants).toHaveLength(1);
  });

  test('GIVEN sessions stored for several servers THEN start-up resumes those this process owns, and only them', async () => {
    const fake = fakeDiscord();
    await start(runtimeWith(fake));
    const restarted = runtimeWith(fakeDiscord());
    expect(await restarted.resume((guildId) => guildId === 'g-elsewhere')).toBe(0);
    expect(await restarted.resume((guildId) => guildId === G)).toBe(1);
    await restarted.shutdown();
  });

  test('GIVEN a restart before the prompt was posted THEN resuming posts it once and counts again', async () => {
    const fake = fakeDiscord();
    const first = runtimeWith(fake);
    await start(first);
    // Simulate a crash between the engine's step and the post: the prompt has no message yet.
    await store.update(G, sessionControlRecord(C), (s) => {
      if (!s) throw new Error('no session');
      const prompts = s.prompts.map((p, i) => (i === 0 ? { ...p, messageId: null, threadId: null } : p));
      return { value: { ...s, prompts }, result: null };
    });
    const after = fakeDiscord();
    const second = runtimeWith(after);
    expect(await second.resumeGuild(G)).toBe(1);
    await second.idle();
    expect(after.sent).toHaveLength(1);
    expect((await live())?.prompts[0]).toMatchObject({ messageId: 'm1', threadId: 't-m1' });
    second.recordMessage({ guildId: G, channelId: 't-m1', userId: 'u1', displayName: 'u1', isBot: false });
    await second.idle();
    expect((await live())?.prompts[0]?.participants).toHaveLength(1);
  });

  test('GIVEN a session running THEN a second start in the channel is refused, one elsewhere is fine', async () => {
    const fake = fakeDiscord();
    const runtime = runtimeWith(fake);
    await start(runtime);
    const again = await runtime.start({
      guildId: G,
      channelId: C,
      hostId: 'host',
      pack,
      options: { count: 1, theme: null, level: null, threads: true },
    });
    expect(again.kind).toBe('busy');
    const other = await runtime.start({
      guildId: G,
      channelId: 'c2',
      hostId: 'host',
      pack,
      options: { count: 1, theme: null, level: null, threads: false },
    });
    expect(other.kind).toBe('started');
    await runtime.idle();
    expect((await runtime.sessionsIn(G)).map((s) => s.channelId).sort()).toEqual([C, 'c2']);
    expect(Object.keys((await store.read(G, sessionServerRecord)).used)).toEqual([pack.slug]);
  });

  test('GIVEN a session ended and a new one started in the channel THEN the old one filing away keeps the new one counting', async () => {
    const fake = fakeDiscord();
    const runtime = runtimeWith(fake);
    const first = await start(runtime, false);
    let release = () => {};
    // The new session's prompt is slow to post, so only its start has said which channel to watch.
    fake.state.gate = {
      text: 'Prompt 1 of 1',
      open: new Promise((resolve) => {
        release = resolve;
      }),
    };
    expect(await runtime.end(G, C, sessionIdOf(first))).toEqual({ kind: 'ended' });
    clock += 60_000;
    const second = await runtime.start({
      guildId: G,
      channelId: C,
      hostId: 'host',
      pack,
      options: { count: 1, theme: null, level: null, threads: false },
    });
    expect(second.kind).toBe('started');
    // The new session waited for the old one to post its recap and be filed away.
    expect(await store.read(G, sessionArchiveRecord(C))).toMatchObject({ startedAt: first.startedAt, phase: 'ended' });

    runtime.recordMessage({ guildId: G, channelId: C, userId: 'u1', displayName: 'u1', isBot: false });
    release();
    await runtime.idle();
    expect((await live())?.prompts[0]?.participants).toEqual([{ userId: 'u1', displayName: 'u1', messages: 1 }]);
  });

  test('GIVEN sessions in two channels THEN each has its own record, and a damaged one leaves the other running', async () => {
    const fake = fakeDiscord();
    const runtime = runtimeWith(fake);
    await start(runtime, false, C);
    const second = await start(runtime, false, 'c2');
    say(runtime, C, 'u1');
    say(runtime, 'c2', 'u2');
    say(runtime, 'c2', 'u3');
    await runtime.idle();
    expect((await live(C))?.prompts[0]?.participants.map((p) => p.userId)).toEqual(['u1']);
    expect((await live('c2'))?.prompts[0]?.participants.map((p) => p.userId)).toEqual(['u2', 'u3']);

    // While the bot is down, something writes garbage over the first channel's record.
    await runtime.shutdown();
    await store.close();
    const url = `sqlite://${join(dir, 'store.sqlite')}`;
    const keyv = await openKeyv(url, pino({ level: 'silent' }));
    await keyv.set(`guild:${G}:session:live:${C}`, { v: 1, data: { junk: 'not a session' } });
    await keyv.disconnect();
    store = await openStore(url, pino({ level: 'silent' }));

    const after = fakeDiscord();
    const restarted = runtimeWith(after);
    expect(await restarted.resumeGuild(G)).toBe(1);
    expect(await restarted.activeSession(G, C)).toBeNull();
    // The other channel notices nothing: it kept its counts, counts on, moves on, ends, and recaps.
    say(restarted, 'c2', 'u2');
    expect((await restarted.activeSession(G, 'c2'))?.prompts[0]?.participants).toHaveLength(2);
    const moved = await restarted.next(G, 'c2', { sessionId: sessionIdOf(second), index: 0 });
    expect(moved).toMatchObject({ kind: 'prompt-shown' });
    expect(await restarted.end(G, 'c2', null)).toEqual({ kind: 'ended' });
    await restarted.idle();
    const recaps = after.sent.filter((m) => m.channelId === 'c2' && textOf(m.view).includes('Session recap'));
    expect(recaps).toHaveLength(1);
    expect(textOf(recaps[0]?.view ?? {})).toContain('3 replies from 2 people');
    expect(after.sent.filter((m) => m.channelId === C)).toEqual([]);
  });

  test('GIVEN chat messages THEN they are written at most every few seconds, and all of them on a clean shutdown', async () => {
    const fake = fakeDiscord();
    const runtime = runtimeWith(fake, { countsFlushMs: 60_000 });
    const session = await start(runtime, false);
    for (const userId of ['u1', 'u2', 'u1', 'u3', 'u1']) say(runtime, C, userId);
    // Counted in memory: what hosts read already has them, the store not yet.
    expect((await runtime.activeSession(G, C))?.prompts[0]?.participants).toHaveLength(3);
    expect(await store.read(G, sessionCountsRecord(C, sessionIdOf(session)))).toEqual({ prompts: [] });

    await runtime.shutdown();
    const restarted = runtimeWith(fakeDiscord(), { countsFlushMs: 60_000 });
    expect(await restarted.resumeGuild(G)).toBe(1);
    say(restarted, C, 'u2');
    expect(await restarted.end(G, C, null)).toEqual({ kind: 'ended' });
    await restarted.idle();
    const archived = await store.read(G, sessionArchiveRecord(C));
    expect(archived?.prompts[0]?.participants).toEqual([
      { userId: 'u1', displayName: 'u1', messages: 3 },
      { userId: 'u2', displayName: 'u2', messages: 2 },
      { userId: 'u3', displayName: 'u3', messages: 1 },
    ]);
    // Filed away: nothing is left of it in play.
    expect(await store.read(G, sessionCountsRecord(C, sessionIdOf(session)))).toEqual({ prompts: [] });
    expect((await store.read(G, sessionServerRecord)).channels).toEqual([]);
  });

  test('GIVEN a prompt and a recap that fail to post THEN both are retried with backoff until they are posted', async () => {
    const fake = fakeDiscord();
    const runtime = runtimeWith(fake, { retry: { firstMs: 20, maxMs: 80 } });
    const session = await start(runtime, false);
    fake.state.failSends = { text: 'Prompt 2 of 2', times: 3 };
    expect(await runtime.next(G, C, { sessionId: sessionIdOf(session), index: 0 })).toMatchObject({
      kind: 'prompt-shown',
    });
    await runtime.idle();
    const posted = (await live())?.prompts[1]?.messageId;
    expect(posted).toBeDefined();
    expect(fake.state.failSends.times).toBe(0);
    expect(fake.sent.filter((m) => textOf(m.view).includes('Prompt 2 of 2'))).toEqual([
      expect.objectContaining({ id: posted }),
    ]);

    fake.state.failSends = { text: 'Session recap', times: 2 };
    expect(await runtime.end(G, C, null)).toEqual({ kind: 'ended' });
    await runtime.idle();
    expect((await store.read(G, sessionArchiveRecord(C)))?.recapMessageId).toBeTruthy();
    expect(fake.sent.filter((m) => textOf(m.view).includes('Session recap'))).toHaveLength(1);
    expect(await live()).toBeUndefined();
  });

  test('GIVEN a poll that cannot be closed yet THEN the recap waits for its results', async () => {
    const fake = fakeDiscord();
    const runtime = runtimeWith(fake, { retry: { firstMs: 20, maxMs: 80 } });
    await start(runtime, false);
    expect(await runtime.poll(G, C, null, 'vote-result')).toMatchObject({ kind: 'poll-opened' });
    await runtime.idle();
    let outage = 2;
    const expire = fake.discord.expirePoll;
    fake.discord.expirePoll = async (channelId, messageId) => {
      if (outage-- > 0) throw new Error('connect ECONNREFUSED');
      return expire(channelId, messageId);
    };
    expect(await runtime.end(G, C, null)).toEqual({ kind: 'ended' });
    await runtime.idle();
    const archived = await store.read(G, sessionArchiveRecord(C));
    expect(archived?.polls[0]).toMatchObject({ status: 'closed', results: { agree: 3, needMoreEvidence: 1 } });
    const recaps = fake.sent.filter((m) => textOf(m.view).includes('Session recap'));
    expect(recaps).toHaveLength(1);
    expect(fake.sent.map((m) => textOf(m.view)).join('\n')).toContain('Agree: **3** (75%)');
  });

  test('GIVEN a prompt and a poll deleted by a moderator THEN the prompt is posted afresh and the session goes on', async () => {
    const fake = fakeDiscord();
    const runtime = runtimeWith(fake);
    const session = await start(runtime, false);
    const prompt = (await live())?.prompts[0]?.messageId ?? '';
    fake.state.deleted.add(prompt);
    expect(await runtime.showFollowUp(G, C, { sessionId: sessionIdOf(session), index: 0 })).toMatchObject({
      kind: 'follow-up-shown',
    });
    await runtime.idle();
    const fresh = (await live())?.prompts[0]?.messageId;
    expect(fresh).not.toBe(prompt);
    expect(textOf(fake.sent.find((m) => m.id === fresh)?.view ?? {})).toContain('Prompt 1 of 2');

    expect(await runtime.poll(G, C, null, 'vote-result')).toMatchObject({ kind: 'poll-opened' });
    await runtime.idle();
    const gone = async () => {
      throw new DiscordAPIError({ code: 10008, message: 'Unknown Message' }, 10008, 404, 'POST', 'poll', {});
    };
    fake.discord.expirePoll = gone;
    fake.discord.fetchMessage = gone;
    expect(await runtime.next(G, C, { sessionId: sessionIdOf(session), index: 0 })).toMatchObject({
      kind: 'prompt-shown',
    });
    expect(await runtime.end(G, C, null)).toEqual({ kind: 'ended' });
    await runtime.idle();
    const recap = fake.sent.filter((m) => textOf(m.view).includes('Session recap'));
    expect(recap).toHaveLength(1);
    expect(fake.sent.map((m) => textOf(m.view)).join('\n')).toContain('Discord did not report this poll’s results.');
    expect(await store.read(G, sessionArchiveRecord(C))).toMatchObject({
      polls: [{ status: 'closed', results: null }],
    });
  });

  test('GIVEN sessions in the record of an earlier version THEN a restart moves them to their channels and goes on', async () => {
    const fake = fakeDiscord();
    const runtime = runtimeWith(fake);
    const session = await start(runtime);
    const threadId = (await live())?.prompts[0]?.threadId ?? '';
    say(runtime, threadId, 'u1');
    say(runtime, threadId, 'u2');
    await runtime.idle();
    const stored = await live();
    if (!stored) throw new Error('no session');
    // What an earlier version stored: every session of the server in one record, counts inside.
    const { used } = await store.read(G, sessionServerRecord);
    await store.update(G, legacySessionLiveRecord, () => ({
      value: { sessions: { [C]: stored }, used },
      result: null,
    }));
    await store.delete(G, sessionControlRecord(C));
    await store.delete(G, sessionCountsRecord(C, sessionIdOf(session)));
    await store.delete(G, sessionServerRecord);

    const after = fakeDiscord();
    const upgraded = runtimeWith(after);
    expect(await upgraded.resumeGuild(G)).toBe(1);
    await upgraded.idle();
    expect(after.sent).toEqual([]);
    expect(await store.read(G, legacySessionLiveRecord)).toEqual({ sessions: {}, used: {} });
    expect((await store.read(G, sessionServerRecord)).channels).toEqual([C]);
    const again = await upgraded.start({
      guildId: G,
      channelId: C,
      hostId: 'host',
      pack,
      options: { count: 1, theme: null, level: null, threads: true },
    });
    expect(again.kind).toBe('busy');
    say(upgraded, threadId, 'u3');
    expect(await upgraded.end(G, C, null)).toEqual({ kind: 'ended' });
    await upgraded.idle();
    expect(textOf(after.sent.at(-1)?.view ?? {})).toContain('3 replies from 3 people');
  });
});
