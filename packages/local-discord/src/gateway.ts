import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  type GatewayGuildCreateDispatchData,
  GatewayIntentBits,
  GatewayOpcodes,
  type GatewayReadyDispatchData,
} from 'discord-api-types/v10';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';

/** Intents Discord only grants when switched on in the developer portal. */
export const PRIVILEGED_INTENTS =
  GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

export interface IdentifyRecord {
  intents: number;
  shard: readonly [number, number] | null;
  at: number;
}

export interface DroppedDispatch {
  event: string;
  /** The intent the bot did not identify with. */
  intent: number;
}

export interface DispatchOptions {
  /** The intent Discord requires for this event; sessions without it never see it. */
  intent?: number;
  /**
   * The guild the event belongs to, which picks the shard that receives it. Default: `data.guild_id`;
   * events without a guild go to shard 0, as on Discord.
   */
  guildId?: string | null;
  /** Strip content, embeds, attachments, components and poll unless the session has MessageContent. */
  contentGated?: boolean;
}

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  /** Privileged intents switched on for the application; others close the socket with 4014. */
  privilegedIntents: number;
  ready: (
    sessionId: string,
    resumeUrl: string,
    shard: readonly [number, number] | null,
    guildIds: readonly string[],
  ) => GatewayReadyDispatchData;
  /** Every guild the bot is in; each session hears of those of its shard only. */
  guildIds: () => readonly string[];
  guildCreate: (guildId: string, intents: number) => GatewayGuildCreateDispatchData;
}

/** The shard a guild's events go to: `(guild_id >> 22) % shard_count`, as Discord routes them. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** One gateway session as tests see it. */
export interface SessionInfo {
  id: string;
  /** `[shard_id, shard_count]` from IDENTIFY (`[0, 1]` when the bot sent none). */
  shard: readonly [number, number];
  intents: number;
  /** Whether a socket is attached (a dropped session stays resumable). */
  connected: boolean;
  /** Order of IDENTIFY among all sessions (1, 2, ...): the highest of a shard receives its events. */
  identifyOrder: number;
  /** Dispatches sent to this session by event name (READY, GUILD_CREATE, INTERACTION_CREATE, ...). */
  received: Readonly<Record<string, number>>;
}

interface Frame {
  op: number;
  s: number | null;
  t: string | null;
  d: unknown;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  shard: readonly [number, number];
  identifyOrder: number;
  received: Record<string, number>;
  socket: WebSocket | null;
  /** Sent dispatches kept for RESUME replays. */
  sent: Frame[];
}

const MAX_REPLAY = 1000;

const incomingSchema = z.looseObject({ op: z.number().int(), d: z.unknown() });
const identifySchema = z.looseObject({
  token: z.string(),
  intents: z.number().int(),
  shard: z.tuple([z.number().int(), z.number().int()]).nullish(),
});
const resumeSchema = z.looseObject({ token: z.string(), session_id: z.string(), seq: z.number().int().nullable() });

/**
 * The WebSocket side of the double: HELLO, IDENTIFY -> READY + GUILD_CREATE,
 * heartbeats, RESUME with replay, and dispatches filtered by the intents the
 * bot identified with, as Discord does.
 *
 * Shards: IDENTIFY's `shard: [id, count]` decides which guilds a session hears
 * of (READY, GUILD_CREATE and every later event of a guild go to the session of
 * shard `(guild_id >> 22) % count`). When several sessions identified with the
 * same `[id, count]` (a rolling restart, two processes connected at once), only
 * the newest IDENTIFY receives events; the older ones stay connected, heartbeat
 * and get nothing until the newer session is gone (closed by its client with
 * 1000/1001).
 */
export class Gateway extends EventEmitter {
  readonly identifies: IdentifyRecord[] = [];
  readonly dropped: DroppedDispatch[] = [];
  resumes = 0;
  heartbeats = 0;
  readyCount = 0;
  /** Close codes the double sent, for tests that exercise refusals. */
  readonly closeCodes: number[] = [];

  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sessions = new Map<string, Session>();
  readonly #socketSessions = new WeakMap<WebSocket, Session>();
  readonly #closingByServer = new WeakSet<WebSocket>();
  #nextSession = 1;
  #url = '';

  constructor(private readonly options: GatewayOptions) {
    super();
    this.#wss.on('connection', (socket) => this.#onConnection(socket));
  }

  /** The URL advertised in GET /gateway/bot and as resume_gateway_url. */
  get url(): string {
    return this.#url;
  }

  setUrl(url: string): void {
    this.#url = url;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#wss.emit('connection', ws, request));
  }

  /**
   * Sends an event to the session of the event's guild's shard (the newest of that shard, buffered for
   * resume when disconnected), if its intents cover it.
   */
  dispatch(event: string, data: unknown, options: DispatchOptions = {}): void {
    const guildId = options.guildId !== undefined ? options.guildId : guildIdOf(data);
    for (const session of this.#targets(guildId)) {
      if (options.intent !== undefined && (session.intents & options.intent) === 0) {
        this.dropped.push({ event, intent: options.intent });
        continue;
      }
      const d =
        options.contentGated && (session.intents & GatewayIntentBits.MessageContent) === 0 ? redactContent(data) : data;
      this.#send(session, event, d);
    }
  }

  /** Sends GUILD_CREATE for a guild the bot just joined to the session of its shard. */
  guildAvailable(guildId: string): void {
    for (const session of this.#targets(guildId)) {
      this.#send(session, GatewayDispatchEvents.GuildCreate, this.options.guildCreate(guildId, session.intents));
    }
  }

  /** Every session the double remembers (connected, or dropped but resumable), oldest IDENTIFY first. */
  get sessions(): SessionInfo[] {
    return [...this.#sessions.values()].map((s) => ({
      id: s.id,
      shard: s.shard,
      intents: s.intents,
      connected: s.socket !== null,
      identifyOrder: s.identifyOrder,
      received: { ...s.received },
    }));
  }

  /** Closes every socket from the server side; discord.js then resumes (4000) or reconnects. */
  disconnect(code: number = GatewayCloseCodes.UnknownError): void {
    for (const socket of this.#wss.clients) {
      this.#closingByServer.add(socket);
      this.closeCodes.push(code);
      socket.close(code, 'closed by the local Discord');
    }
  }

  /** Asks every client to reconnect and resume (op 7), as Discord does before maintenance. */
  requestReconnect(): void {
    for (const socket of this.#wss.clients) sendOp(socket, GatewayOpcodes.Reconnect, null);
  }

  /** Number of sessions with a connected, identified socket. */
  get connectedSessions(): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (s.socket) n++;
    return n;
  }

  async close(): Promise<void> {
    for (const socket of this.#wss.clients) socket.terminate();
    this.#sessions.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  /**
   * The sessions an event of `guildId` goes to: for each `[id, count]` whose shard owns the guild, the
   * session that identified last. Sessions with different counts are routed independently.
   */
  #targets(guildId: string | null): Session[] {
    const newest = new Map<string, Session>();
    for (const session of this.#sessions.values()) {
      const [id, count] = session.shard;
      const owner = guildId === null ? 0 : shardOf(guildId, count);
      if (owner !== id) continue;
      const key = `${id}/${count}`;
      const current = newest.get(key);
      if (!current || current.identifyOrder < session.identifyOrder) newest.set(key, session);
    }
    return [...newest.values()];
  }

  #send(session: Session, event: string, d: unknown): void {
    session.received[event] = (session.received[event] ?? 0) + 1;
    session.seq += 1;
    const frame: Frame = { op: GatewayOpcodes.Dispatch, s: session.seq, t: event, d };
    session.sent.push(frame);
    if (session.sent.length > MAX_REPLAY) session.sent.shift();
    session.socket?.send(JSON.stringify(frame));
  }

  #onConnection(socket: WebSocket): void {
    sendOp(socket, GatewayOpcodes.Hello, { heartbeat_interval: this.options.heartbeatIntervalMs });
    socket.on('message', (raw) => this.#onMessage(socket, raw));
    socket.on('close', (code) => {
      const session = this.#socketSessions.get(socket);
      if (!session || session.socket !== socket) return;
      session.socket = null;
      // Discord forgets a session closed normally by the client; other closes can resume.
      if (!this.#closingByServer.has(socket) && (code === 1000 || code === 1001)) this.#sessions.delete(session.id);
    });
  }

  #refuse(socket: WebSocket, code: number, reason: string): void {
    this.closeCodes.push(code);
    this.#closingByServer.add(socket);
    socket.close(code, reason);
  }

  #onMessage(socket: WebSocket, raw: RawData): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawToString(raw));
    } catch {
      this.#refuse(socket, GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    const frame = incomingSchema.safeParse(parsed);
    if (!frame.success) {
      this.#refuse(socket, GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    const { op, d } = frame.data;
    switch (op) {
      case GatewayOpcodes.Heartbeat:
        this.heartbeats += 1;
        sendOp(socket, GatewayOpcodes.HeartbeatAck, null);
        return;
      case GatewayOpcodes.Identify:
        this.#identify(socket, d);
        return;
      case GatewayOpcodes.Resume:
        this.#resume(socket, d);
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
        if (!this.#socketSessions.has(socket))
          this.#refuse(socket, GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        return;
      default:
        this.#refuse(socket, GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  #identify(socket: WebSocket, d: unknown): void {
    if (this.#socketSessions.has(socket)) {
      this.#refuse(socket, GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    const identify = identifySchema.safeParse(d);
    if (!identify.success) {
      this.#refuse(socket, GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    const { token, intents, shard } = identify.data;
    if (token.replace(/^Bot /, '') !== this.options.token) {
      this.#refuse(socket, GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const shardPair = shard ? ([shard[0], shard[1]] as const) : null;
    this.identifies.push({ intents, shard: shardPair, at: Date.now() });
    if (shardPair && (shardPair[1] < 1 || shardPair[0] < 0 || shardPair[0] >= shardPair[1])) {
      this.#refuse(socket, GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return;
    }
    if ((intents & PRIVILEGED_INTENTS & ~this.options.privilegedIntents) !== 0) {
      this.#refuse(socket, GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    const order = this.#nextSession++;
    const session: Session = {
      id: `local-session-${order}`,
      seq: 0,
      intents,
      shard: shardPair ?? [0, 1],
      identifyOrder: order,
      received: {},
      socket,
      sent: [],
    };
    this.#sessions.set(session.id, session);
    this.#socketSessions.set(socket, session);
    const [shardId, shardCount] = session.shard;
    const guildIds = this.options.guildIds().filter((id) => shardOf(id, shardCount) === shardId);
    this.#send(session, GatewayDispatchEvents.Ready, this.options.ready(session.id, this.#url, shardPair, guildIds));
    for (const guildId of guildIds) {
      this.#send(session, GatewayDispatchEvents.GuildCreate, this.options.guildCreate(guildId, intents));
    }
    this.readyCount += 1;
    this.emit('ready');
  }

  #resume(socket: WebSocket, d: unknown): void {
    const resume = resumeSchema.safeParse(d);
    const session = resume.success ? this.#sessions.get(resume.data.session_id) : undefined;
    if (
      !resume.success ||
      !session ||
      resume.data.token.replace(/^Bot /, '') !== this.options.token ||
      (resume.data.seq ?? 0) > session.seq
    ) {
      sendOp(socket, GatewayOpcodes.InvalidSession, false);
      return;
    }
    const previous = session.socket;
    if (previous && previous !== socket) {
      this.#closingByServer.add(previous);
      previous.terminate();
    }
    session.socket = socket;
    this.#socketSessions.set(socket, session);
    const from = resume.data.seq ?? 0;
    for (const frame of session.sent) if ((frame.s ?? 0) > from) socket.send(JSON.stringify(frame));
    this.#send(session, GatewayDispatchEvents.Resumed, null);
    this.resumes += 1;
    this.emit('resumed');
  }
}

function guildIdOf(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || !('guild_id' in data)) return null;
  return typeof data.guild_id === 'string' ? data.guild_id : null;
}

/** A non-dispatch frame, shaped like Discord's (t and s null). */
function sendOp(socket: WebSocket, op: GatewayOpcodes, d: unknown): void {
  socket.send(JSON.stringify({ op, d, s: null, t: null }));
}

function rawToString(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  if (raw instanceof ArrayBuffer) return Buffer.from(raw).toString('utf8');
  return raw.toString('utf8');
}

/** What a bot without the MessageContent intent receives for someone else's message. */
function redactContent(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return data;
  return { ...data, content: '', embeds: [], attachments: [], components: [], poll: undefined };
}
