import { describe, expect, test } from 'vitest';
import type { QuizItem } from '../src/content/schema.js';
import { formatCsvCell as formatCell } from '../src/core/csv.js';
import { renderRoundCsv, renderStudentsCsv, roundReport } from '../src/features/quiz/round-csv.js';
import {
  type Answer,
  parseQuizRound,
  type QuizControl,
  type QuizItems,
  type QuizRound,
} from '../src/features/quiz/state.js';

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
        '\uFEFFround id,question number,question id,question,correct answer,user id,display name,answer,correct,points,seconds to answer\r\n',
      ),
    ).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  test('every player has a row for every question asked, a skipped one marked, quoted and guarded', () => {
    const right = '"Kim and Putin, ""Vostochny"""';
    const q1 = `r1,1,who-met,"Who met, and where?",${right}`;
    expect(csv.slice(1).split('\r\n').slice(1)).toEqual([
      `${q1},1,Ann,${right},yes,969,1.234`,
      `${q1},2,"'=HYPERLINK(""http://x"",""y"")",'=1+1,no,0,20.000`,
      `${q1},3,"Line\nbreak, comma",${right},yes,1000,0.005`,
      `${q1},4,'@SUM(A1),,not answered,0,`,
      "r1,2,gone,,,4,'@SUM(A1),choice 3,no,0,0.000",
      'r1,2,gone,,,1,Ann,,not answered,0,',
      `r1,2,gone,,,2,"'=HYPERLINK(""http://x"",""y"")",,not answered,0,`,
      'r1,2,gone,,,3,"Line\nbreak, comma",,not answered,0,',
      '',
    ]);
  });

  test('reads back cell for cell', () => {
    const rows = parseCsv(csv.slice(1));
    expect(rows).toHaveLength(9);
    expect(rows.every((r) => r.length === 11)).toBe(true);
    expect(rows[2]?.[6]).toBe(`'=HYPERLINK("http://x","y")`);
    expect(rows[3]?.[6]).toBe('Line\nbreak, comma');
  });

  test('GIVEN nobody answered THEN each question asked still has a row', () => {
    const empty: QuizRound = { ...control, index: 0, answers: [[], []] };
    expect(renderRoundCsv(empty, items).slice(1).split('\r\n').slice(1)).toEqual([
      'r1,1,who-met,"Who met, and where?","Kim and Putin, ""Vostochny""",,,,nobody answered,,',
      '',
    ]);
  });
});

describe('renderStudentsCsv', () => {
  test('one line per player in standings order, skipped questions counted', () => {
    expect(renderStudentsCsv(round).slice(1).split('\r\n')).toEqual([
      'round id,user id,display name,rank,points,correct,wrong,not answered,questions asked,percent correct',
      'r1,3,"Line\nbreak, comma",1,1000,1,0,1,2,50',
      'r1,1,Ann,2,969,1,0,1,2,50',
      `r1,2,"'=HYPERLINK(""http://x"",""y"")",3,0,0,1,1,2,0`,
      "r1,4,'@SUM(A1),3,0,0,1,1,2,0",
      '',
    ]);
  });

  test('GIVEN the round report THEN its summary counts questions asked, players and answers, and names both files', () => {
    const report = roundReport(round, items);
    expect(report.summary.split('\n')[0]).toBe('Round r1: 2 questions asked, 4 players, 4 answers.');
    expect(report.files.map((f) => f.name)).toEqual(['quiz-round-r1-answers.csv', 'quiz-round-r1-students.csv']);
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
