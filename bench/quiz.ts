import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalDiscord, LocalUser, MessageView, OptionValue } from '@roundtable/local-discord';

/**
 * Playing quiz rounds as a host and students do, through the local Discord
 * only: commands, buttons by their labels, messages as users see them.
 */

/**
 * Re-checks on a timer rather than on every change of the world, so a wait
 * costs the bench nothing while thousands of interactions are in flight.
 * Null at the timeout.
 */
export async function poll<T>(
  check: () => T | undefined | null | false,
  timeoutMs: number,
  everyMs = 25,
): Promise<T | null> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() >= until) return null;
    await sleep(everyMs);
  }
}

export function title(message: MessageView | undefined): string {
  return message?.embeds[0]?.title ?? '';
}

/** Question `n` of the round in the channel, as posted (open). */
export function questionMessage(discord: LocalDiscord, channelId: string, n: number): MessageView | undefined {
  const heading = new RegExp(`^Question ${n} of \\d+$`);
  return discord.channelMessages(channelId).find((m) => heading.test(title(m)));
}

export function waitForQuestion(
  discord: LocalDiscord,
  channelId: string,
  n: number,
  timeoutMs: number,
): Promise<MessageView | null> {
  return poll(() => questionMessage(discord, channelId, n), timeoutMs);
}

/** The question message once it shows the answer (edited in place, or posted again). */
export function waitForReveal(
  discord: LocalDiscord,
  channelId: string,
  question: MessageView,
  timeoutMs: number,
): Promise<MessageView | null> {
  const n = /^Question (\d+) of/.exec(title(question))?.[1] ?? '';
  const revealed = (m: MessageView | undefined) => (m && /answer/i.test(title(m)) && !m.deleted ? m : undefined);
  return poll(
    () =>
      revealed(discord.message(question.id)) ??
      discord
        .channelMessages(channelId)
        .find((m) => (m.id !== question.id && title(m).startsWith(`Question ${n} of`) ? revealed(m) : undefined)),
    timeoutMs,
    50,
  );
}

/** The custom ids of the answer buttons, in the order shown. */
export function answerIds(question: MessageView): string[] {
  return question.buttons.flatMap((b) => (b.customId && !b.label?.includes('(host)') ? [b.customId] : []));
}

/** A host button by what its label says (Reveal, Next, Final standings). */
export function hostButton(message: MessageView, label: RegExp): string | null {
  return message.buttons.find((b) => b.label?.includes('(host)') && label.test(b.label))?.customId ?? null;
}

export async function startRound(
  discord: LocalDiscord,
  channelId: string,
  options: Record<string, OptionValue>,
  timeoutMs = 10_000,
): Promise<MessageView> {
  await discord.slash('teacher', 'quiz', options, { subcommand: 'start', channelId }).reply(timeoutMs);
  const question = await waitForQuestion(discord, channelId, 1, timeoutMs);
  if (!question) throw new Error(`no first question in ${timeoutMs} ms after /quiz start`);
  return question;
}

export async function stopRound(discord: LocalDiscord, channelId: string): Promise<void> {
  await discord.slash('teacher', 'quiz', {}, { subcommand: 'stop', channelId }).reply(10_000);
}

/** Answers in the CSV of `/quiz report` for the channel's latest round (rows after the header). */
export async function reportedAnswers(discord: LocalDiscord, channelId: string, timeoutMs = 10_000): Promise<number> {
  const reply = await discord.slash('teacher', 'quiz', {}, { subcommand: 'report', channelId }).reply(timeoutMs);
  const csv = reply.attachments.find((a) => a.filename.endsWith('.csv'));
  if (!csv) throw new Error(`/quiz report gave no CSV: ${reply.content}`);
  return csvRecords(csv.data.toString('utf8')) - 1;
}

/** Records in RFC 4180 text (quoted fields may hold line breaks). */
export function csvRecords(text: string): number {
  let records = 0;
  let quoted = false;
  let empty = true;
  for (const char of text.replace(/^\uFEFF/, '')) {
    if (char === '"') quoted = !quoted;
    if (!quoted && char === '\n') {
      if (!empty) records += 1;
      empty = true;
    } else if (char !== '\r') {
      empty = false;
    }
  }
  return empty ? records : records + 1;
}

export function addStudents(discord: LocalDiscord, count: number, prefix: string): LocalUser[] {
  return Array.from({ length: count }, (_, i) => discord.addMember(`${prefix}${i}`));
}
