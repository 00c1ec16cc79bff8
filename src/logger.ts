import { type DestinationStream, type Logger, pino } from 'pino';

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
  return destination ? pino(options, destination) : pino(options);
}
