import { existsSync } from 'node:fs';
import { z } from 'zod';

/** The only module that reads process.env: everything else gets a Config. */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const EnvSchema = z.object({
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
});

export type Config = z.infer<typeof EnvSchema>;

/** Settings that do not need a token (content check, play, deploy dry runs). */
const BaseEnvSchema = EnvSchema.omit({ DISCORD_TOKEN: true });
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
