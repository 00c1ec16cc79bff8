import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { z } from 'zod';

export const LogLine = z.looseObject({
  level: z.number(),
  msg: z.string(),
  guildId: z.string().optional(),
  key: z.string().optional(),
  reason: z.string().optional(),
  storedVersion: z.number().optional(),
});
export type LogLine = z.infer<typeof LogLine>;

/** A real pino logger whose JSON lines are kept for assertions. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line) lines.push(LogLine.parse(JSON.parse(line)));
      }
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}
