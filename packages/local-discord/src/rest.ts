import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ChannelType,
  GatewayIntentBits,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  PermissionFlagsBits,
} from 'discord-api-types/v10';
import type { z } from 'zod';
import { FaultHandle, type FaultSpec } from './faults.js';
import type { Gateway } from './gateway.js';
import { checkAutocompleteLimits, checkCommandLimits, checkMessageLimits } from './limits.js';
import { applicationPayload, guildPayload, isThread } from './payloads.js';
import {
  autocompleteDataSchema,
  callbackBodySchema,
  commandBodySchema,
  commandPatchSchema,
  type MessageBody,
  messageBodySchema,
  threadBodySchema,
} from './schemas.js';
import type {
  GuildChannel,
  GuildState,
  InteractionRecord,
  RequestRecord,
  StoredMessage,
  Upload,
  ViolationKind,
  World,
} from './world.js';

export interface RestOptions {
  privilegedIntents: number;
  /** What GET /gateway/bot recommends: `shards`, and `session_start_limit.max_concurrency`. */
  gatewayBot: () => { shards: number; maxConcurrency: number };
}

/** An error answer in Discord's JSON shape; `kind` marks it as the bot's fault (recorded as a violation). */
class DiscordError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly kind: ViolationKind | null,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

interface Context {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  body: unknown;
  uploads: Upload[];
  authorization: string | undefined;
  /** The interaction this request answers, so its handle can report refusals. */
  interaction: InteractionRecord | null;
  /** performance.now() when the request arrived. */
  arrivedAt: number;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (ctx: Context) => Answer;

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  bot: boolean;
  handler: Handler;
}

const API_PREFIX = '/api/v10';
const MAX_BODY = 25 * 1024 * 1024;

const ok = (body: unknown): Answer => ({ status: 200, body });
const noContent: Answer = { status: 204 };

/** The double's REST API: routes over the shared world, every request logged. */
export class RestApi {
  readonly #routes: Route[] = [];
  #faults: FaultHandle[] = [];

  constructor(
    private readonly world: World,
    private readonly gateway: Gateway,
    private readonly options: RestOptions,
  ) {
    this.#register();
  }

  /** Starts failing requests that match `spec`; see FaultSpec for how discord.js reacts. */
  addFault(spec: FaultSpec): FaultHandle {
    const fault = new FaultHandle(spec);
    this.#faults.push(fault);
    return fault;
  }

  /** Stops every injected fault. */
  clearFaults(): void {
    for (const fault of this.#faults) fault.clear();
    this.#faults = [];
  }

  #injectedFault(method: string, path: string, record: RequestRecord): Answer | null {
    this.#faults = this.#faults.filter((f) => f.active);
    for (const fault of this.#faults) {
      const answer = fault.take(method, path, record);
      if (answer) return answer;
    }
    return null;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = performance.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname.startsWith('/attachments/')) {
      this.#serveAttachment(url.pathname, res);
      return;
    }
    const record: RequestRecord = {
      method,
      path: url.pathname,
      route: null,
      query: Object.fromEntries(url.searchParams),
      body: null,
      files: [],
      status: 0,
      at: Date.now(),
      injected: false,
    };
    this.world.requests.push(record);
    let answer: Answer;
    let ctx: Context | null = null;
    try {
      const raw = await readBody(req);
      const { body, uploads } = await parseBody(raw, req.headers['content-type']);
      record.body = body;
      record.files = uploads.map((u) => ({ field: u.field, filename: u.filename, size: u.data.length }));
      const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : null;
      const found = path === null ? null : this.#match(method, path);
      if (!found || path === null) {
        record.route = null;
        this.world.unknownRoutes.push(record);
        throw new DiscordError(404, 0, '404: Not Found', null);
      }
      record.route = `${found.route.method} ${found.route.pattern}`;
      const fault = this.#injectedFault(method, path, record);
      if (fault) {
        record.injected = true;
        record.status = fault.status;
        this.world.changed();
        this.#write(res, fault);
        return;
      }
      ctx = {
        method,
        path,
        query: url.searchParams,
        params: found.params,
        body,
        uploads,
        authorization: req.headers.authorization,
        interaction: null,
        arrivedAt,
      };
      if (found.route.bot) this.#checkAuth(ctx);
      answer = found.route.handler(ctx);
    } catch (error) {
      answer = this.#errorAnswer(error, method, url.pathname, ctx);
    }
    record.status = answer.status;
    this.world.changed();
    this.#write(res, answer);
  }

  #write(res: ServerResponse, answer: Answer): void {
    if (answer.status === 204 || answer.body === undefined) {
      res.writeHead(answer.status, answer.headers).end();
      return;
    }
    const json = JSON.stringify(answer.body);
    res.writeHead(answer.status, { ...answer.headers, 'content-type': 'application/json' }).end(json);
  }

  #errorAnswer(error: unknown, method: string, path: string, ctx: Context | null): Answer {
    if (!(error instanceof DiscordError)) {
      // A bug in the double, not in the bot: surface it loudly.
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.world.recordViolation({
        kind: 'invalid-body',
        method,
        path,
        problems: [`local Discord crashed: ${message}`],
      });
      return { status: 500, body: { message: '500: Internal Server Error', code: 0 } };
    }
    if (error.kind) {
      this.world.recordViolation(
        { kind: error.kind, method, path, problems: error.problems.length > 0 ? error.problems : [error.message] },
        ctx?.interaction ?? undefined,
      );
    }
    const body: Record<string, unknown> = { message: error.message, code: error.code };
    if (error.problems.length > 0 && error.code === 50035) body.errors = errorTree(error.problems);
    return { status: error.status, body };
  }

  #checkAuth(ctx: Context): void {
    if (ctx.authorization !== `Bot ${this.world.options.token}`) {
      throw new DiscordError(401, 0, '401: Unauthorized', 'unauthorized');
    }
  }

  #match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    const parts = path.split('/').filter(Boolean);
    for (const route of this.#routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let matched = true;
      route.segments.forEach((segment, i) => {
        const part = decodeURIComponent(parts[i] ?? '');
        if (segment.startsWith(':')) params[segment.slice(1)] = part;
        else if (segment !== part) matched = false;
      });
      if (matched) return { route, params };
    }
    return null;
  }

  #on(method: string, pattern: string, handler: Handler, bot = true): void {
    this.#routes.push({ method, pattern, segments: pattern.split('/').filter(Boolean), bot, handler });
  }

  #serveAttachment(pathname: string, res: ServerResponse): void {
    const id = pathname.split('/')[3] ?? '';
    let data = this.world.uploads.get(id);
    for (const stored of this.world.messages.values()) data ??= stored.files.get(id);
    if (!data) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(data);
  }

  // ---- lookups ----

  #param(ctx: Context, name: string): string {
    return ctx.params[name] ?? '';
  }

  #channel(ctx: Context): GuildChannel {
    const channel = this.world.channels.get(this.#param(ctx, 'channel'));
    if (!channel) throw new DiscordError(404, 10003, 'Unknown Channel', 'unknown-channel');
    return channel;
  }

  #guild(ctx: Context): GuildState {
    const guild = this.world.guilds.get(this.#param(ctx, 'guild'));
    if (!guild) throw new DiscordError(404, 10004, 'Unknown Guild', 'unknown-channel');
    return guild;
  }

  #channelMessage(ctx: Context): StoredMessage {
    const channel = this.#channel(ctx);
    const stored = this.world.messages.get(this.#param(ctx, 'message'));
    if (!stored || stored.deleted || stored.visibleTo || stored.message.channel_id !== channel.id) {
      throw unknownMessage(stored);
    }
    return stored;
  }

  #parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new DiscordError(400, 50035, 'Invalid Form Body', 'invalid-body', problems);
  }

  #checkMessage(body: MessageBody, uploads: Upload[], creating: boolean): void {
    const problems = checkMessageLimits(body);
    if (problems.length > 0) throw new DiscordError(400, 50035, 'Invalid Form Body', 'limit', problems);
    const empty =
      !body.content && !body.embeds?.length && !body.components?.length && !body.poll && uploads.length === 0;
    if (creating && empty) {
      throw new DiscordError(400, 50006, 'Cannot send an empty message', 'empty-message');
    }
  }

  /** Limits of the edit, and Discord's refusal to edit a message into an empty one. */
  #checkEdit(stored: StoredMessage, body: MessageBody, uploads: Upload[]): void {
    this.#checkMessage(body, uploads, false);
    const m = stored.message;
    const content = body.content !== undefined ? (body.content ?? '') : m.content;
    const embeds = body.embeds !== undefined ? (body.embeds?.length ?? 0) : m.embeds.length;
    const components = body.components !== undefined ? (body.components?.length ?? 0) : m.components.length;
    const files =
      (body.attachments !== undefined ? (body.attachments?.length ?? 0) : m.attachments.length) + uploads.length;
    if (!content && embeds === 0 && components === 0 && files === 0 && !m.poll) {
      throw new DiscordError(400, 50006, 'Cannot send an empty message', 'empty-message');
    }
  }

  #appScope(ctx: Context): void {
    if (this.#param(ctx, 'app') !== this.world.options.applicationId) {
      throw new DiscordError(403, 50001, 'Missing Access', 'unauthorized');
    }
  }

  #interaction(ctx: Context): InteractionRecord {
    if (this.#param(ctx, 'app') !== this.world.options.applicationId) {
      throw new DiscordError(404, 10015, 'Unknown Webhook', 'unknown-webhook');
    }
    const record = this.world.interactionsByToken.get(this.#param(ctx, 'token'));
    if (!record) throw new DiscordError(404, 10015, 'Unknown Webhook', 'unknown-webhook');
    ctx.interaction = record;
    if (Date.now() - record.sentAt > this.world.options.tokenLifetimeMs) {
      throw new DiscordError(401, 50027, 'Invalid Webhook Token', 'unknown-webhook');
    }
    if (!record.callback) {
      throw new DiscordError(404, 10015, 'Unknown Webhook', 'unknown-webhook', [
        'the interaction was not acknowledged before using its webhook',
      ]);
    }
    return record;
  }

  #webhookMessage(ctx: Context, record: InteractionRecord): StoredMessage {
    const ref = this.#param(ctx, 'message');
    const id = ref === '@original' ? record.originalId : ref;
    const known = id !== null && (id === record.originalId || record.followUpIds.includes(id));
    const stored = known ? this.world.messages.get(id) : undefined;
    if (!stored || stored.deleted) throw unknownMessage(stored);
    return stored;
  }

  // ---- routes ----

  #register(): void {
    const w = this.world;

    this.#on('GET', '/gateway', () => ok({ url: this.gateway.url }), false);
    this.#on('GET', '/gateway/bot', () => {
      const { shards, maxConcurrency } = this.options.gatewayBot();
      return ok({
        url: this.gateway.url,
        shards,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: maxConcurrency },
      });
    });
    this.#on('GET', '/users/@me', () => ok(w.botUser));
    this.#on('GET', '/applications/@me', () => ok(applicationPayload(w, this.options.privilegedIntents)));
    this.#on('GET', '/oauth2/applications/@me', () => ok(applicationPayload(w, this.options.privilegedIntents)));

    this.#registerCommands('/applications/:app/commands', () => 'global');
    this.#registerCommands('/applications/:app/guilds/:guild/commands', (ctx) => this.#guild(ctx).id);

    this.#on('POST', '/interactions/:id/:token/callback', (ctx) => this.#callback(ctx), false);
    this.#on('POST', '/webhooks/:app/:token', (ctx) => this.#followUp(ctx), false);
    this.#on(
      'GET',
      '/webhooks/:app/:token/messages/:message',
      (ctx) => {
        const record = this.#interaction(ctx);
        return ok(this.#webhookMessage(ctx, record).message);
      },
      false,
    );
    this.#on(
      'PATCH',
      '/webhooks/:app/:token/messages/:message',
      (ctx) => {
        const record = this.#interaction(ctx);
        const stored = this.#webhookMessage(ctx, record);
        const body = this.#parse(messageBodySchema, ctx.body);
        this.#checkEdit(stored, body, ctx.uploads);
        return ok(w.editMessage(stored, body, ctx.uploads).message);
      },
      false,
    );
    this.#on(
      'DELETE',
      '/webhooks/:app/:token/messages/:message',
      (ctx) => {
        const record = this.#interaction(ctx);
        w.deleteMessage(this.#webhookMessage(ctx, record));
        return noContent;
      },
      false,
    );

    this.#on('GET', '/channels/:channel', (ctx) => ok(this.#channel(ctx)));
    this.#on('POST', '/channels/:channel/typing', (ctx) => {
      this.#channel(ctx);
      return noContent;
    });
    this.#on('GET', '/channels/:channel/messages', (ctx) => ok(this.#listMessages(ctx)));
    this.#on('POST', '/channels/:channel/messages', (ctx) => ok(this.#postMessage(ctx)));
    this.#on('GET', '/channels/:channel/messages/:message', (ctx) => ok(this.#channelMessage(ctx).message));
    this.#on('PATCH', '/channels/:channel/messages/:message', (ctx) => {
      const stored = this.#channelMessage(ctx);
      if (stored.message.author.id !== w.botUser.id) {
        throw new DiscordError(403, 50005, 'Cannot edit a message authored by another user', 'invalid-body');
      }
      const body = this.#parse(messageBodySchema, ctx.body);
      this.#checkEdit(stored, body, ctx.uploads);
      return ok(w.editMessage(stored, body, ctx.uploads).message);
    });
    this.#on('DELETE', '/channels/:channel/messages/:message', (ctx) => {
      const stored = this.#channelMessage(ctx);
      const guild = w.guildOf(stored.message.channel_id);
      const canManage = guild && (w.permissionsOf(guild, w.botUser.id) & PermissionFlagsBits.ManageMessages) !== 0n;
      if (stored.message.author.id !== w.botUser.id && !canManage) {
        throw new DiscordError(403, 50013, 'Missing Permissions', 'unauthorized');
      }
      w.deleteMessage(stored);
      return noContent;
    });
    this.#on('POST', '/channels/:channel/messages/:message/threads', (ctx) => {
      const parent = this.#channel(ctx);
      const stored = this.#channelMessage(ctx);
      if (stored.message.thread) {
        throw new DiscordError(400, 160004, 'A thread has already been created for this message', 'invalid-body');
      }
      return { status: 201, body: this.#createThread(ctx, parent, stored, ChannelType.PublicThread) };
    });
    this.#on('POST', '/channels/:channel/threads', (ctx) => {
      const parent = this.#channel(ctx);
      const type = this.#parse(threadBodySchema, ctx.body).type ?? ChannelType.PrivateThread;
      if (type !== ChannelType.PublicThread && type !== ChannelType.PrivateThread) {
        throw new DiscordError(400, 50035, 'Invalid Form Body', 'invalid-body', [
          `type: Thread type ${type} is not valid.`,
        ]);
      }
      return { status: 201, body: this.#createThread(ctx, parent, null, type) };
    });
    this.#on('POST', '/channels/:channel/polls/:message/expire', (ctx) => {
      const stored = this.#channelMessage(ctx);
      if (!stored.message.poll)
        throw new DiscordError(400, 50035, 'Invalid Form Body', 'invalid-body', ['This message has no poll.']);
      if (stored.message.author.id !== w.botUser.id) {
        throw new DiscordError(403, 50013, 'Missing Permissions', 'unauthorized');
      }
      if (stored.message.poll.results?.is_finalized) {
        throw new DiscordError(400, 520001, 'Poll has already expired', 'invalid-body');
      }
      w.finalizePoll(stored);
      return ok(stored.message);
    });
    this.#on('GET', '/channels/:channel/polls/:message/answers/:answer', (ctx) => {
      const stored = this.#channelMessage(ctx);
      const answerId = Number(this.#param(ctx, 'answer'));
      if (!stored.message.poll?.answers.some((a) => a.answer_id === answerId)) {
        throw new DiscordError(404, 10008, 'Unknown Message', 'unknown-message');
      }
      const after = ctx.query.get('after');
      const limit = Math.min(Number(ctx.query.get('limit') ?? 25), 100);
      const voters = (stored.votes.get(answerId) ?? [])
        .filter((id) => after === null || BigInt(id) > BigInt(after))
        .slice(0, limit);
      return ok({ users: voters.flatMap((id) => w.users.get(id) ?? []) });
    });

    this.#on('GET', '/guilds/:guild', (ctx) => {
      const guild = this.#guild(ctx);
      return ok({ ...guildPayload(guild), approximate_member_count: guild.members.size });
    });
    this.#on('GET', '/guilds/:guild/channels', (ctx) => {
      const guild = this.#guild(ctx);
      return ok(guild.channelIds.flatMap((id) => w.channels.get(id) ?? []).filter((c) => !isThread(c)));
    });
    this.#on('GET', '/guilds/:guild/threads/active', (ctx) => {
      const guild = this.#guild(ctx);
      const threads = guild.channelIds.flatMap((id) => w.channels.get(id) ?? []).filter(isThread);
      return ok({ threads, members: [] });
    });
    this.#on('GET', '/guilds/:guild/roles', (ctx) => ok(this.#guild(ctx).roles));
    this.#on('GET', '/guilds/:guild/members/:user', (ctx) => {
      const guild = this.#guild(ctx);
      const id = this.#param(ctx, 'user');
      if (!guild.members.has(id)) throw new DiscordError(404, 10007, 'Unknown Member', 'unknown-message');
      return ok(w.memberPayload(guild, id));
    });
    this.#on('GET', '/guilds/:guild/members', (ctx) => {
      const guild = this.#guild(ctx);
      // Listing members needs the privileged GuildMembers intent switched on.
      if ((this.options.privilegedIntents & GatewayIntentBits.GuildMembers) === 0) {
        throw new DiscordError(403, 50001, 'Missing Access', 'unauthorized');
      }
      const limit = Math.min(Number(ctx.query.get('limit') ?? 1), 1000);
      return ok([...guild.members.keys()].slice(0, limit).map((id) => w.memberPayload(guild, id)));
    });
  }

  #registerCommands(base: string, scopeOf: (ctx: Context) => string): void {
    const w = this.world;
    const one = `${base}/:command`;
    const find = (ctx: Context) => {
      const command = (w.commands.get(scopeOf(ctx)) ?? []).find((c) => c.id === this.#param(ctx, 'command'));
      if (!command) throw new DiscordError(404, 10063, 'Unknown application command', 'invalid-body');
      return command;
    };
    const checkDefinition = (def: z.infer<typeof commandBodySchema>, prefix: string) => {
      const problems = checkCommandLimits(def).map((p) => `${prefix}${p}`);
      if (problems.length > 0) throw new DiscordError(400, 50035, 'Invalid Form Body', 'limit', problems);
    };
    this.#on('GET', base, (ctx) => {
      this.#appScope(ctx);
      return ok(w.commands.get(scopeOf(ctx)) ?? []);
    });
    this.#on('PUT', base, (ctx) => {
      this.#appScope(ctx);
      const scope = scopeOf(ctx);
      const defs = this.#parse(commandBodySchema.array(), ctx.body);
      if (defs.length > 100)
        throw new DiscordError(400, 30032, 'Maximum number of application commands reached (100)', 'limit');
      defs.forEach((def, i) => {
        checkDefinition(def, `${i}.`);
      });
      const names = defs.map((d) => `${d.type ?? 1}:${d.name}`);
      const twice = names.find((n, i) => names.indexOf(n) !== i);
      if (twice) {
        throw new DiscordError(400, 50035, 'Invalid Form Body', 'invalid-body', [
          `: Application command names must be unique (${twice}).`,
        ]);
      }
      return ok(w.replaceCommands(scope, defs));
    });
    this.#on('POST', base, (ctx) => {
      this.#appScope(ctx);
      const def = this.#parse(commandBodySchema, ctx.body);
      checkDefinition(def, '');
      const { command, created } = w.upsertCommand(scopeOf(ctx), def);
      return { status: created ? 201 : 200, body: command };
    });
    this.#on('GET', one, (ctx) => {
      this.#appScope(ctx);
      return ok(find(ctx));
    });
    this.#on('PATCH', one, (ctx) => {
      this.#appScope(ctx);
      const existing = find(ctx);
      const patch = this.#parse(commandPatchSchema, ctx.body);
      const merged = this.#parse(commandBodySchema, { ...existing, ...patch });
      checkDefinition(merged, '');
      return ok(w.upsertCommand(scopeOf(ctx), merged).command);
    });
    this.#on('DELETE', one, (ctx) => {
      this.#appScope(ctx);
      const scope = scopeOf(ctx);
      const existing = find(ctx);
      w.commands.set(
        scope,
        (w.commands.get(scope) ?? []).filter((c) => c !== existing),
      );
      return noContent;
    });
  }

  #callback(ctx: Context): Answer {
    const w = this.world;
    const record = w.interactions.get(this.#param(ctx, 'id'));
    if (!record || record.token !== this.#param(ctx, 'token')) {
      throw new DiscordError(404, 10062, 'Unknown interaction', 'unknown-interaction');
    }
    ctx.interaction = record;
    const elapsed = Date.now() - record.sentAt;
    if (elapsed > w.options.callbackDeadlineMs) {
      throw new DiscordError(404, 10062, 'Unknown interaction', 'unknown-interaction', [
        `answered ${elapsed} ms after the interaction was sent (deadline ${w.options.callbackDeadlineMs} ms)`,
      ]);
    }
    if (record.callback) {
      throw new DiscordError(400, 40060, 'Interaction has already been acknowledged.', 'already-acknowledged');
    }
    const { type, data } = this.#parse(callbackBodySchema, ctx.body);
    if (type === InteractionResponseType.Modal) {
      throw new DiscordError(400, 50035, 'Invalid Form Body', 'invalid-callback', [
        'type: The local Discord does not model modals (callback type 9).',
      ]);
    }
    if (!allowedCallbacks(record).includes(type)) {
      throw new DiscordError(400, 50035, 'Invalid Form Body', 'invalid-callback', [
        `type: Callback type ${type} is not valid for interaction type ${record.type}.`,
      ]);
    }
    let message: StoredMessage | null = null;
    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource: {
        const body = this.#parse(messageBodySchema, data ?? {});
        this.#checkMessage(body, ctx.uploads, true);
        message = this.#createResponse(record, body, ctx.uploads, 0);
        break;
      }
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        const body = this.#parse(messageBodySchema, data ?? {});
        message = this.#createResponse(record, { flags: body.flags ?? 0 }, [], MessageFlags.Loading);
        break;
      }
      case InteractionResponseType.DeferredMessageUpdate:
        record.originalId = record.sourceMessageId;
        break;
      case InteractionResponseType.UpdateMessage: {
        const body = this.#parse(messageBodySchema, data ?? {});
        const source = record.sourceMessageId ? w.messages.get(record.sourceMessageId) : undefined;
        if (!source || source.deleted) throw unknownMessage(source);
        this.#checkEdit(source, body, ctx.uploads);
        record.originalId = source.message.id;
        message = w.editMessage(source, body, ctx.uploads);
        break;
      }
      case InteractionResponseType.ApplicationCommandAutocompleteResult: {
        const body = this.#parse(autocompleteDataSchema, data ?? {});
        const problems = checkAutocompleteLimits(body.choices).map((p) => `data.${p}`);
        if (problems.length > 0) throw new DiscordError(400, 50035, 'Invalid Form Body', 'limit', problems);
        record.choices = body.choices.map((c) => ({ name: c.name, value: c.value }));
        break;
      }
    }
    record.callback = { type, data: data ?? null, at: Date.now() };
    record.ackedAt = ctx.arrivedAt;
    w.changed();
    if (ctx.query.get('with_response') !== 'true') return noContent;
    const flags = message?.message.flags ?? 0;
    return ok({
      interaction: {
        id: record.id,
        type: record.type,
        ...(message
          ? {
              response_message_id: message.message.id,
              response_message_loading: (flags & MessageFlags.Loading) !== 0,
              response_message_ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
            }
          : {}),
      },
      ...(message && (type === 4 || type === 7) ? { resource: { type, message: message.message } } : {}),
    });
  }

  #createResponse(record: InteractionRecord, body: MessageBody, uploads: Upload[], extraFlags: number): StoredMessage {
    const ephemeral = ((body.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
    const stored = this.world.createMessage({
      channelId: record.channelId,
      author: this.world.botUser,
      body,
      uploads,
      type: record.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default,
      visibleTo: ephemeral ? record.userId : null,
      interaction: record,
      flags: ((body.flags ?? 0) & ~MessageFlags.Ephemeral) | extraFlags,
    });
    record.originalId = stored.message.id;
    return stored;
  }

  #followUp(ctx: Context): Answer {
    const w = this.world;
    const record = this.#interaction(ctx);
    const body = this.#parse(messageBodySchema, ctx.body);
    this.#checkMessage(body, ctx.uploads, true);
    const original = record.originalId ? w.messages.get(record.originalId) : undefined;
    const wait = ctx.query.get('wait') === 'true';
    // After a deferral, Discord turns the first follow-up into the deferred reply (keeping its ephemerality).
    if (record.callback?.type === 5 && original && ((original.message.flags ?? 0) & MessageFlags.Loading) !== 0) {
      const edited = w.editMessage(original, { ...body, flags: null }, ctx.uploads);
      return wait ? ok(edited.message) : noContent;
    }
    const ephemeral = ((body.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
    const stored = w.createMessage({
      channelId: record.channelId,
      author: w.botUser,
      body,
      uploads: ctx.uploads,
      type: record.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default,
      visibleTo: ephemeral ? record.userId : null,
      interaction: record,
      flags: (body.flags ?? 0) & ~MessageFlags.Ephemeral,
    });
    record.followUpIds.push(stored.message.id);
    w.changed();
    return wait ? ok(stored.message) : noContent;
  }

  #listMessages(ctx: Context): unknown[] {
    this.#channel(ctx);
    const all = this.world.visibleMessages(this.#param(ctx, 'channel'));
    const limit = Math.max(1, Math.min(Number(ctx.query.get('limit') ?? 50), 100));
    const before = ctx.query.get('before');
    const after = ctx.query.get('after');
    let picked = all;
    if (before) picked = picked.filter((m) => BigInt(m.message.id) < BigInt(before));
    if (after) picked = picked.filter((m) => BigInt(m.message.id) > BigInt(after));
    // Newest first, like Discord; `after` pages forward from the oldest.
    const window = after ? picked.slice(0, limit) : picked.slice(-limit);
    return window.reverse().map((m) => m.message);
  }

  #postMessage(ctx: Context): unknown {
    const w = this.world;
    const channel = this.#channel(ctx);
    const body = this.#parse(messageBodySchema, ctx.body);
    this.#checkMessage(body, ctx.uploads, true);
    const ref = body.message_reference?.message_id;
    if (ref && body.message_reference?.fail_if_not_exists !== false) {
      const target = w.messages.get(ref);
      if (!target || target.deleted || target.visibleTo) {
        throw new DiscordError(400, 50035, 'Invalid Form Body', 'unknown-message', [
          'message_reference: Unknown message',
        ]);
      }
    }
    if ((body.flags ?? 0) & MessageFlags.Ephemeral) {
      throw new DiscordError(400, 50035, 'Invalid Form Body', 'invalid-body', [
        'flags: Channel messages cannot be ephemeral.',
      ]);
    }
    if (isThread(channel) && channel.thread_metadata?.locked) {
      throw new DiscordError(400, 50083, 'Thread is archived', 'invalid-body');
    }
    return w.createMessage({ channelId: channel.id, author: w.botUser, body, uploads: ctx.uploads }).message;
  }

  #createThread(
    ctx: Context,
    parent: GuildChannel,
    from: StoredMessage | null,
    type: ChannelType.PublicThread | ChannelType.PrivateThread,
  ): unknown {
    const w = this.world;
    const body = this.#parse(threadBodySchema, ctx.body);
    const name = body.name;
    if (name.length < 1 || name.length > 100) {
      throw new DiscordError(400, 50035, 'Invalid Form Body', 'limit', [
        `name: Must be between 1 and 100 in length (got ${name.length}).`,
      ]);
    }
    if (isThread(parent)) {
      throw new DiscordError(400, 50024, 'Cannot execute action on this channel type', 'invalid-body');
    }
    const thread = w.createThread({
      parent,
      name,
      type,
      autoArchive: body.auto_archive_duration ?? 4320,
      ownerId: w.botUser.id,
      fromMessage: from,
    });
    if (!from && type === ChannelType.PublicThread) {
      w.createMessage({
        channelId: parent.id,
        author: w.botUser,
        body: { content: name },
        uploads: [],
        type: MessageType.ThreadCreated,
      });
    }
    return thread;
  }
}

/** Discord's 404 for a message that is gone; not the bot's fault when a moderator deleted it. */
function unknownMessage(stored: StoredMessage | undefined): DiscordError {
  const byModerator = stored?.deleted === true && stored.deletedBy === 'moderator';
  return new DiscordError(404, 10008, 'Unknown Message', byModerator ? null : 'unknown-message');
}

function allowedCallbacks(record: InteractionRecord): number[] {
  switch (record.type) {
    case InteractionType.ApplicationCommand:
      return [4, 5];
    case InteractionType.ApplicationCommandAutocomplete:
      return [8];
    case InteractionType.MessageComponent:
      return [4, 5, 6, 7];
    default:
      return [];
  }
}

/** Turns `a.0.b: message` problems into Discord's nested `errors` object. */
export function errorTree(problems: readonly string[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const problem of problems) {
    const split = problem.indexOf(': ');
    const path = split >= 0 ? problem.slice(0, split) : '';
    const message = split >= 0 ? problem.slice(split + 2) : problem;
    let node = root;
    for (const key of path.split('.').filter(Boolean)) {
      const next = node[key];
      const child: Record<string, unknown> = isRecord(next) ? next : {};
      node[key] = child;
      node = child;
    }
    const list = Array.isArray(node._errors) ? node._errors : [];
    node._errors = [...list, { code: 'BASE_TYPE_INVALID', message }];
  }
  return root;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY) throw new DiscordError(413, 40005, 'Request entity too large', 'limit');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** JSON bodies, or multipart with a `payload_json` part and `files[n]` parts, as discord.js sends them. */
async function parseBody(raw: Buffer, contentType: string | undefined): Promise<{ body: unknown; uploads: Upload[] }> {
  if (raw.length === 0) return { body: null, uploads: [] };
  const parseJson = (text: string) => {
    try {
      return JSON.parse(text);
    } catch {
      throw new DiscordError(400, 50109, 'The request body contains invalid JSON.', 'invalid-body');
    }
  };
  if (!contentType?.startsWith('multipart/form-data')) return { body: parseJson(raw.toString('utf8')), uploads: [] };
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  const uploads: Upload[] = [];
  let body: unknown = {};
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') body = parseJson(value);
      continue;
    }
    uploads.push({
      field,
      filename: value.name,
      contentType: value.type || 'application/octet-stream',
      data: Buffer.from(await value.arrayBuffer()),
    });
  }
  return { body, uploads };
}
