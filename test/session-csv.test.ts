import { describe, expect, test } from 'vitest';
import { type Question, QuestionSchema } from '../src/content/schema.js';
import { formatCsvCell } from '../src/core/csv.js';
import { renderSessionCsv } from '../src/features/session/csv.js';
import { next, recordMessage, setPromptMessage, startSession } from '../src/features/session/engine.js';
import type { SessionState } from '../src/features/session/state.js';

const QUESTIONS: Question[] = [
  QuestionSchema.parse({
    id: 'q1',
    prompt: 'Who said "enough", and why?',
    theme: 'history',
    level: 'recall',
    followUps: ['When?'],
  }),
  QuestionSchema.parse({ id: 'q2', prompt: 'What next?', theme: 'motives', level: 'create', followUps: ['How?'] }),
];

function session(): SessionState {
  const started = startSession(
    {
      guildId: 'g',
      channelId: 'chan',
      hostId: 'host',
      article: 'pack',
      questions: QUESTIONS,
      usedPromptIds: [],
      count: 2,
      threads: false,
      seed: 1,
    },
    0,
  );
  if (started.state === null) throw new Error('start refused');
  return started.state;
}

function say(state: SessionState, userId: string, displayName: string): SessionState {
  return recordMessage(state, { channelId: 'chan', userId, displayName, isBot: false }, 0).state;
}

describe('renderSessionCsv', () => {
  test('GIVEN participation on two prompts THEN one row per participant per prompt, quoted and guarded', () => {
    let s = setPromptMessage(session(), { index: 0, messageId: 'm0', threadId: null }).state;
    s = say(s, '101', 'Ada');
    s = say(s, '102', '=HYPERLINK("http://x")');
    s = say(s, '101', 'Ada');
    s = next(s, 1).state;
    s = say(s, '103', 'Lee, Sam');
    expect(renderSessionCsv(s, QUESTIONS)).toBe(
      [
        '\uFEFFprompt number,prompt,user id,display name,messages',
        '1,"Who said ""enough"", and why?",101,Ada,2',
        `1,"Who said ""enough"", and why?",102,"'=HYPERLINK(""http://x"")",1`,
        '2,What next?,103,"Lee, Sam",1',
        '',
      ].join('\r\n'),
    );
  });

  test('GIVEN nobody spoke THEN only the header', () => {
    expect(renderSessionCsv(session(), QUESTIONS)).toBe('\uFEFFprompt number,prompt,user id,display name,messages\r\n');
  });

  test('GIVEN a question missing from the catalogue THEN its id stands in', () => {
    const s = say(session(), '101', 'Ada');
    expect(renderSessionCsv(s, [])).toContain('1,q1,101,Ada,1\r\n');
  });
});

describe('formatCsvCell', () => {
  test.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['=1+1', "'=1+1"],
    ['+31 6', "'+31 6"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['=a,b', `"'=a,b"`],
    ['a=b', 'a=b'],
    ["'already", "'already"],
  ])('GIVEN %j THEN %j', (value, expected) => {
    expect(formatCsvCell(value)).toBe(expected);
  });
});
