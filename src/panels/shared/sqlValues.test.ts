import { parsePostgresArray, readBoolean, readInteger, readJson, readText, readTextList } from './sqlValues';

describe('parsePostgresArray', () => {
  test.each([
    ['{}', []],
    ['{sts:AssumeRole}', ['sts:AssumeRole']],
    ['{sts:AssumeRoleWithSAML,sts:TagSession}', ['sts:AssumeRoleWithSAML', 'sts:TagSession']],
    ['{"a b","c,d"}', ['a b', 'c,d']],
    ['{"say \\"hi\\"","back\\\\slash"}', ['say "hi"', 'back\\slash']],
    ['{x,NULL,"NULL"}', ['x', 'NULL']],
    ['{"{braces}"}', ['{braces}']],
  ])('parses %s', (literal, expected) => {
    expect(parsePostgresArray(literal)).toEqual(expected);
  });
});

describe('readTextList', () => {
  test('reads a PostgreSQL array literal', () => {
    expect(readTextList('{SAML:aud}')).toEqual(['SAML:aud']);
  });

  test('reads a JSON array', () => {
    expect(readTextList('["sts:ExternalId", "aws:PrincipalOrgID"]')).toEqual(['sts:ExternalId', 'aws:PrincipalOrgID']);
  });

  test('reads a parsed array and drops nulls', () => {
    expect(readTextList(['a', null, 'b'])).toEqual(['a', 'b']);
  });

  test('reads NULL as no elements', () => {
    expect(readTextList(null)).toEqual([]);
  });

  test('reads other text as one element', () => {
    expect(readTextList('sts:AssumeRole')).toEqual(['sts:AssumeRole']);
  });
});

describe('readJson', () => {
  test('parses JSON text', () => {
    expect(readJson('{"StringEquals": {"SAML:aud": "x"}}')).toEqual({ StringEquals: { 'SAML:aud': 'x' } });
  });

  test('keeps a parsed object', () => {
    expect(readJson({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } })).toEqual({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    });
  });

  test('keeps text that is not JSON', () => {
    expect(readJson('not json')).toBe('not json');
  });

  test('reads NULL as undefined', () => {
    expect(readJson(null)).toBeUndefined();
  });
});

describe('scalar readers', () => {
  test('readText drops NULL and empty text', () => {
    expect([readText(null), readText(''), readText('x'), readText(12)]).toEqual([undefined, undefined, 'x', '12']);
  });

  test('readInteger reads numbers and numeric text', () => {
    expect([readInteger(3), readInteger('4'), readInteger(null), readInteger('x')]).toEqual([
      3,
      4,
      undefined,
      undefined,
    ]);
  });

  test('readBoolean reads PostgreSQL encodings', () => {
    expect([true, 't', 'true', 1, false, 'f', null].map(readBoolean)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
