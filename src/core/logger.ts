import { type DestinationStream, type Logger, pino, destination as pinoDestination } from 'pino';

export type { Logger } from 'pino';

/** Token-shaped fields are censored wherever they appear in a logged object. */
const REDACT = [
  'token',
  '*.token',
  'DISCORD_TOKEN',
  '*.DISCORD_TOKEN',
  'headers.authorization',
  '*.headers.authorization',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'roundtable' } };
  // Asynchronous by default: a synchronous write blocks the event loop whenever the reader of
  // stdout falls behind (a 5,000-click burst spent 3.9 s in pino's sleep). Lines are gathered
  // into writes of 4 KB or every 200 ms: one write per line was 45% of a reading command's own
  // CPU at 200 a second. Lines still in the buffer are written synchronously when the process exits.
  return pino(options, destination ?? gatheredStdout());
}

/** Lines at warn and above go out at once: a process killed outright (OOM, SIGKILL) must not take them along. */
function gatheredStdout(): DestinationStream {
  const out = pinoDestination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 200 });
  return {
    write(line: string) {
      out.write(line);
      if (isWarnOrWorse(line)) out.flush();
    },
  };
}

/** pino writes the numeric level first (`{"level":40,...`): warn is 40, error 50, fatal 60. */
export function isWarnOrWorse(line: string): boolean {
  return line.startsWith('{"level":') && Number(line.slice(9, line.indexOf(',', 9))) >= 40;
}
