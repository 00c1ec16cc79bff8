import {
  ApplicationCommandOptionType,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  PermissionFlagsBits,
  type PermissionsBitField,
  subtext,
} from 'discord.js';
import { z } from 'zod';
import type { CommandModule, Deps } from '../src/app/command.js';
import { choicesOf, LEVEL_LABEL, THEME_LABEL } from '../src/content/labels.js';
import { LEVELS, type Level, THEMES, type Theme } from '../src/content/schema.js';
import { plural } from '../src/core/plural.js';
import { messageLink, missingPermissions, requireChannelPermissions } from '../src/discord-kit/context.js';
import { parseArgs } from '../src/discord-kit/custom-id.js';
import { UserError } from '../src/discord-kit/errors.js';
import { LIMITS, truncate } from '../src/discord-kit/limits.js';
import { enumOption } from '../src/discord-kit/options.js';
import { NO_MENTIONS, toMessage, toReply } from '../src/discord-kit/reply.js';
import { claimOption, findClaim, suggestClaims } from '../src/features/reading/claim-option.js';
import { renderTeacherNote } from '../src/features/reading/render.js';
import { renderSessionCsv } from '../src/features/session/csv.js';
import type { PollReply } from '../src/features/session/engine.js';
import {
  promptClaims,
  renderClaimChoice,
  renderPassage,
  renderStatus,
  SESSION_ACTIONS,
  sessionIdOf,
} from '../src/features/session/render.js';
import type { UnknownClaimReply } from '../src/features/session/runtime.js';
import { PROMPT_COUNT, type SessionState } from '../src/features/session/state.js';
import { statusView } from '../src/features/session/views.js';
import { articleOption, resolvePack, resolvePackQuietly } from '../src/features/settings/article-option.js';
import { requireHost } from '../src/features/settings/host.js';

const THREAD_PERMISSIONS = [
  ['Create Public Threads', PermissionFlagsBits.CreatePublicThreads],
  ['Send Messages in Threads', PermissionFlagsBits.SendMessagesInThreads],
] as const;
const POLL_PERMISSIONS = [['Send Polls', PermissionFlagsBits.SendPolls]] as const;

const NO_SESSION = 'No discussion session is running in this channel. A host can start one with /session start.';
const SESSION_OVER = 'This discussion session has ended. A host can start a new one with /session start.';

/** The server and the session channel: a command typed in a prompt's thread acts on its session. */
function where(interaction: { guildId: string | null; channelId: string | null }, deps: Deps) {
  if (!interaction.guildId || !interaction.channelId) {
    throw new UserError('Discussion sessions run in a server channel.');
  }
  return { guildId: interaction.guildId, channelId: deps.sessions.sessionChannelOf(interaction.channelId) };
}

function requirePolls(permissions: Readonly<PermissionsBitField> | null): void {
  if (missingPermissions(permissions, POLL_PERMISSIONS).length > 0) {
    throw new UserError(
      'Roundtable cannot post polls here: it needs **Send Polls** in this channel. A server admin can grant it in the channel settings (Permissions).',
    );
  }
}

async function start(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  await requireHost(interaction, deps);
  const { guildId, channelId } = where(interaction, deps);
  if (interaction.channel?.isThread()) {
    throw new UserError('Start a session in a text channel, not in a thread: each prompt gets its own thread.');
  }
  requireChannelPermissions(interaction.appPermissions, 'run a discussion session');
  if (await deps.quiz.activeRound(guildId, channelId)) {
    throw new UserError(
      'A quiz round is running in this channel. End it with /quiz stop, or start the session in another channel.',
    );
  }
  const pack = await resolvePack(interaction, deps);
  const wantsThreads = interaction.options.getBoolean('threads') ?? true;
  const noThreads = wantsThreads ? missingPermissions(interaction.appPermissions, THREAD_PERMISSIONS) : [];
  const noPolls = missingPermissions(interaction.appPermissions, POLL_PERMISSIONS);
  const outcome = await deps.sessions.start({
    guildId,
    channelId,
    hostId: interaction.user.id,
    pack,
    options: {
      count: interaction.options.getInteger('prompts'),
      theme: enumOption<Theme>(interaction.options.getString('theme'), THEMES),
      level: enumOption<Level>(interaction.options.getString('level'), LEVELS),
      threads: wantsThreads && noThreads.length === 0,
    },
  });
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
  if (noPolls.length > 0) lines.push('⚠️ Roundtable is missing **Send Polls** here, so claims cannot be polled.');
  await interaction.reply(toReply({ content: truncate(lines.join('\n'), LIMITS.content) }, true));
  const note = await hostNoteOfPrompt(deps, guildId, channelId, 0);
  if (note) await interaction.followUp(toReply(note, true));
}

/** The teacher note of the prompt now shown in the channel, for the host alone; null when it has none. */
async function hostNoteOfPrompt(deps: Deps, guildId: string, channelId: string, index: number) {
  const live = await deps.sessions.activeSession(guildId, channelId);
  const questionId = live?.prompts[index]?.questionId;
  const question = live && questionId ? deps.catalogue.question(live.article, questionId) : undefined;
  return question ? renderTeacherNote(question) : null;
}

async function next(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  await requireHost(interaction, deps);
  const { guildId, channelId } = where(interaction, deps);
  const reply = await deps.sessions.next(guildId, channelId, null);
  if (reply.kind === 'prompt-shown') {
    const content = `Prompt ${reply.index + 1} of ${reply.total} is posted.`;
    await interaction.reply(toReply({ content }, true));
    const note = await hostNoteOfPrompt(deps, guildId, channelId, reply.index);
    if (note) await interaction.followUp(toReply(note, true));
    return;
  }
  if (reply.kind === 'ended') {
    const content = 'That was the last prompt: the session has ended and the recap follows in the channel.';
    return void (await interaction.reply(toReply({ content }, true)));
  }
  throw new UserError(NO_SESSION);
}

async function end(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  await requireHost(interaction, deps);
  const { guildId, channelId } = where(interaction, deps);
  const reply = await deps.sessions.end(guildId, channelId, null);
  if (reply.kind !== 'ended') throw new UserError(NO_SESSION);
  const content = 'Session ended. Polls are closing; the recap follows in the channel.';
  await interaction.reply(toReply({ content }, true));
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

async function poll(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  await requireHost(interaction, deps);
  const { guildId, channelId } = where(interaction, deps);
  requirePolls(interaction.appPermissions);
  const session = await deps.sessions.activeSession(guildId, channelId);
  if (!session) throw new UserError(NO_SESSION);
  const claim = findClaim(
    deps.catalogue.pack(session.article)?.claims ?? [],
    interaction.options.getString('claim', true),
  );
  const reply = await deps.sessions.poll(guildId, channelId, sessionIdOf(session), claim.id);
  await interaction.reply(toReply({ content: pollReplyText(reply, claim.claim) }, true));
}

async function status(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  const { guildId } = where(interaction, deps);
  const sessions = await deps.sessions.sessionsIn(guildId);
  const entries = sessions.map((s) => ({
    view: statusView(s),
    title: deps.catalogue.pack(s.article)?.article.title ?? s.article,
  }));
  await interaction.reply(toReply(renderStatus(entries), true));
}

async function report(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  await requireHost(interaction, deps);
  const { guildId, channelId } = where(interaction, deps);
  const session = await deps.sessions.lastSession(guildId, channelId);
  if (!session) throw new UserError('No discussion session has been held in this channel yet.');
  const questions = deps.catalogue.pack(session.article)?.questions ?? [];
  const people = new Set(session.prompts.flatMap((p) => p.participants.map((x) => x.userId))).size;
  const replies = session.prompts.reduce((n, p) => n + p.participants.reduce((m, x) => m + x.messages, 0), 0);
  const when = new Date(session.startedAt).toISOString().slice(0, 10);
  const content = `Session of ${when}${session.phase === 'active' ? ' (still running)' : ''}: ${replies} replies from ${people} people.`;
  await interaction.reply({
    ...toReply({ content }, true),
    files: [
      {
        name: `session-${when}-${sessionIdOf(session)}.csv`,
        attachment: Buffer.from(renderSessionCsv(session, questions)),
      },
    ],
  });
}

const SessionId = z.string().regex(/^[a-z0-9]{1,12}$/);
const Index = z
  .string()
  .regex(/^\d{1,2}$/)
  .transform(Number);
const PromptArgs = z.tuple([SessionId, Index]);
const EndArgs = z.tuple([SessionId]);
const ClaimArgs = z.tuple([SessionId, z.string().regex(/^[a-z0-9-]{1,40}$/)]);
const PassageArgs = z.tuple([z.string().regex(/^[a-z0-9-]{1,60}$/), z.string().regex(/^[a-z0-9-]{1,40}$/)]);

/** The button's session, when it is still the live one in this channel. */
async function sessionOfButton(interaction: ButtonInteraction, deps: Deps, sessionId: string) {
  const { guildId, channelId } = where(interaction, deps);
  const session = await deps.sessions.activeSession(guildId, channelId);
  if (!session || sessionIdOf(session) !== sessionId) throw new UserError(SESSION_OVER);
  return { guildId, channelId, session };
}

async function pollFromButton(
  interaction: ButtonInteraction,
  deps: Deps,
  session: SessionState,
  claimId: string,
): Promise<string> {
  const { guildId, channelId } = where(interaction, deps);
  const claim = deps.catalogue.claim(session.article, claimId);
  const reply = await deps.sessions.poll(guildId, channelId, sessionIdOf(session), claimId);
  return pollReplyText(reply, claim?.claim ?? claimId);
}

export const session: CommandModule = {
  data: {
    name: 'session',
    description: 'Run a class discussion of the article: prompts with threads, follow-ups, claim polls and a recap',
    dm_permission: false,
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'start',
        description: 'Start a discussion session in this channel (hosts only)',
        options: [
          articleOption,
          {
            type: ApplicationCommandOptionType.String,
            name: 'theme',
            description: 'Only prompts on this theme',
            choices: choicesOf(THEMES, THEME_LABEL),
          },
          {
            type: ApplicationCommandOptionType.String,
            name: 'level',
            description: 'Only prompts at this level of thinking',
            choices: choicesOf(LEVELS, LEVEL_LABEL),
          },
          {
            type: ApplicationCommandOptionType.Integer,
            name: 'prompts',
            description: `How many prompts, ${PROMPT_COUNT.min} to ${PROMPT_COUNT.max} (default ${PROMPT_COUNT.default})`,
            min_value: PROMPT_COUNT.min,
            max_value: PROMPT_COUNT.max,
          },
          {
            type: ApplicationCommandOptionType.Boolean,
            name: 'threads',
            description: 'Open a thread for the replies to each prompt (default: yes)',
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'next',
        description: 'Post the next prompt; after the last one the session ends (hosts only)',
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'poll',
        description: 'Let the class vote on a claim; the check is revealed in the recap (hosts only)',
        options: [claimOption],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'end',
        description: 'End the session now: polls close and the recap is posted (hosts only)',
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'status',
        description: 'Which channels of this server have a session running, and how far along',
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'report',
        description: 'A spreadsheet (CSV) of who took part in each prompt of this channel’s session (hosts only)',
      },
    ],
  },
  async execute(interaction, deps) {
    const sub = interaction.options.getSubcommand();
    if (sub === 'start') return start(interaction, deps);
    if (sub === 'next') return next(interaction, deps);
    if (sub === 'poll') return poll(interaction, deps);
    if (sub === 'end') return end(interaction, deps);
    if (sub === 'status') return status(interaction, deps);
    return report(interaction, deps);
  },
  async autocomplete(interaction, deps) {
    if (!interaction.guildId || !interaction.channelId) return interaction.respond([]);
    const channelId = deps.sessions.sessionChannelOf(interaction.channelId);
    const running = await deps.sessions.activeSession(interaction.guildId, channelId);
    const pack = running ? deps.catalogue.pack(running.article) : await resolvePackQuietly(interaction, deps);
    if (!pack) return interaction.respond([]);
    // The current prompt's claims come first: they are the ones the class is talking about.
    const question = running
      ? deps.catalogue.question(pack.slug, running.prompts[running.current]?.questionId ?? '')
      : undefined;
    const first = new Set(question ? promptClaims(pack, question).map((c) => c.id) : []);
    const ordered = [...pack.claims].sort((a, b) => Number(first.has(b.id)) - Number(first.has(a.id)));
    await interaction.respond(suggestClaims(ordered, interaction.options.getFocused()));
  },
  components: {
    async [SESSION_ACTIONS.next](interaction, args, deps) {
      const [sessionId, index] = parseArgs(PromptArgs, args);
      await requireHost(interaction, deps);
      const { guildId, channelId } = where(interaction, deps);
      const reply = await deps.sessions.next(guildId, channelId, { sessionId, index });
      if (reply.kind === 'ended') return void (await interaction.deferUpdate());
      if (reply.kind === 'prompt-shown') {
        await interaction.deferUpdate();
        const note = await hostNoteOfPrompt(deps, guildId, channelId, reply.index);
        if (note) await interaction.followUp(toReply(note, true));
        return;
      }
      if (reply.kind === 'wrong-prompt') throw new UserError('The session has already moved on to another prompt.');
      throw new UserError(SESSION_OVER);
    },
    async [SESSION_ACTIONS.followUp](interaction, args, deps) {
      const [sessionId, index] = parseArgs(PromptArgs, args);
      await requireHost(interaction, deps);
      const { guildId, channelId } = where(interaction, deps);
      const reply = await deps.sessions.showFollowUp(guildId, channelId, { sessionId, index });
      if (reply.kind === 'follow-up-shown') return void (await interaction.deferUpdate());
      if (reply.kind === 'no-follow-ups-left') throw new UserError('Every follow-up of this prompt is already shown.');
      if (reply.kind === 'wrong-prompt') throw new UserError('The session has already moved on to another prompt.');
      throw new UserError(SESSION_OVER);
    },
    async [SESSION_ACTIONS.poll](interaction, args, deps) {
      const [sessionId, index] = parseArgs(PromptArgs, args);
      await requireHost(interaction, deps);
      const { session } = await sessionOfButton(interaction, deps, sessionId);
      if (session.current !== index) throw new UserError('The session has already moved on to another prompt.');
      requirePolls(interaction.appPermissions);
      const pack = deps.catalogue.pack(session.article);
      const question = deps.catalogue.question(session.article, session.prompts[index]?.questionId ?? '');
      const claims = pack && question ? promptClaims(pack, question) : [];
      const [only, ...others] = claims;
      if (!only) {
        throw new UserError(
          'This prompt does not draw on a particular claim. Use /session poll to let the class vote on any claim of the article.',
        );
      }
      if (others.length === 0) {
        const content = await pollFromButton(interaction, deps, session, only.id);
        return void (await interaction.reply(toReply({ content }, true)));
      }
      await interaction.reply(toReply(renderClaimChoice(session, claims), true));
    },
    async [SESSION_ACTIONS.pollClaim](interaction, args, deps) {
      const [sessionId, claimId] = parseArgs(ClaimArgs, args);
      await requireHost(interaction, deps);
      const { session } = await sessionOfButton(interaction, deps, sessionId);
      requirePolls(interaction.appPermissions);
      const content = await pollFromButton(interaction, deps, session, claimId);
      await interaction.update(toMessage({ content }));
    },
    async [SESSION_ACTIONS.closePoll](interaction, args, deps) {
      const [sessionId, claimId] = parseArgs(ClaimArgs, args);
      await requireHost(interaction, deps);
      const { guildId, channelId } = where(interaction, deps);
      await sessionOfButton(interaction, deps, sessionId);
      const reply = await deps.sessions.closeOnePoll(guildId, channelId, sessionId, claimId);
      switch (reply.kind) {
        case 'poll-closing':
          // The card loses its button; the split and the check follow in the channel.
          return void (await interaction.update({ components: [], allowedMentions: NO_MENTIONS }));
        case 'poll-not-posted':
          throw new UserError('That poll is still being posted. Try again in a moment.');
        case 'poll-already-revealed':
          throw new UserError('That poll is already closed and its check shown.');
        case 'not-polled':
          throw new UserError('That claim has not been polled in this session.');
        case 'session-ended':
          throw new UserError(SESSION_OVER);
      }
    },
    async [SESSION_ACTIONS.end](interaction, args, deps) {
      const [sessionId] = parseArgs(EndArgs, args);
      await requireHost(interaction, deps);
      const { guildId, channelId } = where(interaction, deps);
      const reply = await deps.sessions.end(guildId, channelId, sessionId);
      if (reply.kind !== 'ended') throw new UserError(SESSION_OVER);
      await interaction.deferUpdate();
    },
    async [SESSION_ACTIONS.passage](interaction, args, deps) {
      const [slug, questionId] = parseArgs(PassageArgs, args);
      const pack = deps.catalogue.pack(slug);
      const question = deps.catalogue.question(slug, questionId);
      if (!pack || !question)
        throw new UserError('That prompt is no longer in the content. Read the article with /article.');
      await interaction.reply(toReply(renderPassage(pack, question), true));
    },
  },
};
