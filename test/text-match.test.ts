import { beforeAll, describe, expect, test } from 'vitest';
import type { Pack } from '../src/content/schema.js';
import { type Candidate, closestCandidates, lookupCandidate, searchCandidates } from '../src/core/text-match.js';
import { loadFixturePack } from './fixtures/fixture-pack.js';

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

  test('GIVEN a typo close to several THEN at most `limit` suggestions come back, nearest first', () => {
    const near: Candidate[] = [
      { id: 'a', label: 'sanctioned' },
      { id: 'b', label: 'sanctions' },
      { id: 'c', label: 'sanction' },
    ];
    expect(ids(closestCandidates('sanctons', near, 2))).toEqual(['b', 'c']);
  });

  test.each([
    ['a word unlike any', 'weather'],
    ['a short unrelated word', 'zzz'],
    ['an unrelated phrase', 'football results'],
    ['nothing but punctuation', ' ?! '],
  ])('GIVEN %s (%j) THEN nothing is suggested rather than the least bad entry', (_, query) => {
    expect(closestCandidates(query, TERMS, 3)).toEqual([]);
  });
});

describe('lookupCandidate', () => {
  const found = (query: string, list: readonly Candidate[] = TERMS) => {
    const result = lookupCandidate(query, list, 5);
    return result.kind === 'found' ? [result.how, result.match.id] : [result.kind];
  };

  test.each([
    ['its id', 'arms-embargo', ['exact', 'arms-embargo']],
    ['its label, any case, no punctuation', 'arms TRADE ban arms embargo', ['exact', 'arms-embargo']],
    ['its label without the accent', 'seoul', ['exact', 'south-korea-capital']],
    ['one of its aliases', 'north korea', ['exact', 'dprk']],
    ['a whole word of the label', 'embargo', ['words', 'arms-embargo']],
    ['a whole word of an alias', 'north', ['words', 'dprk']],
    ['a phrase of the label', 'trade ban', ['words', 'arms-embargo']],
    ['the start of the last word', 'Pyong', ['words', 'pyongyang']],
    ['the one near miss of a typo', 'pyongyng', ['close', 'pyongyang']],
  ])('GIVEN %s (%j) THEN that candidate is found, and how', (_, query, expected) => {
    const withAlias = TERMS.map((t) => (t.id === 'dprk' ? { ...t, aliases: ['North Korea'] } : t));
    expect(found(query, withAlias)).toEqual(expected);
  });

  test('GIVEN a word in several THEN they are listed in list order, the phrase matches before scattered words', () => {
    expect(lookupCandidate('sanctions', TERMS, 5)).toEqual({
      kind: 'several',
      matches: [TERMS[0], TERMS[1]],
    });
    const list: Candidate[] = [
      { id: 'scattered', label: 'sanctions by the UN' },
      { id: 'phrase', label: 'the UN sanctions' },
    ];
    expect(found('un sanctions', list)).toEqual(['words', 'phrase']);
  });

  test('GIVEN a whole word THEN it is not confused with a word that merely contains it', () => {
    // "un" is a word of "Kim Jong Un" only; "Pyongyang" or "sanctions" do not count.
    expect(
      found(
        'un',
        [TERMS[2], TERMS[5]].filter((t) => t !== undefined),
      ),
    ).toEqual(['words', 'kim-jong-un']);
  });

  test('GIVEN a typo close to two entries THEN nothing is served, both are suggested', () => {
    const list: Candidate[] = [
      { id: 'sanction', label: 'sanction' },
      { id: 'sanctions', label: 'sanctions' },
    ];
    expect(lookupCandidate('sancton', list, 5)).toEqual({ kind: 'none', near: list });
  });

  test('GIVEN a query only loosely like an entry THEN it is suggested but not served', () => {
    expect(lookupCandidate('dpkr', TERMS, 5)).toEqual({ kind: 'none', near: [TERMS[3]] });
  });

  test.each([
    ['an empty query', ''],
    ['an unrelated word', 'weather'],
  ])('GIVEN %s THEN nothing is found and nothing suggested', (_, query) => {
    expect(lookupCandidate(query, TERMS, 5)).toEqual({ kind: 'none', near: [] });
  });
});

describe('the fixture claims', () => {
  let pack: Pack;
  beforeAll(async () => {
    pack = await loadFixturePack();
  });
  const lookup = (query: string) => {
    const result = lookupCandidate(
      query,
      pack.claims.map((c) => ({ id: c.id, label: c.claim })),
      5,
    );
    if (result.kind === 'found') return `${result.how} ${result.match.id}`;
    return result.kind === 'several' ? result.matches.map((c) => c.id) : `none: ${ids(result.near).join(', ')}`;
  };

  test.each([
    [
      'its text without the apostrophe or full stop',
      'the light matters more for the towns image than for shipping',
      'exact image-over-shipping',
    ],
    ['a distinctive phrase', 'regional heritage fund', 'words heritage-fund-asked'],
    ['its text with typos', 'The lighthous was biult in 1871', 'close built-in-1871'],
    ['its text with typos and a cut-off word', 'Januarys storms damagd the harbor wal', 'close wall-damaged-in-storms'],
  ])('GIVEN %s THEN the claim is found', (_, query, expected) => {
    expect(lookup(query)).toBe(expected);
  });

  test('GIVEN a word in two claims THEN both are listed, in pack order', () => {
    expect(lookup('visitors')).toEqual(['visitor-numbers', 'festival-not-tower']);
  });

  test('GIVEN an unrelated query THEN no claim is suggested', () => {
    expect(lookup('weather forecast')).toBe('none: ');
  });
});

describe('the fixture glossary', () => {
  let pack: Pack;
  beforeAll(async () => {
    pack = await loadFixturePack();
  });
  const terms = () => pack.terms.map((t) => ({ id: t.id, label: t.term }));

  test.each([
    ['lighthose', ['lighthouse']],
    ['coastgaurd', ['coastguard']],
    ['councilor', ['councillor', 'council']],
    ['heritage fnd', ['heritage-fund']],
  ])('GIVEN the typo %s THEN "did you mean" offers %j, nearest first', (query, expected) => {
    expect(ids(closestCandidates(query, terms(), 3))).toEqual(expected);
  });

  test.each([
    ['harbour master', 'harbour-master'],
    ['port captain', 'harbour-master'],
    ['coast guard', 'coastguard'],
    ['keeper', 'resident-keeper'],
    ['lens', 'fresnel-lens'],
  ])('GIVEN %j THEN the term %s is found', (query, expected) => {
    const result = lookupCandidate(
      query,
      pack.terms.map((t) => ({ id: t.id, label: t.term, aliases: t.aliases })),
      5,
    );
    expect(result.kind === 'found' ? result.match.id : result.kind).toBe(expected);
  });

  test('GIVEN a word of several terms THEN all of them are offered, in glossary order', () => {
    expect(lookupCandidate('harbour', terms(), 5)).toMatchObject({
      kind: 'several',
      matches: [{ id: 'harbour-wall' }, { id: 'harbour-festival' }, { id: 'harbour-master' }],
    });
  });

  test('GIVEN the start of a term THEN autocomplete finds it', () => {
    expect(ids(searchCandidates('Fres', terms(), 25))).toEqual(['fresnel-lens']);
  });
});
