import { describe, expect, test } from 'vitest';
import type { QuizItem } from '../src/content/schema.js';
import { formatCsvCell as formatCell } from '../src/core/csv.js';
import { renderRoundCsv } from '../src/quiz/round-csv.js';
import { type Answer, parseQuizRound, type QuizControl, type QuizItems, type QuizRound } from '../src/quiz/state.js';

const T0 = 1_700_000_000_000;

const item: QuizItem = {
  id: 'who-met',
  question: 'Who met, and where?',
  choices: ['Kim and Putin, "Vostochny"', '=1+1', 'Nobody', 'Both'],
  answer: 'Kim and Putin, "Vostochny"',
  explanation: 'x',
  quote: 'y',
  paragraph: 1,
  difficulty: 'easy',
  type: 'comprehension',
  sources: [],
};

function reply(userId: string, displayName: string, choice: number, elapsedMs: number, points: number): Answer {
  return { userId, displayName, choice, at: T0 + elapsedMs, elapsedMs, points, correct: choice === 0 };
}

/** A finished round's control record, as stored; the answers come from the answer chunks. */
const control: QuizControl = {
  roundId: 'r1',
  article: 'kim-putin-2023',
  channelId: 'c1',
  hostId: 'host',
  settings: { count: 2, seconds: 20, scoring: 'speed', difficulty: null, auto: false, hostPlays: false },
  questionIds: ['who-met', 'gone'],
  seed: 1,
  index: 1,
  phase: 'finished',
  openedAt: T0,
  deadline: T0 + 20_000,
  closedAt: T0 + 20_000,
  advanceAt: null,
  questionMessageId: null,
  revealShown: true,
  previousMessageId: null,
  filed: true,
  standingsShown: true,
  startedAt: T0,
  endedAt: T0 + 60_000,
  endedBy: 'completed',
  bankNote: null,
};

const round: QuizRound = {
  ...control,
  answers: [
    [
      reply('1', 'Ann', 0, 1_234, 969),
      reply('2', '=HYPERLINK("http://x","y")', 1, 20_000, 0),
      reply('3', 'Line\nbreak, comma', 0, 5, 1000),
    ],
    [reply('4', '@SUM(A1)', 2, 0, 0)],
  ],
};

const items: QuizItems = new Map([['who-met', item]]);

/** A plain RFC 4180 reader, to check that the output reads back cell for cell. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('renderRoundCsv', () => {
  const csv = renderRoundCsv(round, items);

  test('the round under test is one the store would hand back', () => {
    expect(parseQuizRound(JSON.parse(JSON.stringify(round)))).toEqual(round);
  });

  test('starts with a BOM and the header, ends with CRLF', () => {
    expect(
      csv.startsWith(
        '\uFEFFround id,question id,question,user id,display name,choice,correct,points,seconds to answer\r\n',
      ),
    ).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  test('one row per answer, quoted and guarded', () => {
    expect(csv.slice(1).split('\r\n')).toEqual([
      'round id,question id,question,user id,display name,choice,correct,points,seconds to answer',
      'r1,who-met,"Who met, and where?",1,Ann,"A. Kim and Putin, ""Vostochny""",yes,969,1.234',
      `r1,who-met,"Who met, and where?",2,"'=HYPERLINK(""http://x"",""y"")",B. =1+1,no,0,20.000`,
      'r1,who-met,"Who met, and where?",3,"Line\nbreak, comma","A. Kim and Putin, ""Vostochny""",yes,1000,0.005',
      "r1,gone,,4,'@SUM(A1),C,no,0,0.000",
      '',
    ]);
  });

  test('reads back cell for cell', () => {
    const rows = parseCsv(csv.slice(1));
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.length === 9)).toBe(true);
    expect(rows[2]?.[4]).toBe(`'=HYPERLINK("http://x","y")`);
    expect(rows[3]?.[4]).toBe('Line\nbreak, comma');
  });

  test('GIVEN no answers THEN only the header', () => {
    const empty: QuizRound = { ...control, answers: [[], []] };
    expect(renderRoundCsv(empty, items)).toBe(
      '\uFEFFround id,question id,question,user id,display name,choice,correct,points,seconds to answer\r\n',
    );
  });
});

describe('formatCell', () => {
  test.each([
    ['plain', 'plain'],
    ['=1+1', "'=1+1"],
    ['+31 6', "'+31 6"],
    ['-2', "'-2"],
    ['@cmd', "'@cmd"],
    ['\t=x', "'\t=x"],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['=a,"b"', `"'=a,""b"""`],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j → %j', (value, cell) => {
    expect(formatCell(value)).toBe(cell);
  });
});
