import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The real entry points (`src/bin/main.ts`, `src/bin/deploy.ts`) run as child
 * processes, the way `npm start` and `npm run deploy` run them, with an
 * explicit environment: nothing of the test runner's environment (and so no
 * real DISCORD_TOKEN) reaches the child.
 */

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CONTENT_DIR = join(PROJECT_ROOT, 'content');

/** `node --import tsx` with tsx resolved from the project, so the child's cwd can be any folder. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Every setting config.ts reads, blank (which it treats as unset). Starting
 * from these keeps a `.env` in the child's cwd from filling in anything the
 * test did not choose, since `.env` never overrides a variable that is set.
 */
export const BLANK_SETTINGS = {
  DISCORD_TOKEN: '',
  DISCORD_APPLICATION_ID: '',
  DISCORD_API_URL: '',
  STORE_URL: '',
  CONTENT_DIR: '',
  LOG_LEVEL: '',
  SHARD_COUNT: '',
  SHARDS: '',
} as const;

/** The environment of a bot process against a local Discord, with nothing else set. */
export function botEnv(discord: { token: string; apiUrl: string }, storeUrl: string): Record<string, string> {
  return {
    ...BLANK_SETTINGS,
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    STORE_URL: storeUrl,
    CONTENT_DIR,
    LOG_LEVEL: 'info',
  };
}

export interface ChildOptions {
  /** The child's whole environment besides PATH. */
  env: Record<string, string>;
  cwd?: string;
  args?: readonly string[];
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One pino line of the child's stdout. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const running = new Set<ChildBot>();

export class ChildBot {
  readonly process: ChildProcess;
  readonly exited: Promise<Exit>;
  stdout = '';
  stderr = '';
  #exit: Exit | null = null;
  readonly #waiters = new Set<() => void>();

  constructor(entry: 'main' | 'deploy', options: ChildOptions) {
    const script = join(PROJECT_ROOT, 'src', 'bin', `${entry}.ts`);
    this.process = spawn(process.execPath, ['--import', TSX_LOADER, script, ...(options.args ?? [])], {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.#notify();
    });
    this.process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.#notify();
    });
    running.add(this);
    this.exited = new Promise<Exit>((resolve) => {
      // 'close' rather than 'exit': by then stdout and stderr are fully read.
      this.process.once('close', (code, signal) => {
        running.delete(this);
        this.#exit = { code, signal };
        this.#notify();
        resolve(this.#exit);
      });
    });
  }

  /** Everything the operator would see in the terminal. */
  get output(): string {
    return this.stdout + this.stderr;
  }

  /** The JSON log lines of stdout, in order. */
  get logs(): LogLine[] {
    return this.stdout.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        const parsed: unknown = JSON.parse(line);
        return isLogLine(parsed) ? [parsed] : [];
      } catch {
        return [];
      }
    });
  }

  /** Resolves with the first log line with this `msg` (and matching `where`); rejects if the child exits first. */
  waitForLog(msg: string, where: (line: LogLine) => boolean = () => true, timeoutMs = 20_000): Promise<LogLine> {
    return this.#waitFor(() => this.logs.find((line) => line.msg === msg && where(line)), timeoutMs, `log "${msg}"`);
  }

  /** Resolves once the terminal output contains `text`; rejects if the child exits first. */
  waitForOutput(text: string, timeoutMs = 20_000): Promise<true> {
    return this.#waitFor(() => (this.output.includes(text) ? true : undefined), timeoutMs, `output "${text}"`);
  }

  /** Resolves when the child has exited; kills it and rejects after `timeoutMs`. */
  async waitForExit(timeoutMs = 20_000): Promise<Exit> {
    try {
      return await this.#waitFor(() => this.#exit ?? undefined, timeoutMs, 'the process to exit');
    } catch (error) {
      this.process.kill('SIGKILL');
      throw error;
    }
  }

  /** Sends a signal and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<Exit> {
    if (!this.#exit) this.process.kill(signal);
    return this.waitForExit(timeoutMs);
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(attempt);
      };
      const attempt = () => {
        const value = check();
        if (value !== undefined) {
          finish();
          resolve(value);
        } else if (this.#exit) {
          finish();
          reject(new Error(`the child exited (${describeExit(this.#exit)}) before ${what}\n${this.output}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.output}`));
      }, timeoutMs);
      this.#waiters.add(attempt);
      attempt();
    });
  }
}

/** Starts `src/<entry>.ts` in a child process. */
export function startChild(entry: 'main' | 'deploy', options: ChildOptions): ChildBot {
  return new ChildBot(entry, options);
}

/** Runs `src/<entry>.ts` to its end; for start-ups expected to fail and for the deploy script. */
export async function runChild(
  entry: 'main' | 'deploy',
  options: ChildOptions,
  timeoutMs = 20_000,
): Promise<Exit & { stdout: string; stderr: string; output: string }> {
  const child = startChild(entry, options);
  const exit = await child.waitForExit(timeoutMs);
  return { ...exit, stdout: child.stdout, stderr: child.stderr, output: child.output };
}

/** Kills whatever children are still running, so none outlives its test. */
export async function killChildren(): Promise<void> {
  const left = [...running];
  for (const child of left) child.process.kill('SIGKILL');
  await Promise.all(left.map((child) => child.exited));
}

function describeExit(exit: Exit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

function isLogLine(value: unknown): value is LogLine {
  return (
    typeof value === 'object' &&
    value !== null &&
    'msg' in value &&
    typeof value.msg === 'string' &&
    'level' in value &&
    typeof value.level === 'number'
  );
}

/** Responses a proxy keeps back until `release()`. */
export interface HeldResponses {
  /** Resolves when the first matching response is being held. */
  readonly reached: Promise<void>;
  release(): void;
}

/**
 * A pass-through proxy in front of the local Discord's REST API that can hold
 * back chosen responses, to catch the bot in the middle of an interaction.
 */
export interface RestProxy {
  readonly apiUrl: string;
  hold(path: RegExp): HeldResponses;
  close(): Promise<void>;
}

export async function startRestProxy(targetApiUrl: string): Promise<RestProxy> {
  const target = new URL(targetApiUrl);
  let holding: { path: RegExp; queue: (() => void)[]; reach: () => void } | null = null;
  const server = createServer((req, res) => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const send = () => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        };
        if (holding?.path.test(req.url ?? '')) {
          holding.queue.push(send);
          holding.reach();
        } else send();
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy is not listening on TCP');
  const { port } = address;
  return {
    apiUrl: `http://127.0.0.1:${port}${target.pathname}`,
    hold(path) {
      let reach = () => {};
      const reached = new Promise<void>((resolve) => {
        reach = resolve;
      });
      const current = { path, queue: [] as (() => void)[], reach };
      holding = current;
      return {
        reached,
        release() {
          if (holding === current) holding = null;
          for (const send of current.queue.splice(0)) send();
        },
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
