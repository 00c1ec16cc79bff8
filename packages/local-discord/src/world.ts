import { EventEmitter } from 'node:events';
import {
  type APIApplicationCommand,
  type APIAttachment,
  type APIGuildMember,
  type APIMessage,
  type APIMessageInteractionMetadata,
  type APIPoll,
  type APIRole,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  ChannelType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  InteractionType,
  MessageFlags,
  MessageType,
  PermissionFlagsBits,
} from 'discord-api-types/v10';
import { z } from 'zod';
import type { DispatchOptions } from './gateway.js';
import {
  type AllowedMentions,
  type CommandBody,
  type CommandOptionBody,
  commandOptionSchema,
  type MessageBody,
  type PollCreateBody,
  type WireComponent,
  type WireEmbed,
} from './schemas.js';

/** A message as the double stores and returns it: APIMessage with the bot's own embeds and components echoed. */
export type WireMessage = Omit<APIMessage, 'embeds' | 'components'> & {
  embeds: WireEmbed[];
  components: WireComponent[];
  guild_id?: string;
};

export type GuildChannel = APITextChannel | APIThreadChannel;

/** A registered command as Discord returns it; options are echoed as the bot sent them. */
export type StoredCommand = Omit<APIApplicationCommand, 'options'> & { options?: CommandOptionBody[] };

export interface Upload {
  /** Form field name, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface StoredMessage {
  message: WireMessage;
  /** For an ephemeral message, the one user who sees it. */
  visibleTo: string | null;
  interactionId: string | null;
  deleted: boolean;
  /** Who deleted it: the bot (REST), or a moderator (`LocalDiscord.deleteMessage`), whose deletion is no fault of the bot's. */
  deletedBy: 'bot' | 'moderator' | null;
  edits: number;
  /** `World.revision` when the message was last created, edited, deleted, voted in or given a thread. */
  revision: number;
  /** Attachment bytes by attachment id. */
  files: Map<string, Buffer>;
  /** Poll voters by answer id. */
  votes: Map<number, string[]>;
  allowedMentions: AllowedMentions | null;
}

export interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType;
  userId: string;
  guildId: string;
  channelId: string;
  commandName: string | null;
  customId: string | null;
  /** When INTERACTION_CREATE was sent (Date.now()); the callback deadline and the token's lifetime count from here. */
  sentAt: number;
  /** When the user acted (Date.now() clock): the time the id's snowflake carries; earlier than `sentAt` for a delayed delivery. */
  createdAt: number;
  /** performance.now() when INTERACTION_CREATE was dispatched; null while delivery is held or delayed. */
  dispatchedAt: number | null;
  /** performance.now() when the accepted callback POST arrived at the double; null before. */
  ackedAt: number | null;
  callback: { type: number; data: unknown; at: number } | null;
  /** The response message (callbacks 4/5) or the message a component was on (6/7). */
  originalId: string | null;
  sourceMessageId: string | null;
  followUpIds: string[];
  choices: { name: string; value: string | number }[] | null;
  /** Why the double refused something the bot sent for this interaction. */
  rejections: string[];
}

export interface MemberState {
  roles: string[];
  joinedAt: string;
  nick: string | null;
}

export interface GuildState {
  id: string;
  name: string;
  ownerId: string;
  roles: APIRole[];
  channelIds: string[];
  members: Map<string, MemberState>;
}

export interface RequestRecord {
  method: string;
  path: string;
  /** The matched route pattern, e.g. `POST /channels/:channel/messages`, or null when unknown. */
  route: string | null;
  query: Record<string, string>;
  body: unknown;
  files: { field: string; filename: string; size: number }[];
  status: number;
  at: number;
  /** The answer was a fault injected with `LocalDiscord.failRequests`, not the route's own. */
  injected: boolean;
}

export type ViolationKind =
  | 'limit'
  | 'invalid-body'
  | 'empty-message'
  | 'already-acknowledged'
  | 'unknown-interaction'
  | 'unknown-message'
  | 'unknown-channel'
  | 'unknown-webhook'
  | 'unauthorized'
  | 'invalid-callback';

/** Something the bot sent that Discord would refuse; the double answered it with an error. */
export interface Violation {
  kind: ViolationKind;
  method: string;
  path: string;
  problems: string[];
  at: number;
}

/** discord-api-types' flag enums have no 0 member; a plain number stands for "no flags". */
export const NO_FLAGS: number = 0;
export const ALL_PERMISSIONS = (1n << 53n) - 1n;
const DISCORD_EPOCH = 1420070400000n;

/** The time (ms since 1970) a snowflake carries. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/**
 * Snowflakes carrying a chosen time, for interactions made "earlier". Their low 22 bits lie in
 * [2^21, 2^22 - 1024), away from those of `createSnowflakes` (which start at 0 each ms) and far enough
 * below 2^22 that `Number(id)`, which discord.js's `SnowflakeUtil.timestampFrom` uses, still rounds
 * into the same millisecond.
 */
export function createPastSnowflakes(): (time: number) => string {
  const span = (1n << 21n) - 1024n;
  let increment = 0n;
  return (time: number) => {
    increment = (increment + 1n) % span;
    return (((BigInt(Math.floor(time)) - DISCORD_EPOCH) << 22n) | ((1n << 21n) + increment)).toString();
  };
}

/** Increasing snowflakes that carry the current time, like Discord's. */
export function createSnowflakes(): () => string {
  let last = 0n;
  return () => {
    let id = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    if (id <= last) id = last + 1n;
    last = id;
    return id.toString();
  };
}

export interface WorldOptions {
  token: string;
  applicationId: string;
  applicationName: string;
  callbackDeadlineMs: number;
  tokenLifetimeMs: number;
}

/**
 * The double's state and the operations on it that REST routes and the test
 * harness share. Every change emits `change` so waiters can re-check.
 */
export class World extends EventEmitter {
  readonly nextId = createSnowflakes();
  readonly idAt = createPastSnowflakes();
  readonly users = new Map<string, APIUser>();
  readonly guilds = new Map<string, GuildState>();
  readonly channels = new Map<string, GuildChannel>();
  readonly messages = new Map<string, StoredMessage>();
  readonly channelMessageIds = new Map<string, string[]>();
  /** Registered commands by scope: `global` or a guild id. */
  readonly commands = new Map<string, StoredCommand[]>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly interactionsByToken = new Map<string, InteractionRecord>();
  /** Bytes of files users attached to command options, by attachment id. */
  readonly uploads = new Map<string, Buffer>();
  readonly requests: RequestRecord[] = [];
  readonly violations: Violation[] = [];
  readonly unknownRoutes: RequestRecord[] = [];
  readonly botUser: APIUser;
  /** Where attachment URLs point; set once the server listens. */
  baseUrl = '';
  dispatch: (event: string, data: unknown, options?: DispatchOptions) => void = () => {};
  /** Counts changes to messages; compare a message's `revision` with it to tell what changed since a moment. */
  revision = 0;

  constructor(readonly options: WorldOptions) {
    super();
    this.setMaxListeners(0);
    this.botUser = {
      id: options.applicationId,
      username: options.applicationName,
      global_name: null,
      discriminator: '0',
      avatar: null,
      bot: true,
    };
    this.users.set(this.botUser.id, this.botUser);
  }

  changed(): void {
    this.emit('change');
  }

  /** Marks a message as changed now (see `revision`). */
  touch(stored: StoredMessage): void {
    this.revision += 1;
    stored.revision = this.revision;
  }

  guildOf(channelId: string): GuildState | undefined {
    const channel = this.channels.get(channelId);
    const guildId = channel?.guild_id;
    return guildId ? this.guilds.get(guildId) : undefined;
  }

  /** Permissions of a member from @everyone and their roles, as Discord computes them (overwrites ignored). */
  permissionsOf(guild: GuildState, userId: string): bigint {
    if (guild.ownerId === userId) return ALL_PERMISSIONS;
    const member = guild.members.get(userId);
    let bits = 0n;
    for (const role of guild.roles) {
      if (role.id === guild.id || member?.roles.includes(role.id)) bits |= BigInt(role.permissions);
    }
    return (bits & PermissionFlagsBits.Administrator) !== 0n ? ALL_PERMISSIONS : bits;
  }

  memberPayload(guild: GuildState, userId: string): APIGuildMember {
    const member = guild.members.get(userId);
    const user = this.users.get(userId);
    if (!member || !user) throw new Error(`user ${userId} is not a member of guild ${guild.id}`);
    return {
      user,
      nick: member.nick,
      avatar: null,
      banner: null,
      roles: member.roles,
      joined_at: member.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: NO_FLAGS,
      pending: false,
      communication_disabled_until: null,
    };
  }

  // ---- messages ----

  createMessage(params: {
    channelId: string;
    author: APIUser;
    body: MessageBody;
    uploads: Upload[];
    type?: MessageType;
    visibleTo?: string | null;
    interaction?: InteractionRecord | null;
    flags?: number;
  }): StoredMessage {
    const { channelId, author, body } = params;
    const guild = this.guildOf(channelId);
    const id = this.nextId();
    const flags = (params.flags ?? body.flags ?? 0) | (params.visibleTo ? MessageFlags.Ephemeral : 0);
    const stored: StoredMessage = {
      message: {
        id,
        channel_id: channelId,
        ...(guild ? { guild_id: guild.id } : {}),
        author,
        content: body.content ?? '',
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        tts: body.tts ?? false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        attachments: [],
        embeds: body.embeds ?? [],
        components: body.components ?? [],
        pinned: false,
        type: params.type ?? (body.message_reference?.message_id ? MessageType.Reply : MessageType.Default),
        flags,
      },
      visibleTo: params.visibleTo ?? null,
      interactionId: params.interaction?.id ?? null,
      deleted: false,
      deletedBy: null,
      edits: 0,
      revision: 0,
      files: new Map(),
      votes: new Map(),
      allowedMentions: body.allowed_mentions ?? null,
    };
    const m = stored.message;
    if (author.bot && params.interaction) {
      m.webhook_id = this.options.applicationId;
      m.application_id = this.options.applicationId;
      m.interaction_metadata = interactionMetadata(params.interaction, this.users.get(params.interaction.userId));
    }
    if (body.message_reference?.message_id) {
      m.message_reference = {
        message_id: body.message_reference.message_id,
        channel_id: body.message_reference.channel_id ?? channelId,
        ...(guild ? { guild_id: guild.id } : {}),
      };
    }
    if (body.poll) m.poll = buildPoll(body.poll);
    m.attachments = this.#attachments(stored, body, params.uploads, []);
    this.#applyMentions(stored);
    this.messages.set(id, stored);
    this.touch(stored);
    const list = this.channelMessageIds.get(channelId) ?? [];
    list.push(id);
    this.channelMessageIds.set(channelId, list);
    const channel = this.channels.get(channelId);
    if (channel && !stored.visibleTo) {
      channel.last_message_id = id;
      if (channel.type === ChannelType.PublicThread || channel.type === ChannelType.PrivateThread) {
        channel.message_count = (channel.message_count ?? 0) + 1;
        channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
      }
    }
    if (!stored.visibleTo && !(flags & MessageFlags.Loading)) {
      const mentionsBot = m.mentions.some((u) => u.id === this.botUser.id);
      this.dispatch(GatewayDispatchEvents.MessageCreate, this.#withMember(m), {
        intent: GatewayIntentBits.GuildMessages,
        contentGated: author.id !== this.botUser.id && !mentionsBot,
      });
    }
    this.changed();
    return stored;
  }

  editMessage(stored: StoredMessage, body: MessageBody, uploads: Upload[]): StoredMessage {
    const m = stored.message;
    const wasLoading = ((m.flags ?? 0) & MessageFlags.Loading) !== 0;
    if (body.content !== undefined) m.content = body.content ?? '';
    if (body.embeds !== undefined) m.embeds = body.embeds ?? [];
    if (body.components !== undefined) m.components = body.components ?? [];
    if (body.allowed_mentions !== undefined) stored.allowedMentions = body.allowed_mentions ?? null;
    if (body.poll && !m.poll) m.poll = buildPoll(body.poll);
    if (body.flags != null) {
      // Only these flags can change on edit; ephemeral stays what it was.
      const editable = MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2;
      m.flags = ((m.flags ?? 0) & ~editable) | (body.flags & editable);
    }
    m.flags = (m.flags ?? 0) & ~MessageFlags.Loading;
    if (body.attachments !== undefined || uploads.length > 0) {
      m.attachments = this.#attachments(stored, body, uploads, m.attachments);
    }
    if (!wasLoading) {
      m.edited_timestamp = new Date().toISOString();
      stored.edits += 1;
    }
    this.touch(stored);
    this.#applyMentions(stored);
    if (!stored.visibleTo) {
      // A deferred reply becomes visible to the bot as a new message once it has content.
      const event = wasLoading ? GatewayDispatchEvents.MessageCreate : GatewayDispatchEvents.MessageUpdate;
      this.dispatch(event, this.#withMember(m), { intent: GatewayIntentBits.GuildMessages });
    }
    this.changed();
    return stored;
  }

  deleteMessage(stored: StoredMessage, by: 'bot' | 'moderator' = 'bot'): void {
    stored.deleted = true;
    stored.deletedBy = by;
    this.touch(stored);
    const list = this.channelMessageIds.get(stored.message.channel_id);
    if (list)
      this.channelMessageIds.set(
        stored.message.channel_id,
        list.filter((x) => x !== stored.message.id),
      );
    if (!stored.visibleTo) {
      this.dispatch(
        GatewayDispatchEvents.MessageDelete,
        {
          id: stored.message.id,
          channel_id: stored.message.channel_id,
          ...(stored.message.guild_id ? { guild_id: stored.message.guild_id } : {}),
        },
        { intent: GatewayIntentBits.GuildMessages },
      );
    }
    this.changed();
  }

  /** Messages visible in a channel (ephemeral ones excluded), oldest first. */
  visibleMessages(channelId: string): StoredMessage[] {
    const out: StoredMessage[] = [];
    for (const id of this.channelMessageIds.get(channelId) ?? []) {
      const stored = this.messages.get(id);
      if (stored && !stored.deleted && !stored.visibleTo) out.push(stored);
    }
    return out;
  }

  /** The payload of a message event: guild messages carry the author's member. */
  #withMember(m: WireMessage): WireMessage & { member?: Omit<APIGuildMember, 'user'> } {
    const guild = m.guild_id ? this.guilds.get(m.guild_id) : undefined;
    if (!guild?.members.has(m.author.id) || m.webhook_id) return m;
    const { user: _user, ...member } = this.memberPayload(guild, m.author.id);
    return { ...m, member };
  }

  #attachments(
    stored: StoredMessage,
    body: MessageBody,
    uploads: Upload[],
    existing: APIAttachment[],
  ): APIAttachment[] {
    const keep = body.attachments
      ? existing.filter((a) => body.attachments?.some((x) => String(x.id) === a.id))
      : [...existing];
    for (const upload of uploads) {
      const index = /^files\[(\d+)\]$/.exec(upload.field)?.[1] ?? upload.field;
      const meta = body.attachments?.find((a) => String(a.id) === index);
      const id = this.nextId();
      const filename = meta?.filename ?? upload.filename;
      const url = `${this.baseUrl}/attachments/${stored.message.channel_id}/${id}/${encodeURIComponent(filename)}`;
      stored.files.set(id, upload.data);
      keep.push({
        id,
        filename,
        size: upload.data.length,
        url,
        proxy_url: url,
        content_type: upload.contentType,
        ...(meta?.description ? { description: meta.description } : {}),
      });
    }
    return keep;
  }

  #applyMentions(stored: StoredMessage): void {
    const m = stored.message;
    const pings = computePings(m.content, stored.allowedMentions);
    m.mentions = pings.users.flatMap((id) => {
      const user = this.users.get(id);
      return user ? [user] : [];
    });
    m.mention_roles = pings.roles;
    m.mention_everyone = pings.everyone;
  }

  // ---- threads and polls ----

  createThread(params: {
    parent: GuildChannel;
    name: string;
    type: ChannelType.PublicThread | ChannelType.PrivateThread;
    autoArchive: number;
    ownerId: string;
    fromMessage: StoredMessage | null;
  }): APIThreadChannel {
    const { parent, fromMessage } = params;
    const guild = this.guildOf(parent.id);
    if (!guild) throw new Error(`channel ${parent.id} has no guild`);
    // A thread started from a message takes the message's id, as on Discord.
    const id = fromMessage ? fromMessage.message.id : this.nextId();
    const now = new Date().toISOString();
    const thread: APIThreadChannel = {
      id,
      type: params.type,
      guild_id: guild.id,
      parent_id: parent.id,
      owner_id: params.ownerId,
      name: params.name,
      last_message_id: null,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      flags: NO_FLAGS,
      thread_metadata: {
        archived: false,
        auto_archive_duration: params.autoArchive,
        archive_timestamp: now,
        locked: false,
        create_timestamp: now,
      },
      member: { id, user_id: params.ownerId, join_timestamp: now, flags: NO_FLAGS },
    };
    this.channels.set(id, thread);
    guild.channelIds.push(id);
    this.dispatch(
      GatewayDispatchEvents.ThreadCreate,
      { ...thread, newly_created: true },
      {
        intent: GatewayIntentBits.Guilds,
      },
    );
    if (fromMessage) {
      const m = fromMessage.message;
      m.thread = thread;
      m.flags = (m.flags ?? 0) | MessageFlags.HasThread;
      this.touch(fromMessage);
      this.dispatch(GatewayDispatchEvents.MessageUpdate, this.#withMember(m), {
        intent: GatewayIntentBits.GuildMessages,
      });
    }
    this.changed();
    return thread;
  }

  /** Ends a poll (expired by the bot or by time): results become final. */
  finalizePoll(stored: StoredMessage): void {
    const poll = stored.message.poll;
    if (!poll) return;
    poll.expiry = new Date().toISOString();
    poll.results = pollResults(stored, true);
    this.touch(stored);
    this.dispatch(GatewayDispatchEvents.MessageUpdate, this.#withMember(stored.message), {
      intent: GatewayIntentBits.GuildMessages,
    });
    this.changed();
  }

  addVote(stored: StoredMessage, userId: string, answerId: number, add: boolean): void {
    const poll = stored.message.poll;
    if (!poll) throw new Error(`message ${stored.message.id} has no poll`);
    if (!poll.answers.some((a) => a.answer_id === answerId)) throw new Error(`poll has no answer ${answerId}`);
    if (poll.results?.is_finalized) throw new Error('the poll has ended');
    const voters = stored.votes.get(answerId) ?? [];
    if (add) {
      if (voters.includes(userId)) throw new Error(`user ${userId} already voted for answer ${answerId}`);
      const votedElsewhere = [...stored.votes.values()].some((v) => v.includes(userId));
      if (votedElsewhere && !poll.allow_multiselect) throw new Error('the poll allows one answer per user');
      stored.votes.set(answerId, [...voters, userId]);
    } else {
      if (!voters.includes(userId)) throw new Error(`user ${userId} has not voted for answer ${answerId}`);
      stored.votes.set(
        answerId,
        voters.filter((v) => v !== userId),
      );
    }
    poll.results = pollResults(stored, false);
    this.touch(stored);
    const event = add ? GatewayDispatchEvents.MessagePollVoteAdd : GatewayDispatchEvents.MessagePollVoteRemove;
    this.dispatch(
      event,
      {
        user_id: userId,
        channel_id: stored.message.channel_id,
        message_id: stored.message.id,
        answer_id: answerId,
        ...(stored.message.guild_id ? { guild_id: stored.message.guild_id } : {}),
      },
      { intent: GatewayIntentBits.GuildMessagePolls },
    );
    this.changed();
  }

  // ---- commands ----

  /** Stores one definition in a scope, keeping id and version when nothing changed. */
  upsertCommand(scope: string, body: CommandBody): { command: StoredCommand; created: boolean } {
    const list = this.commands.get(scope) ?? [];
    const type = body.type ?? 1;
    const existing = list.find((c) => c.name === body.name && c.type === type);
    const next: StoredCommand = {
      id: existing?.id ?? this.nextId(),
      application_id: this.options.applicationId,
      version: existing?.version ?? this.nextId(),
      type,
      name: body.name,
      description: body.description ?? '',
      default_member_permissions: body.default_member_permissions ?? null,
      dm_permission: body.dm_permission ?? true,
      contexts: body.contexts ?? null,
      integration_types: body.integration_types ?? [0],
      nsfw: body.nsfw ?? false,
      ...(scope === 'global' ? {} : { guild_id: scope }),
      ...(body.options ? { options: stripNulls(body.options) } : {}),
      ...(body.name_localizations ? { name_localizations: body.name_localizations } : {}),
      ...(body.description_localizations ? { description_localizations: body.description_localizations } : {}),
    };
    if (existing && JSON.stringify(definitionOf(existing)) !== JSON.stringify(definitionOf(next))) {
      next.version = this.nextId();
    }
    this.commands.set(scope, existing ? list.map((c) => (c === existing ? next : c)) : [...list, next]);
    this.changed();
    return { command: next, created: !existing };
  }

  replaceCommands(scope: string, bodies: CommandBody[]): StoredCommand[] {
    const names = new Set(bodies.map((b) => `${b.type ?? 1}:${b.name}`));
    this.commands.set(
      scope,
      (this.commands.get(scope) ?? []).filter((c) => names.has(`${c.type}:${c.name}`)),
    );
    return bodies.map((b) => this.upsertCommand(scope, b).command);
  }

  /** The command a user would see in a guild: guild commands shadow global ones. */
  findCommand(guildId: string, name: string): StoredCommand | undefined {
    const isChatInput = (c: StoredCommand) => c.name === name && c.type === 1;
    return this.commands.get(guildId)?.find(isChatInput) ?? this.commands.get('global')?.find(isChatInput);
  }

  // ---- interactions ----

  newInteraction(
    fields: Pick<
      InteractionRecord,
      'type' | 'userId' | 'guildId' | 'channelId' | 'commandName' | 'customId' | 'sourceMessageId'
    >,
    createdAt?: number,
  ): InteractionRecord {
    let id = createdAt === undefined ? this.nextId() : this.idAt(createdAt);
    while (this.interactions.has(id)) id = createdAt === undefined ? this.nextId() : this.idAt(createdAt);
    const record: InteractionRecord = {
      ...fields,
      id,
      token: `local-interaction-token.${id}`,
      sentAt: Date.now(),
      createdAt: snowflakeTime(id),
      dispatchedAt: null,
      ackedAt: null,
      callback: null,
      originalId: null,
      followUpIds: [],
      choices: null,
      rejections: [],
    };
    this.interactions.set(id, record);
    this.interactionsByToken.set(record.token, record);
    return record;
  }

  recordViolation(violation: Omit<Violation, 'at'>, interaction?: InteractionRecord): void {
    this.violations.push({ ...violation, at: Date.now() });
    interaction?.rejections.push(`${violation.kind}: ${violation.problems.join('; ')}`);
    this.changed();
  }
}

function interactionMetadata(record: InteractionRecord, user: APIUser | undefined): APIMessageInteractionMetadata {
  const base = {
    id: record.id,
    user: user ?? { id: record.userId, username: 'unknown', discriminator: '0', global_name: null, avatar: null },
    authorizing_integration_owners: { 0: record.guildId },
  };
  if (record.type === InteractionType.MessageComponent) {
    return { ...base, type: InteractionType.MessageComponent, interacted_message_id: record.sourceMessageId ?? '0' };
  }
  return { ...base, type: InteractionType.ApplicationCommand };
}

function buildPoll(body: PollCreateBody): APIPoll {
  const hours = body.duration ?? 24;
  return {
    question: { text: body.question.text },
    answers: body.answers.map((a, i) => ({
      answer_id: i + 1,
      poll_media: { ...(a.poll_media.text != null ? { text: a.poll_media.text } : {}) },
    })),
    expiry: new Date(Date.now() + hours * 3_600_000).toISOString(),
    allow_multiselect: body.allow_multiselect ?? false,
    layout_type: 1,
    results: { is_finalized: false, answer_counts: [] },
  };
}

function pollResults(stored: StoredMessage, finalized: boolean): NonNullable<APIPoll['results']> {
  const answer_counts = [...stored.votes.entries()]
    .filter(([, voters]) => voters.length > 0)
    .sort(([a], [b]) => a - b)
    .map(([id, voters]) => ({ id, count: voters.length, me_voted: false }));
  return { is_finalized: finalized, answer_counts };
}

/** Who a message actually pings, given its content and allowed_mentions (absent: everything parses). */
export function computePings(
  content: string,
  allowed: AllowedMentions | null,
): { users: string[]; roles: string[]; everyone: boolean } {
  const users = [...content.matchAll(/<@!?(\d+)>/g)].flatMap((m) => (m[1] ? [m[1]] : []));
  const roles = [...content.matchAll(/<@&(\d+)>/g)].flatMap((m) => (m[1] ? [m[1]] : []));
  const everyone = /@(everyone|here)\b/.test(content);
  if (!allowed) return { users: unique(users), roles: unique(roles), everyone };
  const parse = allowed.parse ?? [];
  return {
    users: unique(users.filter((id) => parse.includes('users') || (allowed.users ?? []).includes(id))),
    roles: unique(roles.filter((id) => parse.includes('roles') || (allowed.roles ?? []).includes(id))),
    everyone: everyone && parse.includes('everyone'),
  };
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function definitionOf(c: StoredCommand): unknown {
  const { id: _id, version: _version, application_id: _app, guild_id: _guild, ...rest } = c;
  return rest;
}

/** Drops nulls so echoed options look like Discord's (absent rather than null). */
function stripNulls(options: CommandOptionBody[]): CommandOptionBody[] {
  return z.array(commandOptionSchema).parse(JSON.parse(JSON.stringify(options, (_key, v: unknown) => v ?? undefined)));
}
