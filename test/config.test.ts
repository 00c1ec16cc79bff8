import { describe, expect, test } from 'vitest';
import { parseBaseConfig, parseConfig, shardRole } from '../src/app/config.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.secret-part_XYZ';

function problemsOf(result: ReturnType<typeof parseConfig> | ReturnType<typeof parseBaseConfig>): string[] {
  return result.ok ? [] : result.problems;
}

describe('parseConfig', () => {
  test('GIVEN only a token THEN every other setting takes its default', () => {
    expect(parseConfig({ DISCORD_TOKEN: TOKEN })).toEqual({
      ok: true,
      config: {
        DISCORD_TOKEN: TOKEN,
        DISCORD_API_URL: 'https://discord.com/api',
        STORE_URL: 'sqlite://data/roundtable.sqlite',
        CONTENT_DIR: 'content',
        LOG_LEVEL: 'info',
        SHARD_COUNT: 1,
      },
    });
  });

  test('GIVEN every setting THEN each is read as given', () => {
    const result = parseConfig({
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_URL: 'http://127.0.0.1:8080/api',
      STORE_URL: 'redis://cache:6379',
      CONTENT_DIR: 'packs',
      LOG_LEVEL: 'debug',
      SHARD_COUNT: '4',
      UNRELATED: 'ignored',
    });
    expect(result).toEqual({
      ok: true,
      config: {
        DISCORD_TOKEN: TOKEN,
        DISCORD_APPLICATION_ID: '123456789012345678',
        DISCORD_API_URL: 'http://127.0.0.1:8080/api',
        STORE_URL: 'redis://cache:6379',
        CONTENT_DIR: 'packs',
        LOG_LEVEL: 'debug',
        SHARD_COUNT: 4,
      },
    });
  });

  test.each([
    ['no token at all', {}, ['DISCORD_TOKEN is not set']],
    ['an empty token', { DISCORD_TOKEN: '' }, ['DISCORD_TOKEN is empty']],
    ['a token of spaces only', { DISCORD_TOKEN: '   ' }, ['DISCORD_TOKEN is empty']],
    [
      'a token with a space inside',
      { DISCORD_TOKEN: 'Bot abc.def' },
      ['DISCORD_TOKEN must be a bot token without spaces (copy it from the Bot page of your application)'],
    ],
  ])('GIVEN %s THEN the one problem says what is wrong with the token', (_, env, problems) => {
    expect(parseConfig(env)).toEqual({ ok: false, problems });
  });

  test('GIVEN a token pasted with surrounding spaces or a newline THEN it is trimmed', () => {
    const result = parseConfig({ DISCORD_TOKEN: `  ${TOKEN}\n` });
    expect(result.ok && result.config.DISCORD_TOKEN).toBe(TOKEN);
  });

  test.each([
    ['DISCORD_API_URL', 'https://discord.com/api'],
    ['STORE_URL', 'sqlite://data/roundtable.sqlite'],
    ['CONTENT_DIR', 'content'],
    ['LOG_LEVEL', 'info'],
  ] as const)('GIVEN %s= (blank line in .env) THEN the default %s is used', (key, fallback) => {
    const result = parseConfig({ DISCORD_TOKEN: TOKEN, [key]: '' });
    expect(result.ok && result.config[key]).toBe(fallback);
  });

  test('GIVEN DISCORD_APPLICATION_ID= (blank) THEN it is unset rather than malformed', () => {
    const result = parseConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: '' });
    expect(result.ok).toBe(true);
    expect(result.ok && 'DISCORD_APPLICATION_ID' in result.config).toBe(false);
  });

  test.each([
    ['https://discord.com/api/', 'https://discord.com/api'],
    ['http://localhost:3000/api//', 'http://localhost:3000/api'],
    ['http://localhost:3000', 'http://localhost:3000'],
  ])('GIVEN DISCORD_API_URL=%s THEN trailing slashes are dropped: %s', (url, expected) => {
    const result = parseConfig({ DISCORD_TOKEN: TOKEN, DISCORD_API_URL: url });
    expect(result.ok && result.config.DISCORD_API_URL).toBe(expected);
  });

  test.each([
    ['DISCORD_APPLICATION_ID', 'my-bot', 'DISCORD_APPLICATION_ID must be the numeric application id'],
    ['DISCORD_APPLICATION_ID', '1234', 'DISCORD_APPLICATION_ID must be the numeric application id'],
    ['DISCORD_API_URL', 'discord.com/api', 'DISCORD_API_URL must be an http(s) URL such as https://discord.com/api'],
    [
      'DISCORD_API_URL',
      'ftp://discord.com/api',
      'DISCORD_API_URL must be an http(s) URL such as https://discord.com/api',
    ],
    [
      'STORE_URL',
      'data/roundtable.sqlite',
      'STORE_URL must look like sqlite://data/roundtable.sqlite or redis://host:6379',
    ],
    ['STORE_URL', 'mysql://db', 'STORE_URL must look like sqlite://data/roundtable.sqlite or redis://host:6379'],
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    ['LOG_LEVEL', 'INFO', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
  ])('GIVEN %s=%s THEN the problem names the setting and the expected form', (key, value, problem) => {
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, [key]: value })).toEqual({ ok: false, problems: [problem] });
  });

  test('GIVEN several malformed settings THEN every problem is reported at once, one per setting', () => {
    const problems = problemsOf(
      parseConfig({ DISCORD_API_URL: 'nope', STORE_URL: 'nope', LOG_LEVEL: 'nope', DISCORD_APPLICATION_ID: 'nope' }),
    );
    expect(problems.map((p) => p.split(' ')[0])).toEqual([
      'DISCORD_TOKEN',
      'DISCORD_APPLICATION_ID',
      'DISCORD_API_URL',
      'STORE_URL',
      'LOG_LEVEL',
    ]);
  });

  test.each([
    ['has a space inside', 'Bot MTIzNDU2.secret-part'],
    ['is otherwise fine but other settings are not', 'MTIzNDU2.secret-part'],
  ])('GIVEN a token that %s THEN no problem repeats any part of it', (_, token) => {
    const problems = problemsOf(
      parseConfig({ DISCORD_TOKEN: token, LOG_LEVEL: token, STORE_URL: token, DISCORD_API_URL: token }),
    );
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).not.toContain('secret-part');
  });
});

describe('parseBaseConfig', () => {
  test('GIVEN no token THEN the settings that need none are read, with defaults', () => {
    expect(parseBaseConfig({ CONTENT_DIR: 'packs' })).toEqual({
      ok: true,
      config: {
        DISCORD_API_URL: 'https://discord.com/api',
        STORE_URL: 'sqlite://data/roundtable.sqlite',
        CONTENT_DIR: 'packs',
        LOG_LEVEL: 'info',
      },
    });
  });

  test('GIVEN a token THEN it is not part of the base config', () => {
    expect(parseBaseConfig({ DISCORD_TOKEN: TOKEN })).toEqual({
      ok: true,
      config: {
        DISCORD_API_URL: 'https://discord.com/api',
        STORE_URL: 'sqlite://data/roundtable.sqlite',
        CONTENT_DIR: 'content',
        LOG_LEVEL: 'info',
      },
    });
  });

  test('GIVEN a malformed setting THEN it is still reported', () => {
    expect(parseBaseConfig({ STORE_URL: 'postgres://db' })).toEqual({
      ok: false,
      problems: ['STORE_URL must look like sqlite://data/roundtable.sqlite or redis://host:6379'],
    });
  });
});

describe('SHARD_COUNT', () => {
  const REDIS = 'redis://127.0.0.1:6379';

  test.each([
    ['unset', {}, { kind: 'single' }],
    ['1', { SHARD_COUNT: '1' }, { kind: 'single' }],
    ['4 on Redis', { SHARD_COUNT: '4', STORE_URL: REDIS }, { kind: 'manager', count: 4 }],
    ['auto on Redis', { SHARD_COUNT: 'auto', STORE_URL: REDIS }, { kind: 'manager', count: 'auto' }],
    [
      'a shard child (SHARDS and SHARD_COUNT as the manager sets them)',
      { SHARDS: '1', SHARD_COUNT: '3', STORE_URL: REDIS },
      { kind: 'shard', id: 1, count: 3 },
    ],
    ['a lone child of one shard', { SHARDS: '0', SHARD_COUNT: '1' }, { kind: 'shard', id: 0, count: 1 }],
  ])('GIVEN %s THEN this process runs as %o', (_, env, role) => {
    const result = parseConfig({ DISCORD_TOKEN: TOKEN, ...env });
    if (!result.ok) throw new Error(result.problems.join('; '));
    expect(shardRole(result.config)).toEqual(role);
  });

  test.each([
    ['0', { SHARD_COUNT: '0', STORE_URL: REDIS }, 'SHARD_COUNT must be auto or a whole number of shards such as 2'],
    ['two', { SHARD_COUNT: 'two', STORE_URL: REDIS }, 'SHARD_COUNT must be auto or a whole number of shards such as 2'],
    [
      'AUTO',
      { SHARD_COUNT: 'AUTO', STORE_URL: REDIS },
      'SHARD_COUNT must be auto or a whole number of shards such as 2',
    ],
    [
      'a shard id past the count',
      { SHARDS: '2', SHARD_COUNT: '2', STORE_URL: REDIS },
      'SHARDS must be a shard id below a numeric SHARD_COUNT (both are set by the shard manager)',
    ],
    [
      'a list of shard ids',
      { SHARDS: '[0,1]', SHARD_COUNT: '2', STORE_URL: REDIS },
      'SHARDS is set by the shard manager to one shard id; leave it unset',
    ],
  ])('GIVEN SHARD_COUNT or SHARDS %s THEN the problem says what is expected', (_, env, problem) => {
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, ...env })).toEqual({ ok: false, problems: [problem] });
  });

  test.each([
    ['2 on the default SQLite store', { SHARD_COUNT: '2' }],
    ['auto on a SQLite file', { SHARD_COUNT: 'auto', STORE_URL: 'sqlite://data/x.sqlite' }],
  ])('GIVEN %s THEN start-up is refused with a message that says to use Redis', (_, env) => {
    const problems = problemsOf(parseConfig({ DISCORD_TOKEN: TOKEN, ...env }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SHARD_COUNT needs a Redis store: .*set STORE_URL=redis:\/\/host:6379/);
  });

  test('GIVEN rediss:// with shards THEN it is accepted', () => {
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, SHARD_COUNT: '2', STORE_URL: 'rediss://cache:6380' }).ok).toBe(true);
  });

  test('GIVEN SHARD_COUNT for the content check or play THEN it is ignored there', () => {
    expect(parseBaseConfig({ SHARD_COUNT: 'auto' }).ok).toBe(true);
  });
});
