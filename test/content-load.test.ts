import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { formatContentError } from '../src/content/errors.js';
import { type LoadResult, loadCatalogue } from '../src/content/load.js';
import { copyContent, createTempDir, removeTempDirs, replaceLine, VALID_CONTENT } from './fixtures/content-fixture.js';

afterEach(removeTempDirs);

function formatErrors(result: LoadResult): string[] {
  return result.ok ? [] : result.errors.map(formatContentError);
}

/** Loads a copy of the valid fixture with one line changed and returns the error lines, relative to the copy. */
async function loadWithLine(file: string, line: number, from: string, to: string): Promise<string[]> {
  const dir = await copyContent();
  await replaceLine(join(dir, 'harbour-vote', file), line, from, to);
  return formatErrors(await loadCatalogue(dir)).map((l) => l.replace(`${dir}/`, ''));
}

const LONG_BRIEF = 'Port Ellery voted. '.repeat(16).trim();
const LONG_CHOICE = 'L'.repeat(81);

describe('loadCatalogue on the valid fixture', () => {
  test('GIVEN the valid fixture THEN it loads one pack', async () => {
    const result = await loadCatalogue(VALID_CONTENT);
    expect(formatErrors(result)).toEqual([]);
    expect(result.ok && result.catalogue.packs.map((p) => p.slug)).toEqual(['harbour-vote']);
  });

  test('GIVEN a relative content dir THEN error files stay relative', async () => {
    const dir = await copyContent();
    await replaceLine(join(dir, 'harbour-vote', 'quiz.yaml'), 8, '    answer: 7 to 2', '    answer: 7-2');
    const rel = relative(process.cwd(), dir);
    expect(formatErrors(await loadCatalogue(rel))).toEqual([
      `${rel}/harbour-vote/quiz.yaml:8:5 quiz[0].answer: must be one of the choices`,
    ]);
  });

  test('GIVEN a quote with extra spaces THEN whitespace is normalised and it still matches', async () => {
    expect(
      await loadWithLine(
        'claims.yaml',
        4,
        '    quote: The council of Port Ellery voted 7 to 2 on Tuesday',
        '    quote: "The council of  Port Ellery\\t voted 7 to 2 on Tuesday  "',
      ),
    ).toEqual([]);
  });
});

interface LineCase {
  name: string;
  edit: readonly [file: string, line: number, from: string, to: string];
  errors: string[];
}

describe('one broken line gives one located error', () => {
  test.each<LineCase>([
    {
      name: 'a quote not in the text',
      edit: [
        'claims.yaml',
        4,
        '    quote: The council of Port Ellery voted 7 to 2 on Tuesday',
        '    quote: The council of Port Ellery voted 8 to 1 on Tuesday',
      ],
      errors: ['harbour-vote/claims.yaml:4:5 claims[0].quote: not found in the article text'],
    },
    {
      name: 'a quote in another paragraph',
      edit: ['quiz.yaml', 31, '    paragraph: 2', '    paragraph: 3'],
      errors: ['harbour-vote/quiz.yaml:30:5 quiz[2].quote: found in paragraph 2, not 3'],
    },
    {
      name: 'a quote that differs only in case',
      edit: ['glossary.yaml', 5, '    quote: The council of Port Ellery', '    quote: the Council of Port Ellery'],
      errors: [
        'harbour-vote/glossary.yaml:5:5 terms[0].quote: not found in the article text (paragraph 1 has it with different case or punctuation)',
      ],
    },
    {
      name: 'a paragraph that does not exist',
      edit: ['claims.yaml', 5, '    paragraph: 1', '    paragraph: 9'],
      errors: [
        'harbour-vote/claims.yaml:5:5 claims[0].paragraph: paragraph 9 does not exist (the article has 8 paragraphs)',
      ],
    },
    {
      name: 'a question naming a paragraph that does not exist',
      edit: ['questions.yaml', 9, '    paragraphs: [2, 3]', '    paragraphs: [2, 9]'],
      errors: [
        'harbour-vote/questions.yaml:9:21 questions[0].paragraphs[1]: paragraph 9 does not exist (the article has 8 paragraphs)',
      ],
    },
    {
      name: 'an unknown source id',
      edit: ['claims.yaml', 13, '        - id: council-minutes', '        - id: council-minute'],
      errors: [
        'harbour-vote/claims.yaml:13:11 claims[0].check.sources[0]: unknown source id "council-minute" (not in sources.yaml)',
      ],
    },
    {
      name: 'a source dated before the event it is cited for',
      edit: ['sources.yaml', 5, '    date: 2024-03-06', '    date: 2024-03-04'],
      errors: [
        'harbour-vote/claims.yaml:13:11 claims[0].check.sources[0]: "council-minutes" is dated 2024-03-04, before the event it is cited for (2024-03-05): cite a later source',
      ],
    },
    {
      // A year is the whole year: minutes of March cannot carry a figure for all of 2024.
      name: 'a source dated inside the year it is cited for',
      edit: ['claims.yaml', 14, '          event: 2024-03-05', '          event: 2024'],
      errors: [
        'harbour-vote/claims.yaml:13:11 claims[0].check.sources[0]: "council-minutes" is dated 2024-03-06, before the event it is cited for (2024): cite a later source',
      ],
    },
    {
      name: 'a source dated by month only, in the month of the event',
      edit: ['sources.yaml', 5, '    date: 2024-03-06', '    date: 2024-03'],
      errors: [],
    },
    {
      name: 'a date that does not exist',
      edit: ['sources.yaml', 5, '    date: 2024-03-06', '    date: 2024-02-30'],
      errors: ['harbour-vote/sources.yaml:5:5 sources[0].date: must be a date as YYYY-MM-DD, YYYY-MM or YYYY'],
    },
    {
      name: 'a misspelt key in a citation',
      edit: ['claims.yaml', 14, '          event: 2024-03-05', '          evnt: 2024-03-05'],
      errors: ['harbour-vote/claims.yaml:14:11 claims[0].check.sources[0].evnt: unknown key'],
    },
    {
      name: 'a listed source that nothing cites',
      edit: ['quiz.yaml', 35, '      - id: navigation-guide', '      - id: council-minutes'],
      errors: [
        'harbour-vote/sources.yaml:7:5 sources[1].id: "navigation-guide" is not cited by any claim, quiz item or term',
      ],
    },
    {
      name: 'an address in a note that is not a listed source',
      edit: [
        'claims.yaml',
        10,
        '      note: The published council minutes record seven votes for and two against.',
        '      note: The minutes (https://example.org/other) record seven votes for and two against.',
      ],
      errors: [
        'harbour-vote/claims.yaml:10:7 claims[0].check.note: names the address https://example.org/other, which is not in sources.yaml: list it there and cite it by id',
      ],
    },
    {
      name: 'an address in a note that is a listed source',
      edit: [
        'claims.yaml',
        10,
        '      note: The published council minutes record seven votes for and two against.',
        '      note: The minutes (https://example.org/minutes) record seven votes for and two against.',
      ],
      errors: [],
    },
    {
      name: 'the same address listed twice',
      edit: ['sources.yaml', 10, '    url: https://example.org/navigation', '    url: https://example.org/minutes'],
      errors: ['harbour-vote/sources.yaml:10:5 sources[1].url: same address as sources[0]'],
    },
    {
      name: 'a duplicate id',
      edit: ['questions.yaml', 11, '  - id: who-decided', '  - id: worth-the-cost'],
      errors: [
        'harbour-vote/questions.yaml:11:5 questions[1].id: duplicate id "worth-the-cost" (first at questions[0])',
      ],
    },
    {
      name: 'an unknown claim id',
      edit: ['questions.yaml', 17, '    claims: [vote-result]', '    claims: [vote-results]'],
      errors: ['harbour-vote/questions.yaml:17:14 questions[1].claims[0]: unknown claim id "vote-results"'],
    },
    {
      name: 'an answer not among the choices',
      edit: ['quiz.yaml', 8, '    answer: 7 to 2', '    answer: 7-2'],
      errors: ['harbour-vote/quiz.yaml:8:5 quiz[0].answer: must be one of the choices'],
    },
    {
      name: 'two choices that differ only in case',
      edit: ['quiz.yaml', 7, '      - 9 to 0', '      - 7 To 2'],
      errors: ['harbour-vote/quiz.yaml:7:9 quiz[0].choices[2]: duplicate choice (same as choices[0])'],
    },
    {
      name: 'a context item without sources',
      edit: ['quiz.yaml', 22, '    type: claims', '    type: context'],
      errors: ['harbour-vote/quiz.yaml:14:5 quiz[1].sources: a context item must name at least one source'],
    },
    {
      // With "about" the one longest choice here, the answer is the longest in 3 of the 8 items.
      name: 'answers that are the longest choice in more than 35% of the items',
      edit: ['quiz.yaml', 16, '    choices: [about, costs, year]', '    choices: [about, cost, year]'],
      errors: [
        'harbour-vote/quiz.yaml:1:1 quiz: the answer is the longest choice in 3 of 8 quiz items (38%), more than 35%: a student could score by always picking the longest; lengthen a distractor or shorten the answer',
      ],
    },
    {
      name: 'a choice too long for a button',
      edit: ['quiz.yaml', 27, '      - Lighthouses only', `      - ${LONG_CHOICE}`],
      errors: ['harbour-vote/quiz.yaml:27:9 quiz[2].choices[1]: must be at most 80 characters'],
    },
    {
      name: 'a hedge not in its quote',
      edit: ['claims.yaml', 21, '    hedges: [about]', '    hedges: [roughly]'],
      errors: ['harbour-vote/claims.yaml:21:14 claims[1].hedges[0]: "roughly" not found in the claim\'s quote'],
    },
    {
      name: 'a YAML syntax error',
      edit: ['glossary.yaml', 5, '    quote: The council of Port Ellery', '    quote: The council: of Port Ellery'],
      errors: [
        'harbour-vote/glossary.yaml:5:12 (root): invalid YAML: Nested mappings are not allowed in compact mappings',
      ],
    },
    {
      name: 'a wrong type',
      edit: ['article.yaml', 11, '  - n: 1', '  - n: one'],
      errors: ['harbour-vote/article.yaml:11:5 paragraphs[0].n: must be a number, not text'],
    },
    {
      name: 'a value not in the enum',
      edit: ['questions.yaml', 4, '    theme: consequences', '    theme: money'],
      errors: [
        'harbour-vote/questions.yaml:4:5 questions[0].theme: must be one of: motives, sanctions-and-law, evidence-and-media-literacy, consequences, perspectives, history',
      ],
    },
    {
      name: 'a misspelt key',
      edit: ['glossary.yaml', 6, '    paragraph: 1', '    paragrap: 1'],
      errors: [
        'harbour-vote/glossary.yaml:2:5 terms[0].paragraph: is required',
        'harbour-vote/glossary.yaml:6:5 terms[0].paragrap: unknown key',
      ],
    },
    {
      name: 'paragraphs out of order',
      edit: ['article.yaml', 19, '  - n: 3', '  - n: 4'],
      errors: ['harbour-vote/article.yaml:19:5 paragraphs[2].n: must be 3: paragraphs are numbered 1..N in order'],
    },
    {
      name: 'a brief summary that is too long',
      edit: [
        'summaries.yaml',
        2,
        "  - text: Port Ellery's council voted to keep its old lighthouse lit for ten more years, despite its cost.",
        `  - text: ${LONG_BRIEF}`,
      ],
      errors: ['harbour-vote/summaries.yaml:1:1 brief: is 303 characters, at most 280 (sentences joined by one space)'],
    },
    {
      name: 'a detailed summary that covers a paragraph twice',
      edit: ['summaries.yaml', 15, '    paragraphs: [3]', '    paragraphs: [2]'],
      errors: [
        'harbour-vote/summaries.yaml:9:1 detailed: does not cover paragraph 3',
        'harbour-vote/summaries.yaml:15:18 detailed[2].paragraphs[0]: paragraph 2 is already covered by detailed[1]',
      ],
    },
    {
      name: 'a detailed point about two paragraphs',
      edit: ['summaries.yaml', 13, '    paragraphs: [2]', '    paragraphs: [2, 3]'],
      errors: [
        'harbour-vote/summaries.yaml:13:5 detailed[1].paragraphs: must name exactly one paragraph (one point per paragraph)',
        'harbour-vote/summaries.yaml:15:18 detailed[2].paragraphs[0]: paragraph 3 is already covered by detailed[1]',
      ],
    },
  ])('GIVEN $name', async ({ edit, errors }) => {
    expect(await loadWithLine(...edit)).toEqual(errors);
  });
});

describe('broken files and folders', () => {
  test('GIVEN a missing file THEN it is reported at 1:1 of its path', async () => {
    const dir = await copyContent();
    await rm(join(dir, 'harbour-vote', 'glossary.yaml'));
    expect(formatErrors(await loadCatalogue(dir))).toEqual([
      `${dir}/harbour-vote/glossary.yaml:1:1 (root): file is missing`,
    ]);
  });

  test('GIVEN a source cited twice by one claim THEN the second citation is an error', async () => {
    const dir = await copyContent();
    const file = join(dir, 'harbour-vote', 'claims.yaml');
    const source = await readFile(file, 'utf8');
    const cited = '        - id: council-minutes\n          event: 2024-03-05\n';
    if (!source.includes(cited)) throw new Error('claims.yaml no longer cites council-minutes with an event');
    await writeFile(file, source.replace(cited, '        - council-minutes\n        - council-minutes\n'));
    expect(formatErrors(await loadCatalogue(dir))).toEqual([
      `${file}:14:11 claims[0].check.sources[1]: "council-minutes" is cited twice (first at 0)`,
    ]);
  });

  test('GIVEN no sources.yaml THEN only that is reported, not every citation as unknown', async () => {
    const dir = await copyContent();
    await rm(join(dir, 'harbour-vote', 'sources.yaml'));
    expect(formatErrors(await loadCatalogue(dir))).toEqual([
      `${dir}/harbour-vote/sources.yaml:1:1 (root): file is missing`,
    ]);
  });

  test('GIVEN an empty file THEN it must be a map', async () => {
    const dir = await copyContent();
    await writeFile(join(dir, 'harbour-vote', 'quiz.yaml'), '# nothing yet\n');
    expect(formatErrors(await loadCatalogue(dir))).toEqual([
      `${dir}/harbour-vote/quiz.yaml:1:1 (root): must be a map (key: value), not empty`,
    ]);
  });

  test('GIVEN a file with a missing top key THEN the error points at the document', async () => {
    const dir = await copyContent();
    await writeFile(join(dir, 'harbour-vote', 'glossary.yaml'), '# terms come later\n\nterm: []\n');
    expect(formatErrors(await loadCatalogue(dir))).toEqual([
      `${dir}/harbour-vote/glossary.yaml:3:1 terms: is required`,
      `${dir}/harbour-vote/glossary.yaml:3:1 term: unknown key`,
    ]);
  });

  test('GIVEN a missing content dir THEN that is an error', async () => {
    const dir = join(await createTempDir(), 'nowhere');
    expect(formatErrors(await loadCatalogue(dir))).toEqual([`${dir}:1:1 (root): content folder not found`]);
  });

  test('GIVEN a content dir that is a file THEN that is an error', async () => {
    const file = join(await createTempDir(), 'content');
    await writeFile(file, '');
    expect(formatErrors(await loadCatalogue(file))).toEqual([`${file}:1:1 (root): content folder is not a folder`]);
  });

  test('GIVEN an empty content folder THEN there are no packs', async () => {
    const dir = await createTempDir();
    expect(formatErrors(await loadCatalogue(dir))).toEqual([
      `${dir}:1:1 (root): no packs: the content folder has no pack folders`,
    ]);
  });

  test('GIVEN a folder with none of the pack files THEN it is not a pack', async () => {
    const dir = await copyContent();
    await mkdir(join(dir, 'notes'));
    await writeFile(join(dir, 'notes', 'todo.txt'), 'write more questions\n');
    expect(formatErrors(await loadCatalogue(dir))).toEqual([
      `${dir}/notes:1:1 (root): not a pack: a pack folder holds article.yaml, summaries.yaml, sources.yaml, claims.yaml, questions.yaml, quiz.yaml, glossary.yaml`,
    ]);
  });

  test('GIVEN a stray file at the top THEN it is an error, but README.md and dotfiles are ignored', async () => {
    const dir = await copyContent();
    await writeFile(join(dir, 'README.md'), '# Content\n');
    await writeFile(join(dir, '.DS_Store'), '');
    await mkdir(join(dir, '.drafts'));
    await writeFile(join(dir, 'notes.txt'), 'ideas\n');
    expect(formatErrors(await loadCatalogue(dir))).toEqual([
      `${dir}/notes.txt:1:1 (root): not a folder: the content folder holds only pack folders (and README.md or dotfiles)`,
    ]);
  });

  test('GIVEN an unexpected file in a pack THEN it is an error', async () => {
    const dir = await copyContent();
    await writeFile(join(dir, 'harbour-vote', 'quiz.yml'), 'quiz: []\n');
    expect(formatErrors(await loadCatalogue(dir))).toEqual([
      `${dir}/harbour-vote/quiz.yml:1:1 (root): unexpected file: a pack folder holds only article.yaml, summaries.yaml, sources.yaml, claims.yaml, questions.yaml, quiz.yaml, glossary.yaml`,
    ]);
  });

  test('GIVEN a pack folder name that is not kebab-case THEN it is an error', async () => {
    const dir = await copyContent();
    await rename(join(dir, 'harbour-vote'), join(dir, 'Harbour_Vote'));
    expect(formatErrors(await loadCatalogue(dir))).toEqual([
      `${dir}/Harbour_Vote:1:1 (root): pack folder name must be kebab-case (a-z, 0-9 and single hyphens): it is the slug`,
    ]);
  });
});

test('GIVEN errors in several files THEN all are reported at once, sorted by file then line', async () => {
  const dir = await copyContent();
  const pack = join(dir, 'harbour-vote');
  await replaceLine(join(pack, 'quiz.yaml'), 8, '    answer: 7 to 2', '    answer: 7-2');
  await replaceLine(join(pack, 'quiz.yaml'), 31, '    paragraph: 2', '    paragraph: 3');
  await replaceLine(join(pack, 'questions.yaml'), 17, '    claims: [vote-result]', '    claims: [vote-results]');
  await replaceLine(join(pack, 'claims.yaml'), 29, '    paragraph: 3', '    paragraph: 2');
  await replaceLine(
    join(pack, 'claims.yaml'),
    4,
    '    quote: The council of Port Ellery voted 7 to 2 on Tuesday',
    '    quote: Nope',
  );
  await replaceLine(
    join(pack, 'glossary.yaml'),
    5,
    '    quote: The council of Port Ellery',
    '    quote: The council: of Port Ellery',
  );
  await rm(join(pack, 'summaries.yaml'));

  expect(formatErrors(await loadCatalogue(dir)).map((l) => l.replace(`${pack}/`, ''))).toEqual([
    'claims.yaml:4:5 claims[0].quote: not found in the article text',
    'claims.yaml:28:5 claims[2].quote: found in paragraph 3, not 2',
    'glossary.yaml:5:12 (root): invalid YAML: Nested mappings are not allowed in compact mappings',
    'questions.yaml:17:14 questions[1].claims[0]: unknown claim id "vote-results"',
    'quiz.yaml:8:5 quiz[0].answer: must be one of the choices',
    'quiz.yaml:30:5 quiz[2].quote: found in paragraph 2, not 3',
    'summaries.yaml:1:1 (root): file is missing',
  ]);
});
