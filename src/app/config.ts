import { existsSync } from 'node:fs';
import { z } from 'zod';

/** The only module that reads process.env: everything else gets a Config. */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const Fields = z.object({
  DISCORD_TOKEN: z
    .string({ error: 'is not set' })
    .trim()
    .min(1, { error: 'is empty', abort: true })
    .regex(/^\S+$/, 'must be a bot token without spaces (copy it from the Bot page of your application)'),
  DISCORD_APPLICATION_ID: z
    .string()
    .regex(/^\d{17,20}$/, 'must be the numeric application id')
    .optional(),
  DISCORD_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://discord.com/api' })
    .default('https://discord.com/api')
    .transform((url) => url.replace(/\/+$/, '')),
  STORE_URL: z
    .string()
    .regex(/^(sqlite|redis|rediss):\/\/.+/, 'must look like sqlite://data/roundtable.sqlite or redis://host:6379')
    .default('sqlite://data/roundtable.sqlite'),
  CONTENT_DIR: z.string().min(1).default('content'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  /** `auto` (Discord's recommendation) or a number; more than one runs discord.js's ShardingManager. */
  SHARD_COUNT: z
    .string()
    .regex(/^(auto|[1-9]\d*)$/, 'must be auto or a whole number of shards such as 2')
    .transform((value): number | 'auto' => (value === 'auto' ? 'auto' : Number(value)))
    .default(1),
  /** Set by the ShardingManager in each shard's process (its shard id), never by hand. */
  SHARDS: z
    .string()
    .regex(/^\d+$/, 'is set by the shard manager to one shard id; leave it unset')
    .transform(Number)
    .optional(),
});

const EnvSchema = Fields.superRefine((env, context) => {
  const sharded = env.SHARD_COUNT === 'auto' || env.SHARD_COUNT > 1;
  if (sharded && !/^rediss?:/.test(env.STORE_URL)) {
    context.addIssue({
      code: 'custom',
      path: ['SHARD_COUNT'],
      message:
        'needs a Redis store: every shard shares it, and a SQLite file cannot be shared safely; set STORE_URL=redis://host:6379 (see "Running at scale" in README.md)',
    });
  }
  if (env.SHARDS !== undefined && (env.SHARD_COUNT === 'auto' || env.SHARDS >= env.SHARD_COUNT)) {
    context.addIssue({
      code: 'custom',
      path: ['SHARDS'],
      message: 'must be a shard id below a numeric SHARD_COUNT (both are set by the shard manager)',
    });
  }
});

export type Config = z.infer<typeof EnvSchema>;

/** Which shards this process runs: all of them in one process, a manager of child processes, or one child. */
export type ShardRole =
  | { readonly kind: 'single' }
  | { readonly kind: 'manager'; readonly count: number | 'auto' }
  | { readonly kind: 'shard'; readonly id: number; readonly count: number };

export function shardRole(config: Pick<Config, 'SHARD_COUNT' | 'SHARDS'>): ShardRole {
  const count = config.SHARD_COUNT;
  // parseConfig has checked that a child's count is a number above its id.
  if (config.SHARDS !== undefined && count !== 'auto') return { kind: 'shard', id: config.SHARDS, count };
  return count === 'auto' || count > 1 ? { kind: 'manager', count } : { kind: 'single' };
}

/**
 * discord.js's Client reads SHARDS and SHARD_COUNT from the environment when its
 * options leave them at their defaults (`SHARD_COUNT=auto` would become NaN
 * shards there): the one-process path hides them, so the client runs what this
 * config decided and nothing else.
 */
export function hideShardingFromClient(): void {
  delete process.env.SHARDS;
  delete process.env.SHARD_COUNT;
}

/** Settings that do not need a token (content check, play, deploy dry runs). */
const BaseEnvSchema = Fields.omit({ DISCORD_TOKEN: true, SHARD_COUNT: true, SHARDS: true });
export type BaseConfig = z.infer<typeof BaseEnvSchema>;

export type ConfigResult<T> = { ok: true; config: T } | { ok: false; problems: string[] };

type Env = Readonly<Record<string, string | undefined>>;

function toResult<T>(parsed: z.ZodSafeParseResult<T>): ConfigResult<T> {
  if (parsed.success) return { ok: true, config: parsed.data };
  // Never echo the received value: it may be a token.
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`);
  return { ok: false, problems };
}

function withoutBlanks(env: Env): Env {
  // An empty line such as `DISCORD_APPLICATION_ID=` in .env means "not set".
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
}

export function parseConfig(env: Env): ConfigResult<Config> {
  const cleaned = withoutBlanks(env);
  // An empty token must still be reported as empty, not as missing.
  return toResult(EnvSchema.safeParse({ ...cleaned, DISCORD_TOKEN: env.DISCORD_TOKEN }));
}

export function parseBaseConfig(env: Env): ConfigResult<BaseConfig> {
  return toResult(BaseEnvSchema.safeParse(withoutBlanks(env)));
}

/** Reads `.env` from the working directory when present, then the environment. */
export function readEnvironment(): Env {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}
