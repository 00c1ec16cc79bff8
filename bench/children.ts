import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/**
 * The measured bots run in child processes, as in production: the bot under
 * test is the bundle `npm start` runs (dist/src/bin/main.js) and the floor is
 * `bench/floor-bot.ts`, bundled the same way. The local Discord and the load generator stay in the
 * bench process. On this 2-core machine that gives the bot a core of its own:
 * in one process, the double's payload building, JSON and HTTP work and the
 * generator's timers would share the bot's event loop, so the bot would be
 * charged for the double's work and the schedule would slip whenever the bot
 * is busy. Both bots are started the same way (`node` on an esbuild
 * bundle), so neither pays a cost the other does not.
 */

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Builds the bot as `npm start` does (`npm run build`, esbuild into dist/),
 * with the floor as a second entry point, so both start the same way: plain
 * `node` on a bundle, no TypeScript loader. Returns the build's wall time.
 */
export function buildBots(): number {
  const started = performance.now();
  const result = spawnSync('npm', ['run', '-s', 'build', '--', 'bench/floor-bot.ts'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
  return performance.now() - started;
}

export interface ChildEnv {
  token: string;
  apiUrl: string;
  /** `sqlite://...` for the bot; ignored by the floor. */
  storeUrl?: string;
  /** SHARD_COUNT for the bot (a Redis store then): ready once every shard logged 'ready'. */
  shardCount?: number;
}

let profileDir: string | null = null;

/** `npm run bench -- --profile DIR`: every bot child writes a V8 CPU profile into DIR when it exits. */
export function profileBotsInto(dir: string): void {
  profileDir = dir;
}

export class BenchChild {
  readonly process: ChildProcess;
  readonly startedAt = performance.now();
  /** performance.now() when the 'ready' log line arrived, or null. */
  readyAt: number | null = null;
  /** Log lines at error level or above (pino 50+), the last few kept. */
  readonly errors: string[] = [];
  errorCount = 0;
  #readyLines = 0;
  readonly #shards: number;
  #buffer = '';
  #stderr = '';
  #exited = false;
  readonly #exit: Promise<void>;
  readonly #waiters = new Set<() => void>();

  /** `npm start` itself (npm, the build, then node), in a process group of its own so it stops as one. */
  readonly #viaNpm: boolean;

  constructor(
    readonly kind: 'bot' | 'floor',
    env: ChildEnv,
    options: { readonly viaNpmStart?: boolean } = {},
  ) {
    this.#shards = env.shardCount ?? 1;
    this.#viaNpm = options.viaNpmStart === true && kind === 'bot';
    const script = join(ROOT, 'dist', kind === 'bot' ? 'src/bin/main.js' : 'bench/floor-bot.js');
    const profile = profileDir && kind === 'bot' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const [command, args] = this.#viaNpm
      ? ['npm', ['start']]
      : [process.execPath, [...profile, '--enable-source-maps', script]];
    this.process = spawn(command, args, {
      detached: this.#viaNpm,
      cwd: ROOT,
      // Every setting config.ts reads is given, so a .env in the project cannot change the run.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DISCORD_TOKEN: env.token,
        DISCORD_API_URL: env.apiUrl,
        DISCORD_APPLICATION_ID: '',
        STORE_URL: env.storeUrl ?? '',
        CONTENT_DIR: join(ROOT, 'content'),
        LOG_LEVEL: 'info',
        // Only when set: discord.js's Client (the floor's too) reads an empty SHARD_COUNT as 0 shards.
        ...(env.shardCount === undefined ? {} : { SHARD_COUNT: `${env.shardCount}` }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.#onStdout(chunk));
    this.process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    });
    this.#exit = new Promise((resolve) => {
      this.process.once('close', () => {
        this.#exited = true;
        this.#notify();
        resolve();
      });
    });
  }

  get pid(): number {
    const { pid } = this.process;
    if (pid === undefined) throw new Error(`the ${this.kind} process has no pid`);
    return pid;
  }

  get readyMs(): number {
    if (this.readyAt === null) throw new Error(`the ${this.kind} is not ready`);
    return this.readyAt - this.startedAt;
  }

  /** Resident set size of the child, from /proc (Linux). */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    if (kb === undefined) throw new Error(`no VmRSS for ${this.pid}`);
    return Number(kb) * 1024;
  }

  /** CPU time the child used so far (user + system), from /proc/<pid>/stat (Linux, 100 ticks a second). */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  waitReady(timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`the ${this.kind} was not ready within ${timeoutMs} ms\n${this.#stderr}`));
      }, timeoutMs);
      const check = () => {
        if (this.readyAt !== null) {
          finish();
          resolve();
        } else if (this.#exited) {
          finish();
          reject(new Error(`the ${this.kind} exited before it was ready\n${this.#stderr}`));
        }
      };
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs` (0: SIGKILL at once, unless profiling). */
  async stop(graceMs = 5000): Promise<void> {
    if (this.#exited) return;
    // A killed process writes no profile.
    if (graceMs === 0 && !(profileDir && this.kind === 'bot')) {
      this.#signal('SIGKILL');
    } else {
      this.#signal('SIGTERM');
      const timer = setTimeout(() => this.#signal('SIGKILL'), graceMs || 30_000);
      await this.#exit;
      clearTimeout(timer);
    }
    await this.#exit;
  }

  #signal(signal: NodeJS.Signals): void {
    if (this.#viaNpm) {
      try {
        process.kill(-this.pid, signal);
      } catch {
        // The group is gone already.
      }
    } else {
      this.process.kill(signal);
    }
  }

  #onStdout(chunk: string): void {
    this.#buffer += chunk;
    let newline = this.#buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.#buffer.slice(0, newline);
      this.#buffer = this.#buffer.slice(newline + 1);
      this.#onLine(line);
      newline = this.#buffer.indexOf('\n');
    }
  }

  #onLine(line: string): void {
    // Per-interaction info lines are many: only the ones that matter are parsed.
    if (this.readyAt === null && line.includes('"msg":"ready"')) {
      this.#readyLines += 1;
      if (this.#readyLines < this.#shards) return;
      this.readyAt = performance.now();
      this.#notify();
      return;
    }
    const level = /"level":(\d+)/.exec(line)?.[1];
    if (level !== undefined && Number(level) >= 50) {
      this.errorCount += 1;
      this.errors.push(summarise(line));
      if (this.errors.length > 5) this.errors.shift();
    }
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

export async function startChild(
  kind: 'bot' | 'floor',
  env: ChildEnv,
  timeoutMs = 60_000,
  options: { readonly viaNpmStart?: boolean } = {},
): Promise<BenchChild> {
  const child = new BenchChild(kind, env, options);
  try {
    await child.waitReady(timeoutMs);
  } catch (error) {
    await child.stop(0);
    throw error;
  }
  return child;
}

/** `msg: err.message` of a pino line. */
function summarise(line: string): string {
  try {
    const parsed = JSON.parse(line) as { msg?: unknown; err?: { message?: unknown } };
    return `${String(parsed.msg)}${parsed.err?.message ? `: ${String(parsed.err.message)}` : ''}`;
  } catch {
    return line.slice(0, 200);
  }
}
