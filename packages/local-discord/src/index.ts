/**
 * The local Discord: a fake Discord on 127.0.0.1 that the real discord.js
 * client talks to. Start it with `startLocalDiscord()`, point the bot at
 * `apiUrl`, then act as users (`slash`, `click`, `autocomplete`, ...) and
 * assert on what they see (`reply()`, `channelMessages()`) and on what Discord
 * would have refused (`violations`, `unknownRoutes`).
 */
import { createServer, type Server } from 'node:http';
import {
  type APIUser,
  ButtonStyle,
  ChannelType,
  ComponentType,
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  InteractionType,
} from 'discord-api-types/v10';
import type { FaultHandle, FaultSpec } from './faults.js';
import {
  DEFAULT_BOT_PERMISSIONS,
  type DefaultUserName,
  type LocalGuild,
  type LocalUser,
  role,
  seedDefaultGuild,
  seedGuild,
  textChannel,
  toLocalUser,
} from './fixtures.js';
import { type DispatchOptions, Gateway, type IdentifyRecord, type SessionInfo } from './gateway.js';
import {
  autocompletePayload,
  type CommandPath,
  chatInputPayload,
  componentPayload,
  type OptionValue,
} from './interactions.js';
import { guildCreatePayload } from './payloads.js';
import { RestApi } from './rest.js';
import type { WireComponent } from './schemas.js';
import { emptyReplyView, type MessageView, type ReplyView, toMessageView } from './views.js';
import {
  type GuildState,
  type InteractionRecord,
  NO_FLAGS,
  type RequestRecord,
  type StoredCommand,
  type StoredMessage,
  type Violation,
  World,
} from './world.js';

export type { FaultHandle, FaultSpec, FaultStatus } from './faults.js';
export type { LocalGuild, LocalUser } from './fixtures.js';
export { PRIVILEGED_INTENTS, type SessionInfo, shardOf } from './gateway.js';
export type { AttachmentInput, CommandPath, OptionValue } from './interactions.js';
export {
  COMMAND_LIMITS,
  checkAutocompleteLimits,
  checkCommandLimits,
  checkMessageLimits,
  MESSAGE_LIMITS,
} from './limits.js';
export type {
  AttachmentView,
  ButtonView,
  EmbedView,
  MessageView,
  PollView,
  RenderOptions,
  ReplyView,
  SelectView,
} from './views.js';
export { renderForTerminal, textPreview } from './views.js';
export type { RequestRecord, StoredCommand, Violation } from './world.js';

export interface LocalDiscordOptions {
  /** The bot token the double accepts (default `local-bot-token`). */
  token?: string;
  applicationId?: string;
  applicationName?: string;
  /** How long after INTERACTION_CREATE a callback is still accepted (Discord: 3 s). */
  callbackDeadlineMs?: number;
  /** How long an interaction token works for edits and follow-ups (Discord: 15 min). */
  tokenLifetimeMs?: number;
  /** HELLO's heartbeat_interval (Discord: about 41 s). */
  heartbeatIntervalMs?: number;
  /** Privileged intents switched on for the application (GatewayIntentBits); default none. */
  privilegedIntents?: number;
  /** Permissions of the bot's managed role. */
  botPermissions?: bigint;
  /** Default wait of `reply()`, `autocomplete()` and `waitFor()`. */
  timeoutMs?: number;
  /** The `shards` GET /gateway/bot recommends (default 1); what discord.js's `shards: 'auto'` uses. */
  recommendedShards?: number;
  /**
   * GET /gateway/bot's `session_start_limit.max_concurrency` (default 1, as for most bots). discord.js
   * waits 5 s between two IDENTIFYs of one process in the same bucket (`shard_id % max_concurrency`):
   * raise it for one client running several shards.
   */
  maxConcurrency?: number;
}

/**
 * When and how an interaction reaches the bot. By default the user acts now and INTERACTION_CREATE
 * is dispatched at once.
 */
export interface InteractionTiming {
  /**
   * When the user acted (ms since 1970, Date.now() clock): the interaction's id is a snowflake carrying
   * this time, as Discord's ids carry the time Discord created them. Default: now.
   */
  createdAt?: number;
  /**
   * Dispatch INTERACTION_CREATE this many ms later (a click that Discord delivers late). The 3 s
   * callback deadline and the token's lifetime count from the actual dispatch.
   */
  delayMs?: number;
  /** Do not dispatch until `handle.deliver()` is called. */
  hold?: boolean;
}

/** A guild to add with `addGuild`. */
export interface AddGuildOptions {
  name?: string;
  /** Pick the guild id so that `(id >> 22) % count === shardId`: its events go to that shard. */
  shard?: readonly [shardId: number, shardCount: number];
  /** Members besides the bot (default: the default users, teacher holding the Teacher role). */
  members?: readonly UserRef[];
}

/** A user given by handle, username or id. */
export type UserRef = LocalUser | string;

/** The options of a slash command as a user fills them in. */
export interface SlashOptions extends CommandPath, InteractionTiming {
  /** Channel the command is used in (default #general). */
  channelId?: string;
}

export interface AutocompleteOptions extends SlashOptions {
  /** The option the user is typing in. */
  focused: string;
  /** What they typed so far. */
  value: string;
  /** Options already filled in. */
  options?: Record<string, OptionValue>;
}

/** Starts the local Discord on 127.0.0.1 with a random port. */
export async function startLocalDiscord(options: LocalDiscordOptions = {}): Promise<LocalDiscord> {
  const discord = new LocalDiscord(options);
  await discord.listen();
  return discord;
}

/**
 * An in-process Discord for tests and the terminal: REST under `apiUrl`, the
 * gateway at `gatewayUrl`, and methods that act as users do.
 */
export class LocalDiscord {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: LocalUser;
  readonly guild: LocalGuild;
  /** The default users: owner, teacher (Manage Server), student1..3. */
  readonly users: Readonly<Record<DefaultUserName, LocalUser>>;
  /** The state behind the double; for tools such as `npm run play`. */
  readonly world: World;
  readonly gateway: Gateway;
  readonly timeoutMs: number;
  /** What GET /gateway/bot answers as `shards`; may be changed at any time. */
  recommendedShards: number;
  /** What GET /gateway/bot answers as `session_start_limit.max_concurrency`. */
  maxConcurrency: number;

  readonly #rest: RestApi;
  readonly #server: Server;
  readonly #privilegedIntents: number;
  readonly #botPermissions: bigint;
  readonly #guilds = new Map<string, LocalGuild>();
  /** Delayed INTERACTION_CREATE dispatches not yet sent, cancelled by close(). */
  readonly #pendingDeliveries = new Set<ReturnType<typeof setTimeout>>();
  #port = 0;

  constructor(options: LocalDiscordOptions = {}) {
    this.token = options.token ?? 'local-bot-token';
    this.applicationId = options.applicationId ?? '1200000000000000001';
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.#privilegedIntents = options.privilegedIntents ?? 0;
    this.world = new World({
      token: this.token,
      applicationId: this.applicationId,
      applicationName: options.applicationName ?? 'Roundtable',
      callbackDeadlineMs: options.callbackDeadlineMs ?? 3000,
      tokenLifetimeMs: options.tokenLifetimeMs ?? 15 * 60_000,
    });
    this.botUser = toLocalUser(this.world.botUser);
    this.recommendedShards = options.recommendedShards ?? 1;
    this.maxConcurrency = options.maxConcurrency ?? 1;
    this.#botPermissions = options.botPermissions ?? DEFAULT_BOT_PERMISSIONS;
    const seeded = seedDefaultGuild(this.world, this.#botPermissions);
    this.guild = seeded.guild;
    this.#guilds.set(this.guild.id, this.guild);
    this.users = seeded.users;
    this.gateway = new Gateway({
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      privilegedIntents: this.#privilegedIntents,
      ready: (sessionId, resumeUrl, shard, guildIds) => ({
        v: 10,
        user: this.world.botUser,
        guilds: guildIds.map((id) => ({ id, unavailable: true })),
        session_id: sessionId,
        resume_gateway_url: resumeUrl,
        ...(shard ? { shard: [shard[0], shard[1]] } : {}),
        application: { id: this.applicationId, flags: NO_FLAGS, flags_new: '0' },
      }),
      guildIds: () => [...this.world.guilds.keys()],
      guildCreate: (guildId, intents) => guildCreatePayload(this.world, this.#guildState(guildId), intents),
    });
    this.world.dispatch = (event, data, dispatchOptions) => this.gateway.dispatch(event, data, dispatchOptions);
    this.#rest = new RestApi(this.world, this.gateway, {
      privilegedIntents: this.#privilegedIntents,
      gatewayBot: () => ({ shards: this.recommendedShards, maxConcurrency: this.maxConcurrency }),
    });
    this.#server = createServer((req, res) => {
      void this.#rest.handle(req, res);
    });
    this.#server.on('upgrade', (req, socket, head) => {
      if (req.url?.startsWith('/gateway')) this.gateway.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the local Discord is not listening on TCP');
    this.#port = address.port;
    this.world.baseUrl = `http://127.0.0.1:${this.#port}`;
    this.gateway.setUrl(`ws://127.0.0.1:${this.#port}/gateway`);
  }

  /** Base URL for discord.js (`rest: { api }`) and @discordjs/rest; routes live under `${apiUrl}/v10`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port}/api`;
  }

  get gatewayUrl(): string {
    return this.gateway.url;
  }

  /** How long after INTERACTION_CREATE a callback is accepted; change it to test slow handlers. */
  get callbackDeadlineMs(): number {
    return this.world.options.callbackDeadlineMs;
  }

  set callbackDeadlineMs(ms: number) {
    this.world.options.callbackDeadlineMs = ms;
  }

  /** Every REST request the bot made, in order. */
  get requests(): readonly RequestRecord[] {
    return this.world.requests;
  }

  /** Requests Discord would refuse (limits, bodies, double acknowledgements, late callbacks...). */
  get violations(): readonly Violation[] {
    return this.world.violations;
  }

  /** Returns the violations so far and forgets them, for tests that provoke some on purpose. */
  takeViolations(): Violation[] {
    return this.world.violations.splice(0);
  }

  /** Requests to routes the double does not know (answered 404). */
  get unknownRoutes(): readonly RequestRecord[] {
    return this.world.unknownRoutes;
  }

  /** Every IDENTIFY, with the intents the bot asked for. */
  get identifies(): readonly IdentifyRecord[] {
    return this.gateway.identifies;
  }

  /** The gateway sessions the double remembers, with their shard and the events each received. */
  get sessions(): SessionInfo[] {
    return this.gateway.sessions;
  }

  /** Every guild the bot is in: the default one first, then those of `addGuild`. */
  get guilds(): LocalGuild[] {
    return [...this.#guilds.values()];
  }

  // ---- faults ----

  /**
   * Makes the next `times` REST requests matching `spec` fail with `status` and a Discord-shaped error
   * body (for 429: Discord's rate-limit body and headers, `global: false`). They are logged in
   * `requests` with that status and `injected: true`, and are not violations. discord.js retries a
   * 5xx three times by itself, so a call fails only after four failures in a row (see FaultStatus).
   */
  failRequests(spec: FaultSpec): FaultHandle {
    return this.#rest.addFault(spec);
  }

  /** An outage of a route: every matching request fails until `handle.clear()` (or `clearFaults()`). */
  failRequestsUntilCleared(spec: Omit<FaultSpec, 'times'>): FaultHandle {
    return this.#rest.addFault({ ...spec, times: Number.POSITIVE_INFINITY });
  }

  /** Stops every injected fault. */
  clearFaults(): void {
    this.#rest.clearFaults();
  }

  /** How many times the bot overwrote its commands with PUT (global and guild). */
  get commandPuts(): number {
    return this.world.requests.filter((r) => r.method === 'PUT' && r.route?.endsWith('/commands') && r.status === 200)
      .length;
  }

  /** Registered commands: global ones, or a guild's. */
  commands(scope: 'global' | string = 'global'): readonly StoredCommand[] {
    return this.world.commands.get(scope) ?? [];
  }

  /** Resolves once a bot has identified and received READY and GUILD_CREATE. */
  waitForReady(timeoutMs = this.timeoutMs): Promise<void> {
    if (this.gateway.readyCount > 0) return Promise.resolve();
    return this.#once('ready', timeoutMs, 'no bot identified');
  }

  /** Closes the bot's socket from the server side (default 4000, which discord.js resumes after). */
  disconnect(code: number = GatewayCloseCodes.UnknownError): void {
    this.gateway.disconnect(code);
  }

  /** Drops the connection (`close`) or asks for a reconnect (`op7`) and waits until the bot resumed. */
  async reconnect(how: 'close' | 'op7' = 'close', timeoutMs = this.timeoutMs): Promise<void> {
    const resumed = this.#once('resumed', timeoutMs, 'the bot did not resume');
    if (how === 'close') this.disconnect();
    else this.gateway.requestReconnect();
    await resumed;
  }

  /** Sends any gateway event (e.g. GUILD_MEMBER_UPDATE); `intent` filters it like Discord does. */
  dispatch(event: string, data: unknown, options: DispatchOptions = {}): void {
    this.gateway.dispatch(event, data, options);
  }

  // ---- users acting ----

  /** A user types `/name` with options and sends it. */
  slash(
    user: UserRef,
    name: string,
    values: Record<string, OptionValue> = {},
    options: SlashOptions = {},
  ): InteractionHandle {
    const channelId = this.#channelFor(options.channelId);
    const userId = this.#memberId(user, channelId);
    const command = this.#visibleCommand(userId, name, channelId);
    const path = pathOf(options);
    const record = this.#newRecord(
      {
        type: InteractionType.ApplicationCommand,
        userId,
        channelId,
        commandName: name,
        customId: null,
        sourceMessageId: null,
      },
      options,
    );
    return this.#send(record, () => chatInputPayload(this.world, record, command, values, path), options);
  }

  /** A user types into an autocomplete option; resolves with the choices the bot offered. */
  async autocomplete(
    user: UserRef,
    name: string,
    options: AutocompleteOptions,
  ): Promise<{ name: string; value: string | number }[]> {
    const channelId = this.#channelFor(options.channelId);
    const userId = this.#memberId(user, channelId);
    const command = this.#visibleCommand(userId, name, channelId);
    const record = this.#newRecord({
      type: InteractionType.ApplicationCommandAutocomplete,
      userId,
      channelId,
      commandName: name,
      customId: null,
      sourceMessageId: null,
    });
    const handle = this.#send(record, () =>
      autocompletePayload(this.world, record, command, options.options ?? {}, pathOf(options), {
        name: options.focused,
        value: options.value,
      }),
    );
    await handle.ack();
    return record.choices ?? [];
  }

  /**
   * A user clicks the button `customId` on a message (a channel message or a reply only they see);
   * `timing` makes it a click made earlier (`createdAt`) or delivered late (`delayMs`, `hold`).
   */
  click(
    user: UserRef,
    message: MessageView | string,
    customId: string,
    timing: InteractionTiming = {},
  ): InteractionHandle {
    const source = this.#visibleMessage(user, message);
    const userId = this.#memberId(user, source.message.channel_id);
    const component = findComponent(source.message.components, customId);
    if (!component || component.type !== ComponentType.Button) {
      throw new Error(`message ${source.message.id} has no button ${customId} (has: ${customIds(source).join(', ')})`);
    }
    if (component.disabled) throw new Error(`button ${customId} is disabled`);
    if (component.style === ButtonStyle.Link) throw new Error(`button ${customId} is a link`);
    return this.#componentInteraction(userId, source, component, null, timing);
  }

  /** `click` as if the user clicked at `createdAt` (ms since 1970); shorthand for `click(..., { createdAt })`. */
  clickAt(
    createdAt: number,
    user: UserRef,
    message: MessageView | string,
    customId: string,
    timing: Omit<InteractionTiming, 'createdAt'> = {},
  ): InteractionHandle {
    return this.click(user, message, customId, { ...timing, createdAt });
  }

  /**
   * A button click no Discord client would send: any custom_id, on any message,
   * by any user (e.g. on someone else's ephemeral reply), to test the bot's defences.
   */
  forgeClick(
    user: UserRef,
    message: MessageView | string,
    customId: string,
    timing: InteractionTiming = {},
  ): InteractionHandle {
    const source = this.#stored(typeof message === 'string' ? message : message.id);
    const userId = this.#memberId(user, source.message.channel_id);
    return this.#componentInteraction(
      userId,
      source,
      { type: ComponentType.Button, custom_id: customId },
      null,
      timing,
    );
  }

  /** A user posts a message in a channel or thread (MESSAGE_CREATE; content reaches bots only with MessageContent). */
  postUserMessage(user: UserRef, channelId: string = this.guild.generalChannelId, content = 'hello'): MessageView {
    const author = this.#user(user);
    if (!this.world.channels.has(channelId)) throw new Error(`unknown channel ${channelId}`);
    const stored = this.world.createMessage({
      channelId,
      author,
      body: { content },
      uploads: [],
    });
    return this.#view(stored);
  }

  /** A user votes for a poll answer (answer ids start at 1). */
  pollVote(user: UserRef, message: MessageView | string, answerId: number): void {
    const stored = this.#visibleMessage(user, message);
    const userId = this.#memberId(user, stored.message.channel_id);
    this.world.addVote(stored, userId, answerId, true);
  }

  pollUnvote(user: UserRef, message: MessageView | string, answerId: number): void {
    const stored = this.#visibleMessage(user, message);
    const userId = this.#memberId(user, stored.message.channel_id);
    this.world.addVote(stored, userId, answerId, false);
  }

  /**
   * A moderator deletes a message: it leaves the channel, MESSAGE_DELETE goes to the bot, and later
   * GET, PATCH or DELETE of it (also through an interaction webhook) answer 404
   * `{ code: 10008, message: 'Unknown Message' }`, not counted as violations since the bot could not
   * have known. Ephemeral messages cannot be deleted by anyone but their recipient.
   */
  deleteMessage(message: MessageView | string): void {
    const stored = this.#stored(typeof message === 'string' ? message : message.id);
    if (stored.visibleTo) throw new Error(`message ${stored.message.id} is ephemeral; a moderator cannot delete it`);
    this.world.deleteMessage(stored, 'moderator');
  }

  /** Ends a poll as if its duration ran out. */
  endPoll(message: MessageView | string): void {
    const stored = this.#stored(typeof message === 'string' ? message : message.id);
    if (!stored.message.poll) throw new Error(`message ${stored.message.id} has no poll`);
    this.world.finalizePoll(stored);
  }

  // ---- what users see ----

  /** Messages in a channel as everyone sees them, oldest first, after edits; bot messages only unless `includeUsers`. */
  channelMessages(
    channelId: string = this.guild.generalChannelId,
    options: { includeUsers?: boolean } = {},
  ): MessageView[] {
    return this.world
      .visibleMessages(channelId)
      .filter((m) => options.includeUsers || m.message.author.id === this.world.botUser.id)
      .map((m) => this.#view(m));
  }

  /** The current state of one message (also ephemeral ones), or undefined. */
  message(id: string): MessageView | undefined {
    const stored = this.world.messages.get(id);
    return stored ? this.#view(stored) : undefined;
  }

  /** Threads of a channel: id and name. */
  threads(parentId: string = this.guild.generalChannelId): { id: string; name: string }[] {
    return [...this.world.channels.values()]
      .filter((c) => 'parent_id' in c && c.parent_id === parentId && c.type !== ChannelType.GuildText)
      .map((c) => ({ id: c.id, name: c.name }));
  }

  /** Resolves with the first truthy value of `check`, re-checked on every change and every 20 ms. */
  waitFor<T>(
    check: () => T | undefined | null | false,
    timeoutMs = this.timeoutMs,
    what: string | (() => string) = 'condition',
  ): Promise<T> {
    return waitUntil(this.world, check, timeoutMs, what);
  }

  // ---- setup ----

  /** Changes what a role grants (the @everyone role's id is the guild's id), as a server admin would. */
  setRolePermissions(roleId: string, permissions: bigint): void {
    const guild = [...this.world.guilds.values()].find((g) => g.roles.some((r) => r.id === roleId));
    const found = guild?.roles.find((r) => r.id === roleId);
    if (!guild || !found) throw new Error(`unknown role ${roleId}`);
    found.permissions = permissions.toString();
    this.dispatch(GatewayDispatchEvents.GuildRoleUpdate, { guild_id: guild.id, role: found });
  }

  /** Adds a guild member (default guild unless `guildId`); `permissions` become a role of their own, `roles` are names or ids. */
  addMember(name: string, options: { permissions?: bigint; roles?: string[]; guildId?: string } = {}): LocalUser {
    const guild = this.#guildState(options.guildId);
    const id = this.world.nextId();
    const user: APIUser = { id, username: name, global_name: name, discriminator: '0', avatar: null };
    this.world.users.set(id, user);
    const roles = (options.roles ?? []).map((r) => {
      const found = guild.roles.find((x) => x.id === r || x.name === r);
      if (!found) throw new Error(`unknown role ${r}`);
      return found.id;
    });
    if (options.permissions !== undefined) roles.push(this.addRole(name, options.permissions, guild.id));
    guild.members.set(id, { roles, joinedAt: new Date().toISOString(), nick: null });
    this.dispatch(
      GatewayDispatchEvents.GuildMemberAdd,
      { ...this.world.memberPayload(guild, id), guild_id: guild.id },
      { intent: GatewayIntentBits.GuildMembers },
    );
    this.world.changed();
    return toLocalUser(user);
  }

  /** Adds a role (to the default guild unless `guildId`) and returns its id. */
  addRole(name: string, permissions: bigint, guildId?: string): string {
    const guild = this.#guildState(guildId);
    const created = role(this.world.nextId(), name, permissions, guild.roles.length);
    guild.roles.push(created);
    this.dispatch(
      GatewayDispatchEvents.GuildRoleCreate,
      { guild_id: guild.id, role: created },
      { intent: GatewayIntentBits.Guilds },
    );
    return created.id;
  }

  /** Adds a text channel (to the default guild unless `guildId`) and returns its id. */
  addChannel(name: string, guildId?: string): string {
    const guild = this.#guildState(guildId);
    const id = this.world.nextId();
    const channel = textChannel({ id, guildId: guild.id, name, position: guild.channelIds.length });
    this.world.channels.set(id, channel);
    guild.channelIds.push(id);
    this.dispatch(GatewayDispatchEvents.ChannelCreate, channel, { intent: GatewayIntentBits.Guilds });
    return id;
  }

  /**
   * The bot joins another server, shaped like the default one (#general, Teacher role, the default
   * users as members); a connected bot gets GUILD_CREATE on the session of the guild's shard. With
   * `shard: [id, count]` the guild's id is chosen so that Discord would route it to that shard.
   */
  addGuild(options: AddGuildOptions = {}): LocalGuild {
    let time = BigInt(this.world.nextId()) >> 22n;
    // Low bits 2^21 - 1: between those of the world's ids (counting from 0) and of past interactions (from 2^21).
    const idAt = (t: bigint) => ((t << 22n) | ((1n << 21n) - 1n)).toString();
    if (options.shard) {
      const [shardId, count] = options.shard;
      if (!(count >= 1 && shardId >= 0 && shardId < count)) throw new Error(`invalid shard [${shardId}, ${count}]`);
      while (Number(time % BigInt(count)) !== shardId || this.world.guilds.has(idAt(time))) time += 1n;
    } else {
      while (this.world.guilds.has(idAt(time))) time += 1n;
    }
    const id = idAt(time);
    const members = (options.members ?? Object.values(this.users)).map((ref) => this.#user(ref).id);
    const guild = seedGuild(this.world, {
      id,
      name: options.name ?? `Roundtable Class ${this.#guilds.size + 1}`,
      generalChannelId: this.world.nextId(),
      everyoneRoleId: id,
      teacherRoleId: this.world.nextId(),
      botRoleId: this.world.nextId(),
      ownerId: members[0] ?? this.users.owner.id,
      members,
      teacherId: members.includes(this.users.teacher.id) ? this.users.teacher.id : null,
      botPermissions: this.#botPermissions,
    });
    this.#guilds.set(id, guild);
    this.gateway.guildAvailable(id);
    this.world.changed();
    return guild;
  }

  /** Stops the server and drops every connection; safe to call twice. */
  async close(): Promise<void> {
    for (const timer of this.#pendingDeliveries) clearTimeout(timer);
    this.#pendingDeliveries.clear();
    if (!this.#server.listening) return;
    await this.gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ---- internals ----

  #view(stored: StoredMessage): MessageView {
    return toMessageView(stored, this.world.botUser.id);
  }

  #guildState(guildId: string = this.guild.id): GuildState {
    const guild = this.world.guilds.get(guildId);
    if (!guild) throw new Error(`unknown guild ${guildId}`);
    return guild;
  }

  #guildOfChannel(channelId: string): GuildState {
    const guild = this.world.guildOf(channelId);
    if (!guild) throw new Error(`channel ${channelId} is not in a guild`);
    return guild;
  }

  #user(ref: UserRef): APIUser {
    const key = typeof ref === 'string' ? ref : ref.id;
    const user = this.world.users.get(key) ?? [...this.world.users.values()].find((u) => u.username === key);
    if (!user) throw new Error(`unknown user ${key}`);
    return user;
  }

  /** The user's id, checked to be a member of the guild the channel belongs to. */
  #memberId(ref: UserRef, channelId: string): string {
    const user = this.#user(ref);
    const guild = this.#guildOfChannel(channelId);
    if (!guild.members.has(user.id)) throw new Error(`${user.username} is not in the guild ${guild.name}`);
    return user.id;
  }

  #channelFor(channelId: string | undefined): string {
    const id = channelId ?? this.guild.generalChannelId;
    if (!this.world.channels.has(id)) throw new Error(`unknown channel ${id}`);
    return id;
  }

  #stored(id: string): StoredMessage {
    const stored = this.world.messages.get(id);
    if (!stored || stored.deleted) throw new Error(`unknown message ${id}`);
    return stored;
  }

  #visibleMessage(user: UserRef, message: MessageView | string): StoredMessage {
    const stored = this.#stored(typeof message === 'string' ? message : message.id);
    if (stored.visibleTo && stored.visibleTo !== this.#user(user).id) {
      throw new Error(`message ${stored.message.id} is ephemeral and only its recipient can use it`);
    }
    return stored;
  }

  /** The command as a user would find it; Discord hides commands whose default_member_permissions they lack. */
  #visibleCommand(userId: string, name: string, channelId: string): StoredCommand {
    const guild = this.#guildOfChannel(channelId);
    const command = this.world.findCommand(guild.id, name);
    if (!command) {
      const known = [...this.world.commands.values()].flat().map((c) => c.name);
      throw new Error(`/${name} is not registered (registered: ${known.join(', ') || 'none'})`);
    }
    if (command.default_member_permissions != null) {
      const needed = BigInt(command.default_member_permissions);
      if ((this.world.permissionsOf(guild, userId) & needed) !== needed) {
        throw new Error(`/${name} is hidden from this user: it needs permissions ${needed}`);
      }
    }
    return command;
  }

  #newRecord(
    fields: Omit<Parameters<World['newInteraction']>[0], 'guildId'>,
    timing: InteractionTiming = {},
  ): InteractionRecord {
    const { createdAt } = timing;
    if (createdAt !== undefined && !(Number.isFinite(createdAt) && createdAt >= DISCORD_EPOCH_MS)) {
      throw new Error(`createdAt must be a time in ms since 1970 after Discord's epoch (got ${createdAt})`);
    }
    return this.world.newInteraction({ ...fields, guildId: this.#guildOfChannel(fields.channelId).id }, createdAt);
  }

  #send(record: InteractionRecord, build: () => unknown, timing: InteractionTiming = {}): InteractionHandle {
    let payload: unknown;
    const forget = () => {
      this.world.interactions.delete(record.id);
      this.world.interactionsByToken.delete(record.token);
    };
    try {
      payload = build();
    } catch (error) {
      forget();
      throw error;
    }
    if (this.gateway.connectedSessions === 0 && this.gateway.readyCount === 0) {
      forget();
      throw new Error('no bot is connected to the local Discord');
    }
    const dispatch = () => {
      record.sentAt = Date.now();
      record.dispatchedAt = performance.now();
      this.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    };
    const delay = timing.delayMs ?? 0;
    if (!timing.hold && delay <= 0) {
      dispatch();
      return new InteractionHandle(this, record);
    }
    let timer: ReturnType<typeof setTimeout> | null = null;
    const deliver = () => {
      if (timer) {
        clearTimeout(timer);
        this.#pendingDeliveries.delete(timer);
        timer = null;
      }
      if (record.dispatchedAt === null) dispatch();
    };
    if (!timing.hold) {
      timer = setTimeout(deliver, delay);
      this.#pendingDeliveries.add(timer);
    }
    return new InteractionHandle(this, record, deliver);
  }

  #componentInteraction(
    userId: string,
    source: StoredMessage,
    component: WireComponent,
    values: string[] | null,
    timing: InteractionTiming,
  ): InteractionHandle {
    const record = this.#newRecord(
      {
        type: InteractionType.MessageComponent,
        userId,
        channelId: source.message.channel_id,
        commandName: null,
        customId: component.custom_id ?? null,
        sourceMessageId: source.message.id,
      },
      timing,
    );
    return this.#send(record, () => componentPayload(this.world, record, source, component, values), timing);
  }

  #once(event: 'ready' | 'resumed', timeoutMs: number, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.gateway.off(event, done);
        reject(new Error(`${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.gateway.once(event, done);
    });
  }
}

/** What `InteractionHandle.outcome()` resolves with. */
export interface InteractionOutcome {
  /** The callback type (4 reply, 5 defer, 6 deferred update, 7 update, 8 choices). */
  type: number;
  /** What `reply()` returns; after a deferred update, what the bot showed so far for it, or null. */
  reply: ReplyView | null;
  /** The bot's messages the user can see, created, edited or deleted since the interaction was sent. */
  changed: MessageView[];
}

/**
 * One interaction a user started: wait for the bot's answer with `reply()`,
 * then inspect the messages it produced.
 */
export class InteractionHandle {
  readonly #discord: LocalDiscord;
  /** Edits of the clicked message when the click was sent, to notice a later update. */
  readonly #sourceEdits: number;
  /** `World.revision` when the interaction was sent, to tell which messages changed after. */
  readonly #revision: number;
  readonly #deliver: (() => void) | null;

  constructor(
    discord: LocalDiscord,
    readonly record: InteractionRecord,
    deliver: (() => void) | null = null,
  ) {
    this.#discord = discord;
    this.#deliver = deliver;
    const source = record.sourceMessageId ? discord.world.messages.get(record.sourceMessageId) : undefined;
    this.#sourceEdits = source?.edits ?? 0;
    this.#revision = discord.world.revision;
  }

  get id(): string {
    return this.record.id;
  }

  /** When the user acted (Date.now() clock), as the id's snowflake says. */
  get createdAt(): number {
    return this.record.createdAt;
  }

  /** Whether INTERACTION_CREATE has been dispatched (false while held or delayed). */
  get delivered(): boolean {
    return this.record.dispatchedAt !== null;
  }

  /** performance.now() when INTERACTION_CREATE was dispatched, or null. */
  get dispatchedAt(): number | null {
    return this.record.dispatchedAt;
  }

  /** performance.now() when the accepted callback POST arrived, or null. */
  get ackedAt(): number | null {
    return this.record.ackedAt;
  }

  /** Milliseconds from dispatch to the arrival of the accepted callback, or null before both. */
  get ackLatencyMs(): number | null {
    const { dispatchedAt, ackedAt } = this.record;
    return dispatchedAt === null || ackedAt === null ? null : ackedAt - dispatchedAt;
  }

  /** Dispatches a held (or still delayed) interaction now; does nothing once it was delivered. */
  deliver(): void {
    this.#deliver?.();
  }

  /** The callback type once the bot answered (4 reply, 5 defer, 6 deferred update, 7 update, 8 choices). */
  get callbackType(): number | null {
    return this.record.callback?.type ?? null;
  }

  /** Why the double refused what the bot sent for this interaction. */
  get rejections(): readonly string[] {
    return this.record.rejections;
  }

  /** The reply (or, after an update, the updated message), current state. */
  get original(): MessageView | null {
    const id = this.record.originalId;
    return id ? (this.#discord.message(id) ?? null) : null;
  }

  get followUps(): MessageView[] {
    return this.record.followUpIds.flatMap((id) => this.#discord.message(id) ?? []);
  }

  /** The original (unless it is the clicked message) and the follow-ups, current state. */
  get messages(): MessageView[] {
    const own = this.record.originalId && this.record.originalId !== this.record.sourceMessageId ? this.original : null;
    return [...(own ? [own] : []), ...this.followUps];
  }

  /** Waits for the callback alone. */
  async ack(timeoutMs = this.#discord.timeoutMs): Promise<{ type: number; data: unknown }> {
    const deadline = this.#discord.world.options.callbackDeadlineMs;
    return this.#discord.waitFor(
      () => {
        if (this.record.callback) return this.record.callback;
        // Past the deadline no callback can succeed any more: fail now rather than at the timeout.
        if (this.record.dispatchedAt !== null && Date.now() - this.record.sentAt > deadline + 100) {
          throw new Error(`expected ${this.#describe(`acknowledge within ${deadline} ms`)}`);
        }
        return undefined;
      },
      timeoutMs,
      () => this.#describe('acknowledge'),
    );
  }

  /**
   * Waits for what the user ends up seeing: the reply or the updated message;
   * after a deferral, the first edit or follow-up.
   */
  async reply(timeoutMs = this.#discord.timeoutMs): Promise<ReplyView> {
    const started = Date.now();
    const { type } = await this.ack(timeoutMs);
    const left = Math.max(0, timeoutMs - (Date.now() - started));
    const withType = (view: MessageView): ReplyView => ({ ...view, type });
    switch (type) {
      case 4:
      case 7:
        return withType(this.#must(this.original));
      case 5:
        return withType(
          await this.#discord.waitFor(
            () => {
              const view = this.original;
              return view && (!view.loading || view.deleted) ? view : undefined;
            },
            left,
            () => this.#describe('edit the deferred reply'),
          ),
        );
      case 6:
        return withType(
          await this.#discord.waitFor(
            () => {
              const source = this.original;
              if (source && source.edits > this.#sourceEdits) return source;
              return this.followUps[0];
            },
            left,
            () => this.#describe('edit the message or follow up after deferUpdate'),
          ),
        );
      default:
        return emptyReplyView(type);
    }
  }

  /**
   * What the user has seen once the bot answered, as a Discord client has it. Like `reply()`, except
   * that a deferred update (6) is complete at the callback: Discord asks nothing more of the bot, which
   * may leave the clicked message as it is and post elsewhere. `reply` is then the clicked message if
   * the bot already edited it, else the first follow-up, else null; `changed` is what the bot did so far.
   */
  async outcome(timeoutMs = this.#discord.timeoutMs): Promise<InteractionOutcome> {
    const started = Date.now();
    const { type } = await this.ack(timeoutMs);
    if (type !== 6) {
      const reply = await this.reply(Math.max(0, timeoutMs - (Date.now() - started)));
      return { type, reply, changed: this.changes() };
    }
    const source = this.original;
    const view = source && source.edits > this.#sourceEdits ? source : this.followUps[0];
    return { type, reply: view ? { ...view, type } : null, changed: this.changes() };
  }

  /**
   * The bot's messages this user can see that were created, edited or deleted (`deleted: true`) since
   * the interaction was sent, in any channel of its server, ephemeral ones for this user included;
   * current state, in the order they last changed. Also what other users or timers caused meanwhile.
   */
  changes(): MessageView[] {
    const { world } = this.#discord;
    const { guildId, userId } = this.record;
    const botId = world.botUser.id;
    return [...world.messages.values()]
      .filter(
        (m) =>
          m.revision > this.#revision &&
          m.message.author.id === botId &&
          (m.visibleTo === null || m.visibleTo === userId) &&
          world.guildOf(m.message.channel_id)?.id === guildId,
      )
      .sort((a, b) => a.revision - b.revision)
      .map((m) => toMessageView(m, botId));
  }

  #must(view: MessageView | null): MessageView {
    if (!view) throw new Error(`interaction ${this.record.id} has no message`);
    return view;
  }

  #describe(what: string): string {
    const r = this.record;
    const name = r.commandName ? `/${r.commandName}` : r.customId ? `component ${r.customId}` : `interaction ${r.id}`;
    const refused = r.rejections.length > 0 ? `; the double refused: ${r.rejections.join(' | ')}` : '';
    return `the bot to ${what} (${name})${refused}`;
  }
}

const DISCORD_EPOCH_MS = 1420070400000;

function pathOf(options: CommandPath): CommandPath {
  return {
    ...(options.subcommand !== undefined ? { subcommand: options.subcommand } : {}),
    ...(options.group !== undefined ? { group: options.group } : {}),
  };
}

function* walk(components: readonly WireComponent[]): Generator<WireComponent> {
  for (const c of components) {
    yield c;
    if (c.components) yield* walk(c.components);
    if (c.accessory) yield* walk([c.accessory]);
  }
}

function findComponent(components: readonly WireComponent[], customId: string): WireComponent | undefined {
  for (const c of walk(components)) if (c.custom_id === customId) return c;
  return undefined;
}

function customIds(stored: StoredMessage): string[] {
  return [...walk(stored.message.components)].flatMap((c) => (c.custom_id ? [c.custom_id] : []));
}

/** Resolves with the first truthy `check()`, re-checked on each world change and on a short interval. */
function waitUntil<T>(
  world: World,
  check: () => T | undefined | null | false,
  timeoutMs: number,
  what: string | (() => string),
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const attempt = (): boolean => {
      let value: T | undefined | null | false;
      try {
        value = check();
      } catch (error) {
        finish();
        reject(error);
        return true;
      }
      if (value === undefined || value === null || value === false) return false;
      finish();
      resolve(value);
      return true;
    };
    const onChange = () => {
      attempt();
    };
    const interval = setInterval(onChange, 20);
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`));
    }, timeoutMs);
    const finish = () => {
      clearInterval(interval);
      clearTimeout(timer);
      world.off('change', onChange);
    };
    world.on('change', onChange);
    attempt();
  });
}
