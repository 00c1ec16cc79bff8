/**
 * The terminal of `npm run play` on any pair of streams: reads lines, acts as
 * the current user on the local Discord, and prints what that user sees.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearLine, createInterface, cursorTo } from 'node:readline';
import type { AttachmentView, InteractionHandle, LocalDiscord, MessageView, ReplyView } from './index.js';
import { renderForTerminal } from './index.js';
import {
  type CompletionContext,
  complete,
  completeWithChoices,
  describeCommand,
  helpText,
  type PlayAction,
  type PlayCommandDefinition,
  parseLine,
} from './play-parse.js';

export interface PlaySessionOptions {
  discord: LocalDiscord;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** A real terminal: line editing, Tab, and redrawing the prompt when the bot posts. */
  terminal?: boolean;
  /** Who you are at first (default teacher). */
  user?: string;
  /** Printed before the first prompt. */
  banner?: string;
  /** Quiet time that ends the wait for the bot's follow-up posts after an action. */
  settleMs?: number;
  /** The longest wait for those posts. */
  maxSettleMs?: number;
  /** Where files the bot sends are saved (default: a new folder in the system's temp folder). */
  filesDir?: string;
}

export interface PlaySession {
  /** Resolves when the input ends or the user quits. */
  readonly closed: Promise<void>;
  /** What Tab offers for a partly typed line, as readline's completer returns it. */
  complete(line: string): Promise<[string[], string]>;
  /** Ends the session as `quit` does. */
  close(): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A `<t:…>` timestamp as the Discord client shows it, roughly. */
function formatTimestamp(ms: number, style: string | undefined, now: number): string {
  if (style === 'R') {
    const seconds = Math.round((ms - now) / 1000);
    const size = Math.abs(seconds);
    const amount =
      size < 90 ? `${size} s` : size < 5400 ? `${Math.round(size / 60)} min` : `${Math.round(size / 3600)} h`;
    return seconds >= 0 ? `in ${amount}` : `${amount} ago`;
  }
  const date = new Date(ms);
  if (style === 't' || style === 'T') return date.toLocaleTimeString('en-GB');
  if (style === 'd' || style === 'D') return date.toLocaleDateString('en-GB');
  return date.toLocaleString('en-GB');
}

export function createPlaySession(options: PlaySessionOptions): PlaySession {
  const { discord, output } = options;
  const { world } = discord;
  const terminal = options.terminal ?? false;
  const settleMs = options.settleMs ?? 250;
  const maxSettleMs = options.maxSettleMs ?? 2000;
  const general = discord.guild.generalChannelId;

  let user = options.user ?? 'teacher';
  let location = general;
  /** The message `press N` clicks. */
  let buttons: MessageView | null = null;
  let poll: MessageView | null = null;
  /** What was last printed of each bot message (ephemeral ones too), to print new ones and changes once. */
  const shown = new Map<string, string>();
  /** Saved attachments: path by attachment id, and the file names taken. */
  const saved = new Map<string, string>();
  const savedNames = new Set<string>();
  let filesDir = options.filesDir;
  let busy = false;
  let finished = false;
  let flushTimer: NodeJS.Timeout | undefined;

  const rl = createInterface({
    input: options.input,
    output,
    terminal,
    historySize: 200,
    completer: (line: string, callback: (error: Error | null, result: [string[], string]) => void) => {
      completeLine(line).then(
        (result) => callback(null, result),
        () => callback(null, [[], line]),
      );
    },
  });

  function write(text: string): void {
    output.write(`${text}\n`);
  }

  function definitions(): PlayCommandDefinition[] {
    const byName = new Map<string, PlayCommandDefinition>();
    for (const command of [...discord.commands('global'), ...discord.commands(discord.guild.id)]) {
      byName.set(command.name, command);
    }
    return [...byName.values()];
  }

  function memberNames(): string[] {
    const members = world.guilds.get(discord.guild.id)?.members ?? new Map<string, unknown>();
    return [...members.keys()].flatMap((id) => {
      const found = world.users.get(id);
      return found && !found.bot ? [found.username] : [];
    });
  }

  function placeName(channelId: string): string {
    const channel = world.channels.get(channelId);
    if (!channel) return channelId;
    return channelId === general || !('parent_id' in channel) || channel.parent_id === null
      ? `#${channel.name}`
      : `thread "${channel.name}"`;
  }

  function prompt(): string {
    if (location === general) return `${user}> `;
    const index = discord.threads(general).findIndex((t) => t.id === location);
    return `${user} in thread ${index + 1}> `;
  }

  /** Mentions as the Discord client shows them, instead of raw ids. */
  function readable(text: string): string {
    const roles = world.guilds.get(discord.guild.id)?.roles ?? [];
    return text
      .replace(/<#(\d+)>/g, (raw, id: string) => {
        const found = world.channels.get(id);
        return found ? `#${found.name}` : raw;
      })
      .replace(/<@&(\d+)>/g, (raw, id: string) => {
        const found = roles.find((r) => r.id === id);
        return found ? `@${found.name}` : raw;
      })
      .replace(/<@!?(\d+)>/g, (raw, id: string) => {
        const found = world.users.get(id);
        return found ? `@${found.username}` : raw;
      })
      .replace(/<t:(-?\d+)(?::([tTdDfFsSR]))?>/g, (_raw, seconds: string, style: string | undefined) =>
        formatTimestamp(Number(seconds) * 1000, style, Date.now()),
      );
  }

  function remember(view: MessageView): void {
    if (view.buttons.length > 0) buttons = view;
    else if (buttons?.id === view.id) buttons = null;
    if (view.poll) poll = view;
  }

  /** Writes a file the bot sent to the files folder once; returns its path, or undefined if that failed. */
  function save(attachment: AttachmentView): string | undefined {
    const known = saved.get(attachment.id);
    if (known) return known;
    try {
      if (!filesDir) filesDir = mkdtempSync(join(tmpdir(), 'roundtable-play-'));
      else mkdirSync(filesDir, { recursive: true });
      const base = attachment.filename.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '') || 'file';
      let name = base;
      for (let n = 2; savedNames.has(name); n += 1) name = `${n}-${base}`;
      const path = join(filesDir, name);
      writeFileSync(path, attachment.data);
      savedNames.add(name);
      saved.set(attachment.id, path);
      return path;
    } catch (error) {
      write(`! could not save ${attachment.filename}: ${errorText(error)}`);
      return undefined;
    }
  }

  function show(view: MessageView | ReplyView, heading?: string): void {
    if (heading) write(`-- ${heading} --`);
    for (const attachment of view.attachments) save(attachment);
    const text = renderForTerminal(view, { savedPath: (a) => saved.get(a.id) });
    write(readable(text) || '(an empty message)');
    if (view.id) shown.set(view.id, renderForTerminal(view));
    remember(view);
  }

  /** The current user's own messages here (ephemeral replies and follow-ups), which the bot may edit later. */
  function ownEphemeral(): MessageView[] {
    const userId = [...world.users.values()].find((u) => u.username === user)?.id;
    const out: MessageView[] = [];
    for (const stored of world.messages.values()) {
      if (stored.visibleTo === null || stored.visibleTo !== userId || stored.deleted) continue;
      if (stored.message.channel_id !== location || !shown.has(stored.message.id)) continue;
      const view = discord.message(stored.message.id);
      if (view && !view.loading) out.push(view);
    }
    return out;
  }

  function unseen(): MessageView[] {
    return [...discord.channelMessages(location), ...ownEphemeral()].filter(
      (view) => shown.get(view.id) !== renderForTerminal(view),
    );
  }

  /** Prints the bot's messages here that are new or changed since last shown; returns how many. */
  function flush(): number {
    const views = unseen();
    for (const view of views) {
      const heading = shown.has(view.id) ? 'message updated' : 'new message';
      show(view, `${heading} in ${placeName(location)}`);
    }
    return views.length;
  }

  /** Waits until the bot has been quiet for a moment, so its posts after a reply are printed with it. */
  async function settle(): Promise<void> {
    const started = Date.now();
    let last = started;
    const onChange = () => {
      last = Date.now();
    };
    world.on('change', onChange);
    try {
      while (Date.now() - last < settleMs && Date.now() - started < maxSettleMs) await sleep(25);
    } finally {
      world.off('change', onChange);
    }
  }

  // Quiz timers and session prompts post while nobody types: print them as they come.
  const onWorldChange = () => {
    if (busy || finished) return;
    clearTimeout(flushTimer);
    flushTimer = setTimeout(() => {
      if (busy || finished || unseen().length === 0) return;
      // Printed above the line being typed, which is redrawn after.
      if (terminal) {
        clearLine(output, 0);
        cursorTo(output, 0);
      }
      flush();
      rl.prompt(terminal);
    }, settleMs);
  };
  world.on('change', onWorldChange);

  function resolveUser(name: string): string {
    const lower = name.toLowerCase();
    const found = memberNames().find((n) => n.toLowerCase() === lower);
    if (found) return found;
    discord.addMember(name);
    write(`${name} joined the server as a new member (no roles).`);
    return name;
  }

  /**
   * Prints the bot's answer, then what else it did meanwhile. A deferred update (callback 6) is
   * complete at the callback, as in Discord: the bot need not edit the clicked message, so nothing is
   * awaited; its new messages and edits are printed as they come.
   */
  async function answer(handle: InteractionHandle, source: MessageView | null): Promise<void> {
    const { type, reply } = await handle.outcome();
    if (reply) {
      const updated = source !== null && reply.id === source.id;
      show(reply, updated ? 'message updated' : undefined);
    }
    await settle();
    // Ephemeral follow-ups of this interaction, which `flush` does not know yet.
    for (const view of handle.changes()) {
      if (view.ephemeral && !view.deleted && !view.loading && !shown.has(view.id) && view.channelId === location) {
        show(view, 'new message');
      }
    }
    const printed = flush();
    if (!reply && printed === 0 && type === 6) write('(the bot took the click; nothing has changed yet)');
  }

  async function act(action: PlayAction): Promise<boolean> {
    switch (action.kind) {
      case 'none':
        return true;
      case 'quit':
        return false;
      case 'error':
        write(action.message);
        if (action.showHelp) write(helpText(definitions()));
        return true;
      case 'help': {
        const wanted = action.command;
        const found = wanted === null ? undefined : definitions().find((d) => d.name === wanted);
        write(found ? describeCommand(found) : helpText(definitions()));
        return true;
      }
      case 'slash': {
        const handle = discord.slash(user, action.name, action.values, { ...action.path, channelId: location });
        await answer(handle, null);
        return true;
      }
      case 'press': {
        const last = buttons ? (discord.message(buttons.id) ?? buttons) : null;
        if (!last || last.deleted) {
          write('There is nothing to press: no message with buttons has been shown yet.');
          return true;
        }
        const button = last.buttons[action.button - 1];
        if (!button) {
          write(`There is no button ${action.button}: the last message has buttons 1 to ${last.buttons.length}.`);
        } else if (button.url) write(`[${action.button}] is a link to ${button.url}`);
        else if (button.disabled || !button.customId) write(`[${action.button}] is disabled.`);
        else await answer(discord.click(user, last, button.customId), last);
        return true;
      }
      case 'vote': {
        const last = poll ? (discord.message(poll.id) ?? poll) : null;
        if (!last?.poll) {
          write('There is no poll to vote in yet.');
          return true;
        }
        if (!last.poll.answers.some((a) => a.id === action.answer)) {
          write(`The poll has answers 1 to ${last.poll.answers.length}.`);
          return true;
        }
        discord.pollVote(user, last, action.answer);
        write(`${user} voted for ${action.answer}.`);
        await settle();
        flush();
        return true;
      }
      case 'as':
        user = resolveUser(action.user);
        // Their private messages the bot edited meanwhile (a result at the reveal, say).
        flush();
        return true;
      case 'say':
        discord.postUserMessage(user, location, action.text);
        await settle();
        flush();
        return true;
      case 'threads': {
        const threads = discord.threads(general);
        write(
          threads.length === 0
            ? 'There are no threads yet.'
            : threads.map((t, i) => `  ${i + 1}) ${t.name}`).join('\n'),
        );
        return true;
      }
      case 'thread': {
        const thread = discord.threads(general)[action.index - 1];
        if (!thread) {
          write('There is no such thread; "threads" lists them.');
          return true;
        }
        location = thread.id;
        write(`You are in ${placeName(location)}.`);
        flush();
        return true;
      }
      case 'channel':
        location = general;
        write(`You are in ${placeName(location)}.`);
        return true;
      case 'messages': {
        const here = discord.channelMessages(location, { includeUsers: true });
        if (here.length === 0) write(`No messages in ${placeName(location)} yet.`);
        for (const view of here) {
          if (view.fromBot) show(view, `${placeName(location)}`);
          else write(`${world.users.get(view.authorId)?.username ?? view.authorId}: ${view.content}`);
        }
        return true;
      }
    }
  }

  async function completeLine(line: string): Promise<[string[], string]> {
    const context: CompletionContext = {
      definitions: definitions(),
      users: memberNames(),
      buttons: buttons ? (discord.message(buttons.id) ?? buttons).buttons.length : 0,
      threads: discord.threads(general).length,
    };
    const completion = complete(line, context);
    if (completion.kind === 'list') return [completion.candidates, completion.token];
    const { request } = completion;
    const choices = await discord.autocomplete(user, request.name, {
      ...request.path,
      channelId: location,
      focused: request.focused,
      value: request.value,
      options: request.values,
    });
    return [
      completeWithChoices(
        completion,
        choices.map((c) => String(c.value)),
      ),
      completion.token,
    ];
  }

  function finish(): void {
    finished = true;
    clearTimeout(flushTimer);
    world.off('change', onWorldChange);
  }

  async function run(): Promise<void> {
    if (options.banner) write(options.banner);
    // Ctrl+C clears what is typed, as in a shell; on an empty line it quits.
    rl.on('SIGINT', () => {
      if (rl.line === '') rl.close();
      else rl.write('', { ctrl: true, name: 'u' });
    });
    rl.setPrompt(prompt());
    rl.prompt();
    try {
      for await (const line of rl) {
        // Piped input is not echoed by readline; without it a transcript reads as answers only.
        if (!terminal) write(line);
        busy = true;
        let goOn = true;
        try {
          goOn = await act(parseLine(line, definitions()));
        } catch (error) {
          // The double refuses what a Discord client would not send; say why, keep going.
          write(`! ${errorText(error)}`);
        } finally {
          busy = false;
        }
        // What the bot did between the last print and now is printed by the watcher.
        onWorldChange();
        if (!goOn) break;
        rl.setPrompt(prompt());
        rl.prompt();
      }
    } finally {
      finish();
      rl.close();
      // After Ctrl+D the cursor is still on the prompt line.
      if (terminal) write('');
    }
  }

  const closed = run();
  return {
    closed,
    complete: completeLine,
    close: () => rl.close(),
  };
}
