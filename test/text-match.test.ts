import { beforeAll, describe, expect, test } from 'vitest';
import type { Pack } from '../src/content/schema.js';
import { type Candidate, closestCandidates, searchCandidates } from '../src/text-match.js';
import { loadRealPack } from './fixtures/real-pack.js';

const TERMS: Candidate[] = [
  { id: 'un-sanctions', label: 'UN sanctions' },
  { id: 'sanctions-relief', label: 'Relief from sanctions' },
  { id: 'pyongyang', label: 'Pyongyang' },
  { id: 'dprk', label: 'DPRK' },
  { id: 'arms-embargo', label: 'Arms trade ban (arms embargo)' },
  { id: 'kim-jong-un', label: 'Kim Jong Un' },
  { id: 'south-korea-capital', label: 'Séoul' },
];

const ids = (list: readonly Candidate[]) => list.map((c) => c.id);

describe('searchCandidates', () => {
  test.each([
    ['an exact label, in any case', 'un SANCTIONS', ['un-sanctions']],
    ['an exact id', 'dprk', ['dprk']],
    ['the start of a label', 'pyong', ['pyongyang']],
    ['a word inside a label', 'embargo', ['arms-embargo']],
    ['words out of order', 'un kim', ['kim-jong-un']],
    ['punctuation around words', '  Kim—Jong!  ', ['kim-jong-un']],
    ['a word without its accent', 'seoul', ['south-korea-capital']],
    ['a word with an accent the label lacks', 'pyöngyang', ['pyongyang']],
    ['nothing that matches', 'zzz', []],
  ])('GIVEN %s (%j) THEN the matches are %j', (_, query, expected) => {
    expect(ids(searchCandidates(query, TERMS, 25))).toEqual(expected);
  });

  test('GIVEN a query THEN exact beats prefix beats substring beats scattered words, ties keep list order', () => {
    const candidates: Candidate[] = [
      { id: 'c-words', label: 'sanctions on the un' },
      { id: 'c-inside', label: 'the un sanctions regime' },
      { id: 'c-prefix', label: 'un sanctions regime' },
      { id: 'c-exact', label: 'UN sanctions' },
      { id: 'c-prefix-2', label: 'un sanctions, again' },
    ];
    expect(ids(searchCandidates('un sanctions', candidates, 25))).toEqual([
      'c-exact',
      'c-prefix',
      'c-prefix-2',
      'c-inside',
      'c-words',
    ]);
  });

  test.each([
    ['an empty query', ''],
    ['a query of spaces and punctuation', ' - ! '],
  ])('GIVEN %s THEN the first candidates are offered, in list order', (_, query) => {
    expect(ids(searchCandidates(query, TERMS, 3))).toEqual(['un-sanctions', 'sanctions-relief', 'pyongyang']);
  });

  test('GIVEN more matches than the limit THEN only the best `limit` come back', () => {
    expect(ids(searchCandidates('sanctions', TERMS, 1))).toEqual(['sanctions-relief']);
  });
});

describe('closestCandidates', () => {
  test.each([
    ['a typo in a name', 'pyongyng', 'pyongyang'],
    ['swapped letters', 'dpkr', 'dprk'],
    ['a misspelt id', 'un-sanctons', 'un-sanctions'],
    ['a typo in a multi-word name', 'kim jong um', 'kim-jong-un'],
  ])('GIVEN %s (%s) THEN "did you mean" suggests %s first', (_, query, expected) => {
    expect(ids(closestCandidates(query, TERMS, 3))[0]).toBe(expected);
  });

  test('GIVEN a query that matches THEN the matches are returned rather than near misses', () => {
    expect(ids(closestCandidates('arms', TERMS, 3))).toEqual(['arms-embargo']);
  });

  test('GIVEN a typo THEN at most `limit` suggestions come back, nearest first', () => {
    const suggestions = closestCandidates('dprkk', TERMS, 2);
    expect(ids(suggestions)).toHaveLength(2);
    expect(suggestions[0]?.id).toBe('dprk');
  });
});

describe('the real glossary', () => {
  let pack: Pack;
  beforeAll(async () => {
    pack = await loadRealPack();
  });
  const terms = () => pack.terms.map((t) => ({ id: t.id, label: t.term }));

  test.each([
    ['pyongyng', 'pyongyang'],
    ['sanctons', 'un-sanctions'],
    ['logistcs', 'logistics'],
    ['geopolitcal', 'geopolitical'],
  ])('GIVEN the typo %s THEN "did you mean" offers the real term %s first', (query, expected) => {
    expect(closestCandidates(query, terms(), 3)[0]?.id).toBe(expected);
  });

  test('GIVEN the start of a real term THEN autocomplete finds it', () => {
    expect(ids(searchCandidates('Crim', terms(), 25))).toEqual(['annexation-of-crimea']);
  });
});
