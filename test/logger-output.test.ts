import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

// The child logs through the bot's own logger to its real stdout, waits `waitMs`, then kills itself
// outright (as the OOM killer would): nothing gets the chance to flush on exit.
const CHILD = `
const [, loggerModule, script, waitMs] = process.argv;
const { createLogger } = await import(loggerModule);
const logger = createLogger('info');
for (const [level, msg, extra] of JSON.parse(script)) logger[level](extra ?? {}, msg);
setTimeout(() => process.kill(process.pid, 'SIGKILL'), Number(waitMs));
`;

type Line = readonly [level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>];

async function runLogger(lines: readonly Line[], waitMs: number): Promise<Record<string, unknown>[]> {
  const loggerModule = pathToFileURL(resolve('src/core/logger.ts')).href;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', CHILD, loggerModule, JSON.stringify(lines), `${waitMs}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const signal = await new Promise<NodeJS.Signals | null>((done) => child.on('close', (_code, sig) => done(sig)));
  expect(signal, `the child did not run to its own kill; stderr: ${stderr}`).toBe('SIGKILL');
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

it('GIVEN a warning logged just before the process is killed outright WHEN stdout is read THEN the warning and the lines before it are there', async () => {
  const lines = await runLogger(
    [
      ['info', 'interaction'],
      ['warn', 'refused: the store is unavailable'],
    ],
    40,
  );
  expect(lines.map((l) => [l.level, l.msg])).toEqual([
    [30, 'interaction'],
    [40, 'refused: the store is unavailable'],
  ]);
});

it('GIVEN only info lines WHEN the process lives on for a second THEN they reach stdout without an exit', async () => {
  const lines = await runLogger(
    [
      ['info', 'ready'],
      ['info', 'interaction'],
    ],
    1000,
  );
  expect(lines.map((l) => l.msg)).toEqual(['ready', 'interaction']);
});

it('GIVEN a token in a logged object WHEN it is written THEN stdout shows it redacted', async () => {
  const lines = await runLogger(
    [['error', 'could not log in', { token: 'MTIz.secret', config: { DISCORD_TOKEN: 'x.y.z' } }]],
    40,
  );
  expect(lines).toHaveLength(1);
  expect(lines[0]?.token).toBe('[redacted]');
  expect(lines[0]?.config).toEqual({ DISCORD_TOKEN: '[redacted]' });
});
