import { pathToFileURL } from 'node:url';
import { destination } from 'pino';
import { parseBaseConfig, readEnvironment } from '../app/config.js';
import { createLogger } from '../core/logger.js';
import type { GuildStore } from '../store/guild-store.js';
import { openStore } from '../store/index.js';
import type { Problem } from '../store/record.js';

/**
 * What the operator does with stored values the bot could not read and set
 * aside (see guild-store.ts), on the store at STORE_URL, as the bot uses it:
 *
 *   npm run store:quarantine -- list
 *   npm run store:quarantine -- show <guildId> <key>
 *   npm run store:quarantine -- discard <guildId> <key>
 */

const USAGE = [
  'Usage:',
  '  npm run store:quarantine -- list                       every value set aside, with its server, time and problem',
  '  npm run store:quarantine -- show <guildId> <key>       the raw value as it was stored',
  '  npm run store:quarantine -- discard <guildId> <key>    delete it, so the record starts again from empty',
].join('\n');

export interface Output {
  /** Results, e.g. the raw value of `show`, so they can be piped to a file. */
  readonly out: (line: string) => void;
  /** Messages to the operator. */
  readonly err: (line: string) => void;
}

function describe(problem: Problem): string {
  const version = problem.storedVersion === undefined ? '' : ` (stored version ${problem.storedVersion})`;
  const issues = problem.issues?.length ? `: ${problem.issues.join('; ')}` : '';
  return `${problem.reason}${version}${issues}`;
}

export type Command =
  | { readonly name: 'list' }
  | { readonly name: 'show' | 'discard'; readonly guildId: string; readonly key: string };

/** The command in the arguments; `undefined` when they are not one. */
export function parseCommand(args: readonly string[]): Command | undefined {
  const [name, guildId, key, ...rest] = args;
  if (name === 'list' && guildId === undefined) return { name };
  if ((name === 'show' || name === 'discard') && guildId && key && rest.length === 0) return { name, guildId, key };
  return undefined;
}

/** Runs one command on an open store; returns the exit code. */
export async function runQuarantineCommand(command: Command, store: GuildStore, { out, err }: Output): Promise<number> {
  if (command.name === 'list') {
    const entries = await store.listQuarantined();
    if (entries.length === 0) {
      err('Nothing is set aside.');
      return 0;
    }
    for (const entry of entries) out(`${entry.guildId}\t${entry.key}\t${entry.at}\t${describe(entry.problem)}`);
    err(`${entries.length} set aside. See one with: npm run store:quarantine -- show <guildId> <key>`);
    return 0;
  }
  const { guildId, key } = command;
  if (command.name === 'show') {
    const entry = await store.readQuarantined(guildId, key);
    if (!entry) {
      err(`Nothing is kept for ${key} of server ${guildId}.`);
      return 1;
    }
    err(`${key} of server ${guildId}, set aside at ${entry.at}: ${describe(entry.problem)}`);
    err(`The record expects version ${entry.recordVersion}. The raw value follows.`);
    out(entry.raw);
    return 0;
  }
  if (!(await store.discardQuarantined(guildId, key))) {
    err(`Nothing is set aside for ${key} of server ${guildId}.`);
    return 1;
  }
  err(`Discarded ${key} of server ${guildId}: the record starts again from empty.`);
  err('A running bot accepts writes to it again from its next attempt.');
  return 0;
}

async function main(args: readonly string[]): Promise<number> {
  const err = (line: string) => console.error(line);
  const command = parseCommand(args);
  if (!command) {
    err(USAGE);
    return 2;
  }
  const parsed = parseBaseConfig(readEnvironment());
  if (!parsed.ok) {
    for (const problem of parsed.problems) err(problem);
    return 1;
  }
  // Logs go to stderr, so that stdout carries only results (a raw value can be piped to a file).
  const logger = createLogger(parsed.config.LOG_LEVEL, destination({ dest: 2, sync: true }));
  let store: GuildStore;
  try {
    store = await openStore(parsed.config.STORE_URL, logger);
  } catch (error) {
    err(error instanceof Error ? error.message : String(error));
    return 1;
  }
  try {
    return await runQuarantineCommand(command, store, { out: (line) => console.log(line), err });
  } finally {
    await store.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await main(process.argv.slice(2));
  // Exit once the output is written: the Redis client's connect timeout would keep the process up for 10 s.
  process.stdout.write('', () => process.exit(code));
}
