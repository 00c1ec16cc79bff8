import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { complete, type PlayAction, parseLine, tokenize } from '@roundtable/local-discord/play-parse';
import { createPlaySession, type PlaySession } from '@roundtable/local-discord/play-session';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { commands } from '../commands/index.js';
import { loadCatalogue } from '../src/content/load.js';
import type { Pack } from '../src/content/schema.js';
import { type Harness, startHarness } from './support/bot-harness.js';

/** `npm run play`: the parser alone, the session on streams, and the real script as a child process. */

const definitions = commands.map((c) => c.data);
const PROMPT = /[\w.-]+(?: in thread \d+)?> $/;

let pack: Pack;

beforeAll(async () => {
  const loaded = await loadCatalogue('content');
  if (!loaded.ok) throw new Error('content has errors');
  const first = loaded.catalogue.packs[0];
  if (!first) throw new Error('no pack');
  pack = first;
});

/** Reads everything a stream prints and waits for text in what came after a mark. */
function transcript() {
  let text = '';
  return {
    append(chunk: string) {
      text += chunk;
    },
    get text() {
      return text;
    },
    async until(from: number, done: (since: string) => boolean, what: string, timeoutMs = 8000): Promise<string> {
      const started = Date.now();
      while (!done(text.slice(from))) {
        if (Date.now() - started > timeoutMs) {
          throw new Error(`timed out waiting for ${what}; got:\n${text.slice(from)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return text.slice(from);
    },
  };
}

/** The number play prints for the last button labelled `label` in `text`, as in "[3] Next question (host)". */
function buttonNumber(text: string, label: string): number {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = [...text.matchAll(new RegExp(`\\[(\\d+)\\] ${escaped}`, 'g'))].at(-1)?.[1];
  if (!found) throw new Error(`no button "${label}" in:\n${text}`);
  return Number(found);
}

/** Writes a line and resolves with what was printed once `expected` and the next prompt are there. */
function sender(write: (line: string) => void, out: ReturnType<typeof transcript>) {
  return async (line: string, expected = ''): Promise<string> => {
    const from = out.text.length;
    write(`${line}\n`);
    return out.until(from, (since) => since.includes(expected) && PROMPT.test(since), `"${expected}" after ${line}`);
  };
}

describe('parseLine', () => {
  test.each<[string, PlayAction]>([
    ['', { kind: 'none' }],
    ['/summary length:brief', { kind: 'slash', name: 'summary', path: {}, values: { length: 'brief' } }],
    [
      '/summary length:Brief private:yes',
      { kind: 'slash', name: 'summary', path: {}, values: { length: 'brief', private: true } },
    ],
    [
      '/claims show claim:"two words" ',
      { kind: 'slash', name: 'claims', path: { subcommand: 'show' }, values: { claim: 'two words' } },
    ],
    [
      '/quiz start questions:3 scoring:"Simple (1 point each)" auto:false',
      {
        kind: 'slash',
        name: 'quiz',
        path: { subcommand: 'start' },
        values: { questions: 3, scoring: 'simple', auto: false },
      },
    ],
    ['press 2', { kind: 'press', button: 2 }],
    ['as student2', { kind: 'as', user: 'student2' }],
    ['say I  disagree', { kind: 'say', text: 'I  disagree' }],
    ['thread 1', { kind: 'thread', index: 1 }],
    ['help /quiz', { kind: 'help', command: 'quiz' }],
    ['exit', { kind: 'quit' }],
  ])('GIVEN %j THEN %j', (line, expected) => {
    expect(parseLine(line, definitions)).toEqual(expected);
  });

  test.each([
    ['/nosuch', 'There is no command /nosuch. Commands: /article, /summary'],
    ['/claims', '/claims needs a subcommand: list, show.'],
    ['/claims lists', '/claims has no subcommand "lists": list, show.'],
    ['/claims show', '/claims show needs claim:<text, Tab suggests> (required).'],
    ['/summary len:brief', '/summary has no option "len". Options of /summary: length:brief|standard|detailed'],
    ['/summary brief', '"brief" is not name:value.'],
    ['/summary length:huge', '/summary length takes one of length:brief|standard|detailed'],
    ['/quiz start questions:two', '/quiz start questions takes a whole number.'],
    ['/quiz start questions:999', '/quiz start questions takes a number from'],
    ['/summary private:maybe', '/summary private takes true or false.'],
    ['press', 'press takes a number, as in "press 2".'],
    ['hello there', 'Unknown command "hello". Slash commands start with /'],
  ])('GIVEN %j THEN the error starts with %j', (line, message) => {
    const action = parseLine(line, definitions);
    expect(action.kind).toBe('error');
    expect(action.kind === 'error' ? action.message : '').toContain(message);
  });

  test('GIVEN quotes and escapes THEN tokens keep spaces and quotes inside values', () => {
    expect(tokenize('a "b c" d:"e \\" f"').tokens.map((t) => t.text)).toEqual(['a', 'b c', 'd:e " f']);
  });
});

describe('complete', () => {
  const context = { definitions, users: ['teacher', 'student1', 'student2'], buttons: 2, threads: 0 };
  test.each<[string, string[], string]>([
    ['/su', ['/summary '], '/su'],
    ['/claims ', ['list', 'show'], ''],
    ['/claims show ', ['claim:', 'article:', 'private:'], ''],
    ['/summary length:brief p', ['private:'], 'p'],
    ['/summary length:b', ['length:brief '], 'length:b'],
    ['/summary private:', ['private:true', 'private:false'], 'private:'],
    ['as stu', ['student1', 'student2'], 'stu'],
    ['press ', ['1', '2'], ''],
    ['pre', ['press '], 'pre'],
  ])('GIVEN %j THEN %j', (line, candidates, token) => {
    expect(complete(line, context)).toEqual({ kind: 'list', token, candidates });
  });

  test('GIVEN an autocomplete option THEN the bot is asked, with the options typed so far', () => {
    expect(complete('/claims show private:true claim:nuc', context)).toEqual({
      kind: 'autocomplete',
      token: 'claim:nuc',
      prefix: 'claim:',
      request: {
        name: 'claims',
        path: { subcommand: 'show' },
        focused: 'claim',
        value: 'nuc',
        values: { private: true },
      },
    });
  });
});

describe('a play session on streams', () => {
  let h: Harness;
  let session: PlaySession;
  let input: PassThrough;
  const out = transcript();
  let send: (line: string, expected?: string) => Promise<string>;
  let filesDir: string;

  beforeAll(async () => {
    h = await startHarness();
    filesDir = join(h.dir, 'files');
    input = new PassThrough();
    const output = new PassThrough();
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => out.append(chunk));
    session = createPlaySession({ discord: h.discord, input, output, settleMs: 100, banner: 'hello', filesDir });
    send = sender((line) => input.write(line), out);
    await out.until(0, (since) => since.includes('teacher> '), 'the first prompt');
  });

  afterAll(async () => {
    session?.close();
    await session?.closed;
    await h?.close();
  });

  test('GIVEN Tab in an autocomplete option THEN the values come from the bot', async () => {
    const claim = pack.claims.find((c) => c.claim.toLowerCase().includes('nuclear'));
    if (!claim) throw new Error('no claim about nuclear');
    const [candidates, token] = await session.complete('/claims show claim:nuclear');
    expect(token).toBe('claim:nuclear');
    expect(candidates.map((c) => c.trim())).toContain(`claim:${claim.id}`);
  });

  test('GIVEN a quiz round THEN its question is printed, students answer with press, the host reveals', async () => {
    const started = await send('/quiz start questions:1 seconds:0', 'QUESTION 1 OF 1');
    expect(started).toContain('-- new message in #general --');
    const reveal = /\[(\d+)\] Reveal \(host\)/.exec(started)?.[1];
    expect(reveal).toBeDefined();
    expect(await send('as student1', 'student1> ')).not.toContain('joined');
    expect(await send('press 1', 'Answer received')).toContain('(only you can see this)');
    expect(await send(`press ${reveal}`, 'Only the host')).toContain('(only you can see this)');
    await send('as teacher');
    const revealed = await send(`press ${reveal}`, 'THE ANSWER');
    expect(revealed).toContain('1 answered');
    await send('/quiz stop', 'FINAL STANDINGS');
  });

  test('GIVEN a host presses Next, Final standings and End round THEN what follows shows at once, with no timeout', async () => {
    const noError = (text: string) => {
      expect(text).not.toContain('timed out');
      expect(text).not.toMatch(/^! /m);
    };
    const started = await send('/quiz start questions:2 seconds:0', 'QUESTION 1 OF 2');
    await send('as student1');
    await send('press 1', 'Answer received');
    await send('as teacher');
    const revealed = await send(`press ${buttonNumber(started, 'Reveal (host)')}`, 'THE ANSWER');

    // Next is a deferred update that need not edit the clicked message: the terminal must not wait for one.
    const clicked = Date.now();
    const next = await send(`press ${buttonNumber(revealed, 'Next question (host)')}`, 'QUESTION 2 OF 2');
    expect(Date.now() - clicked).toBeLessThan(h.discord.timeoutMs);
    expect(next).toContain('-- new message in #general --');
    noError(next);
    const last = await send(`press ${buttonNumber(next, 'Reveal (host)')}`, 'THE ANSWER');
    const standings = await send(`press ${buttonNumber(last, 'Final standings (host)')}`, 'FINAL STANDINGS');
    noError(standings);

    const again = await send('/quiz start questions:1 seconds:0', 'QUESTION 1 OF 1');
    await send('as student1');
    await send('press 2', 'Answer received');
    await send('as teacher');
    const ended = await send(`press ${buttonNumber(again, 'End round (host)')}`, 'FINAL STANDINGS');
    noError(ended);
    expect(h.discord.violations).toEqual([]);
  });

  test('GIVEN a report THEN play names the file, shows its first rows and saves it', async () => {
    const printed = await send('/quiz report', '[file] ');
    const file = /\[file\] (\S+) \((\d+) bytes, (\d+) lines?\)\n {2}saved to (.+)\n/.exec(printed);
    expect(file, printed).not.toBeNull();
    const [, name = '', size = '', , path = ''] = file ?? [];
    expect(name).toMatch(/\.csv$/);
    expect(path).toBe(join(filesDir, name));
    const saved = await readFile(path);
    expect(saved.length).toBe(Number(size));
    const header =
      saved
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)[0] ?? '';
    expect(header).not.toBe('');
    expect(printed).toContain(`  | ${header.slice(0, 100)}`);
    expect((await readdir(filesDir)).length).toBeGreaterThan(0);
  });

  test('GIVEN a session THEN threads are listed and entered, and messages there are counted', async () => {
    await send('/session start prompts:1', '[thread] Prompt 1:');
    expect(await send('threads', '1) Prompt 1:')).not.toContain('no threads');
    expect(await send('thread 1', 'teacher in thread 1> ')).toContain('You are in thread');
    await send('as student3');
    await send('say I doubt the logistics part');
    await send('channel', 'student3> ');
    await send('as teacher');
    const ended = await send('/session end', 'SESSION RECAP');
    expect(ended).toContain('1 reply from 1 person');
  });

  test('GIVEN a new name THEN a member joins and acts; wrong input gets help, not a crash', async () => {
    expect(await send('as visitor', 'visitor> ')).toContain('visitor joined the server');
    expect(await send('/glossary', 'terms')).not.toMatch(/^! /m);
    expect(await send('press 99', 'There is no button 99')).toBeTruthy();
    expect(await send('/summary length:huge', 'takes one of length:brief|standard|detailed')).toBeTruthy();
    expect(await send('help /claims', '/claims show: ')).toContain('claim:<text, Tab suggests> (required)');
    expect(h.discord.violations).toEqual([]);
  });
});

describe.concurrent('npm run play', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roundtable-play-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('GIVEN typed lines THEN the replies, page turns, user switches and help are printed, and quit exits 0', async () => {
    const child: ChildProcessWithoutNullStreams = spawn('npm', ['run', '--silent', 'play'], {
      env: { ...process.env, STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`, CONTENT_DIR: 'content' },
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const out = transcript();
      let errors = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => out.append(chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        errors += chunk;
      });
      const send = sender((line) => child.stdin.write(line), out);
      await out.until(0, (since) => since.includes('teacher> '), 'the first prompt', 15_000);

      const summary = await send('/summary length:brief', `Brief summary: ${pack.article.shortTitle}`.toUpperCase());
      expect(summary).not.toContain('(only you can see this)');
      expect(await send('/article', '[2] Next ▶')).toContain('Page 1 of');
      expect(await send('press 2', 'Page 2 of')).toContain('-- message updated --');
      expect(await send('as student2', 'student2> ')).not.toContain('joined');
      const help = await send('what now', 'Unknown command "what"');
      expect(help).toContain('press 2');
      expect(help).toContain('Commands: /article /summary');

      child.stdin.write('quit\n');
      expect(await exited).toBe(0);
      expect(errors).not.toContain('"level"');
    } finally {
      child.kill();
    }
  });

  test('GIVEN a content folder with errors THEN the same file:line messages as npm start, and exit 1', async () => {
    const failure = await promisify(execFile)(join('node_modules', '.bin', 'tsx'), ['src/bin/play.ts'], {
      env: { ...process.env, CONTENT_DIR: 'no-such-content' },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no-such-content:1:1 (root): content folder not found'),
    });
  });
});
