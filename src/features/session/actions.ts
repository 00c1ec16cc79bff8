import { PermissionFlagsBits, type PermissionsBitField, subtext } from 'discord.js';
import type { Catalogue } from '../../content/catalogue.js';
import type { Pack } from '../../content/schema.js';
import { plural } from '../../core/plural.js';
import { messageLink, missingPermissions, type Place } from '../../discord-kit/context.js';
import { UserError } from '../../discord-kit/errors.js';
import { LIMITS, truncate } from '../../discord-kit/limits.js';
import type { MessageView } from '../../discord-kit/reply.js';
import type { GuildStore } from '../../store/index.js';
import { findClaim } from '../reading/claim-option.js';
import { renderTeacherNote } from '../reading/render.js';
import { resolvePack } from '../settings/article-option.js';
import { type ChannelActivity, startHolding } from '../settings/channel-activity.js';
import { renderSessionCsv } from './csv.js';
import type { PollReply } from './engine.js';
import type { SessionStartArgs } from './options.js';
import { promptClaims, renderClaimChoice, renderPassage, renderStatus, sessionIdOf } from './render.js';
import type { SessionRuntime, StartOutcome, UnknownClaimReply } from './runtime.js';
import type { SessionState } from './state.js';
import { statusView } from './views.js';

/** What the session's commands and buttons do, with Discord left to the command module. */

export interface SessionDeps {
  readonly sessions: SessionRuntime;
  readonly catalogue: Catalogue;
  readonly store: GuildStore;
  readonly channels: ChannelActivity;
}

type Permissions = Readonly<PermissionsBitField> | null;

const THREAD_PERMISSIONS = [
  ['Create Public Threads', PermissionFlagsBits.CreatePublicThreads],
  ['Send Messages in Threads', PermissionFlagsBits.SendMessagesInThreads],
] as const;
const POLL_PERMISSIONS = [['Send Polls', PermissionFlagsBits.SendPolls]] as const;

const NO_SESSION = 'No discussion session is running in this channel. A host can start one with /session start.';
const SESSION_OVER = 'This discussion session has ended. A host can start a new one with /session start.';
const MOVED_ON = 'The session has already moved on to another prompt.';

/** The session channel of an interaction: a command typed in a prompt's thread acts on its session. */
export function sessionPlace(deps: SessionDeps, place: Place): Place {
  return { guildId: place.guildId, channelId: deps.sessions.sessionChannelOf(place.channelId) };
}

export function requirePolls(permissions: Permissions): void {
  if (missingPermissions(permissions, POLL_PERMISSIONS).length > 0) {
    throw new UserError(
      'Roundtable cannot post polls here: it needs **Send Polls** in this channel. A server admin can grant it in the channel settings (Permissions).',
    );
  }
}

/** The teacher note of the prompt now shown in the channel, for the host alone; null when it has none. */
export async function hostNoteOfPrompt(deps: SessionDeps, place: Place, index: number): Promise<MessageView | null> {
  const live = await deps.sessions.activeSession(place.guildId, place.channelId);
  const questionId = live?.prompts[index]?.questionId;
  const question = live && questionId ? deps.catalogue.question(live.article, questionId) : undefined;
  return question ? renderTeacherNote(question) : null;
}

/** Who starts the session, and what the bot may do in the channel. */
export interface SessionStarter {
  readonly hostId: string;
  readonly permissions: Permissions;
  /** Typed in a thread: refused, since each prompt gets its own thread. */
  readonly inThread: boolean;
}

function introOf(
  pack: Pack,
  outcome: Extract<StartOutcome, { kind: 'started' }>,
  noThreads: readonly string[],
  noPolls: boolean,
) {
  const { session } = outcome;
  const lines = [
    `Session started on **${pack.article.title}**: ${session.prompts.length} ${session.prompts.length === 1 ? 'prompt' : 'prompts'}, ${session.threads ? 'each with its own thread' : 'replies in the channel'}.`,
    'Use the buttons under each prompt (or /session next, /session poll, /session end). Students cannot use the host buttons.',
  ];
  if (outcome.note) {
    lines.push(
      subtext(
        `Only ${plural(outcome.note.available, 'question matches', 'questions match')}, so the session has ${plural(outcome.note.available, 'prompt')} instead of ${outcome.note.asked}.`,
      ),
    );
  }
  if (noThreads.length > 0) {
    lines.push(
      `⚠️ Roundtable is missing ${noThreads.map((p) => `**${p}**`).join(', ')} here, so replies stay in the channel.`,
    );
  }
  if (noPolls) lines.push('⚠️ Roundtable is missing **Send Polls** here, so claims cannot be polled.');
  return { content: truncate(lines.join('\n'), LIMITS.content) };
}

/**
 * Starts a session in the channel, unless a quiz round holds it; returns the
 * host's confirmation and the first prompt's teacher note.
 */
export async function startSession(
  deps: SessionDeps,
  place: Place,
  start: SessionStarter,
  args: SessionStartArgs,
): Promise<{ intro: MessageView; note: MessageView | null }> {
  if (start.inThread) {
    throw new UserError('Start a session in a text channel, not in a thread: each prompt gets its own thread.');
  }
  const { guildId, channelId } = place;
  const pack = await resolvePack(deps, guildId, args.article);
  const threads = args.threads ?? true;
  const noThreads = threads ? missingPermissions(start.permissions, THREAD_PERMISSIONS) : [];
  const noPolls = missingPermissions(start.permissions, POLL_PERMISSIONS).length > 0;
  const options = {
    count: args.prompts,
    theme: args.theme,
    level: args.level,
    threads: threads && noThreads.length === 0,
  };
  const held = await startHolding(deps.channels, place, 'session', () =>
    deps.sessions.start({ guildId, channelId, hostId: start.hostId, pack, options }),
  );
  if (held.kind === 'taken') {
    throw new UserError(
      'A quiz round is running in this channel. End it with /quiz stop, or start the session in another channel.',
    );
  }
  const outcome = held.result;
  if (outcome.kind === 'busy') {
    const current = outcome.session.prompts[outcome.session.current]?.messageId;
    const link = current ? ` ${messageLink(guildId, channelId, current)}` : '';
    throw new UserError(
      `A discussion session is already running in this channel.${link} End it with /session end, or start one in another channel.`,
    );
  }
  if (outcome.kind === 'refused') {
    throw new UserError(
      outcome.reply.kind === 'no-prompts'
        ? 'No discussion question of this article matches that theme and level. Try without one of them.'
        : `Choose ${outcome.reply.min} to ${outcome.reply.max} prompts.`,
    );
  }
  return { intro: introOf(pack, outcome, noThreads, noPolls), note: await hostNoteOfPrompt(deps, place, 0) };
}

/** The next prompt from a slash command (`ref` null) or a prompt's button; the text for the host, if any. */
export async function nextPrompt(
  deps: SessionDeps,
  place: Place,
  ref: { sessionId: string; index: number } | null,
): Promise<{ text: string; note: MessageView | null }> {
  const reply = await deps.sessions.next(place.guildId, place.channelId, ref);
  if (reply.kind === 'prompt-shown') {
    return {
      text: `Prompt ${reply.index + 1} of ${reply.total} is posted.`,
      note: await hostNoteOfPrompt(deps, place, reply.index),
    };
  }
  if (reply.kind === 'ended') {
    return {
      text: 'That was the last prompt: the session has ended and the recap follows in the channel.',
      note: null,
    };
  }
  if (reply.kind === 'wrong-prompt') throw new UserError(MOVED_ON);
  throw new UserError(ref ? SESSION_OVER : NO_SESSION);
}

export async function showFollowUp(deps: SessionDeps, place: Place, ref: { sessionId: string; index: number }) {
  const reply = await deps.sessions.showFollowUp(place.guildId, place.channelId, ref);
  if (reply.kind === 'follow-up-shown') return;
  if (reply.kind === 'no-follow-ups-left') throw new UserError('Every follow-up of this prompt is already shown.');
  if (reply.kind === 'wrong-prompt') throw new UserError(MOVED_ON);
  throw new UserError(SESSION_OVER);
}

/** Ends the session now; `sessionId` null: whichever runs in the channel (the slash command). */
export async function endSession(
  deps: SessionDeps,
  place: Place,
  { sessionId }: { sessionId: string | null },
): Promise<void> {
  const reply = await deps.sessions.end(place.guildId, place.channelId, sessionId);
  if (reply.kind !== 'ended') throw new UserError(sessionId ? SESSION_OVER : NO_SESSION);
}

function pollReplyText(reply: PollReply | UnknownClaimReply, claim: string): string {
  switch (reply.kind) {
    case 'poll-opened':
      return `Poll posted: "${truncate(claim, 200)}". Press **Close poll and show the check** on its card to reveal the check now; otherwise it comes in the recap when the session ends.`;
    case 'already-polled':
      throw new UserError(
        'The class has already voted on that claim in this session. Close it with the button on its card, or its results come in the recap.',
      );
    case 'unknown-claim':
      throw new UserError('That claim is not in the article of this session. Pick one from the list as you type.');
    case 'session-ended':
      throw new UserError(NO_SESSION);
  }
}

async function pollOne(deps: SessionDeps, place: Place, session: SessionState, claimId: string): Promise<string> {
  const claim = deps.catalogue.claim(session.article, claimId);
  const reply = await deps.sessions.poll(place.guildId, place.channelId, sessionIdOf(session), claimId);
  return pollReplyText(reply, claim?.claim ?? claimId);
}

/** `/session poll`: the claim the host typed, in the running session. */
export async function pollTypedClaim(deps: SessionDeps, place: Place, query: string): Promise<string> {
  const session = await deps.sessions.activeSession(place.guildId, place.channelId);
  if (!session) throw new UserError(NO_SESSION);
  const claim = findClaim(deps.catalogue.pack(session.article)?.claims ?? [], query);
  return pollOne(deps, place, session, claim.id);
}

/** The button's session, when it is still the live one in this channel. */
async function sessionOfButton(deps: SessionDeps, place: Place, sessionId: string): Promise<SessionState> {
  const session = await deps.sessions.activeSession(place.guildId, place.channelId);
  if (!session || sessionIdOf(session) !== sessionId) throw new UserError(SESSION_OVER);
  return session;
}

/** A prompt's poll button: its one claim polled at once, or a choice when it draws on several. */
export async function pollPromptClaim(
  deps: SessionDeps,
  place: Place,
  ref: { sessionId: string; index: number },
  permissions: Permissions,
): Promise<MessageView> {
  const session = await sessionOfButton(deps, place, ref.sessionId);
  if (session.current !== ref.index) throw new UserError(MOVED_ON);
  requirePolls(permissions);
  const pack = deps.catalogue.pack(session.article);
  const question = deps.catalogue.question(session.article, session.prompts[ref.index]?.questionId ?? '');
  const claims = pack && question ? promptClaims(pack, question) : [];
  const [only, ...others] = claims;
  if (!only) {
    throw new UserError(
      'This prompt does not draw on a particular claim. Use /session poll to let the class vote on any claim of the article.',
    );
  }
  if (others.length > 0) return renderClaimChoice(session, claims);
  return { content: await pollOne(deps, place, session, only.id) };
}

/** The claim the host picked among a prompt's claims. */
export async function pollChosenClaim(
  deps: SessionDeps,
  place: Place,
  ref: { sessionId: string; claimId: string },
  permissions: Permissions,
): Promise<string> {
  const session = await sessionOfButton(deps, place, ref.sessionId);
  requirePolls(permissions);
  return pollOne(deps, place, session, ref.claimId);
}

export async function closePoll(
  deps: SessionDeps,
  place: Place,
  ref: { sessionId: string; claimId: string },
): Promise<void> {
  await sessionOfButton(deps, place, ref.sessionId);
  const reply = await deps.sessions.closeOnePoll(place.guildId, place.channelId, ref.sessionId, ref.claimId);
  switch (reply.kind) {
    case 'poll-closing':
      return;
    case 'poll-not-posted':
      throw new UserError('That poll is still being posted. Try again in a moment.');
    case 'poll-already-revealed':
      throw new UserError('That poll is already closed and its check shown.');
    case 'not-polled':
      throw new UserError('That claim has not been polled in this session.');
    case 'session-ended':
      throw new UserError(SESSION_OVER);
  }
}

export function passageOf(deps: SessionDeps, slug: string, questionId: string): MessageView {
  const pack = deps.catalogue.pack(slug);
  const question = deps.catalogue.question(slug, questionId);
  if (!pack || !question)
    throw new UserError('That prompt is no longer in the content. Read the article with /article.');
  return renderPassage(pack, question);
}

export async function statusOf(deps: SessionDeps, guildId: string): Promise<MessageView> {
  const sessions = await deps.sessions.sessionsIn(guildId);
  const entries = sessions.map((s) => ({
    view: statusView(s),
    title: deps.catalogue.pack(s.article)?.article.title ?? s.article,
  }));
  return renderStatus(entries);
}

export async function sessionReport(deps: SessionDeps, place: Place): Promise<MessageView> {
  const session = await deps.sessions.lastSession(place.guildId, place.channelId);
  if (!session) throw new UserError('No discussion session has been held in this channel yet.');
  const questions = deps.catalogue.pack(session.article)?.questions ?? [];
  const people = new Set(session.prompts.flatMap((p) => p.participants.map((x) => x.userId))).size;
  const replies = session.prompts.reduce((n, p) => n + p.participants.reduce((m, x) => m + x.messages, 0), 0);
  const when = new Date(session.startedAt).toISOString().slice(0, 10);
  return {
    content: `Session of ${when}${session.phase === 'active' ? ' (still running)' : ''}: ${replies} replies from ${people} people.`,
    files: [{ name: `session-${when}-${sessionIdOf(session)}.csv`, data: renderSessionCsv(session, questions) }],
  };
}

/** The claims for `/session poll` as the host types: the current prompt's claims first. */
export async function claimsToPoll(deps: SessionDeps, place: Place, fallback: () => Promise<Pack | undefined>) {
  const running = await deps.sessions.activeSession(place.guildId, place.channelId);
  const pack = running ? deps.catalogue.pack(running.article) : await fallback();
  if (!pack) return [];
  // The current prompt's claims come first: they are the ones the class is talking about.
  const question = running
    ? deps.catalogue.question(pack.slug, running.prompts[running.current]?.questionId ?? '')
    : undefined;
  const first = new Set(question ? promptClaims(pack, question).map((c) => c.id) : []);
  return [...pack.claims].sort((a, b) => Number(first.has(b.id)) - Number(first.has(a.id)));
}
