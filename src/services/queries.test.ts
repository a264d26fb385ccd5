import {
  buildContainsPattern,
  buildIdentitiesQuery,
  buildLatestMigrationQuery,
  buildSourceProblemsQuery,
  quoteLiteral,
} from './queries';

/**
 * Reads the PostgreSQL string literal that starts at `start`, the way the server does with
 * standard_conforming_strings on. Returns the text and the index after the closing quote.
 */
function readLiteral(sql: string, start: number): { text: string; end: number } {
  const isEscapeString = sql[start] === 'E';
  let index = start + (isEscapeString ? 2 : 1);
  let text = '';

  while (index < sql.length) {
    const character = sql[index];

    if (character === "'" && sql[index + 1] === "'") {
      text += "'";
      index += 2;
    } else if (character === "'") {
      return { text, end: index + 1 };
    } else if (isEscapeString && character === '\\') {
      // quoteLiteral only emits doubled backslashes, so any other escape sequence is a defect.
      if (sql[index + 1] !== '\\') {
        throw new Error(`Unexpected escape \\${sql[index + 1]} at ${index}`);
      }
      text += '\\';
      index += 2;
    } else {
      text += character;
      index += 1;
    }
  }

  throw new Error(`Unterminated literal starting at ${start}`);
}

/** Replaces each string literal in `sql` by ? and returns the result with the decoded literals. */
function splitLiterals(sql: string): { skeleton: string; literals: string[] } {
  let skeleton = '';
  const literals: string[] = [];
  let index = 0;

  while (index < sql.length) {
    const startsLiteral = sql[index] === "'" || (sql[index] === 'E' && sql[index + 1] === "'");
    if (startsLiteral) {
      const { text, end } = readLiteral(sql, index);
      literals.push(text);
      skeleton += '?';
      index = end;
    } else {
      skeleton += sql[index];
      index += 1;
    }
  }

  return { skeleton, literals };
}

const HOSTILE_TEXTS = [
  "x' OR '1'='1",
  "'; DROP VIEW ciem.identities; --",
  'back\\slash',
  'ends with a backslash\\',
  "\\' OR true --",
  "\\\\'' OR ''=''",
  "E'\\x41'",
  '$$ OR true $$',
  'line\nbreak',
];

describe('quoteLiteral', () => {
  test('quotes plain text', () => {
    expect(quoteLiteral('AdminRole')).toBe("'AdminRole'");
  });

  test('doubles single quotes', () => {
    expect(quoteLiteral("x' OR '1'='1")).toBe("'x'' OR ''1''=''1'");
  });

  test('writes backslashes as an escape string', () => {
    expect(quoteLiteral('a\\b')).toBe("E'a\\\\b'");
  });

  test('keeps plain literals free of backslashes', () => {
    for (const text of HOSTILE_TEXTS) {
      const literal = quoteLiteral(text);
      if (!literal.startsWith("E'")) {
        expect(literal).not.toContain('\\');
      }
    }
  });

  test.each(HOSTILE_TEXTS)('reads back as the same text: %j', (text) => {
    const literal = quoteLiteral(text);
    const { text: decoded, end } = readLiteral(literal, 0);

    expect(decoded).toBe(text);
    expect(end).toBe(literal.length);
  });

  test('rejects the NUL character', () => {
    expect(() => quoteLiteral('a\u0000b')).toThrow(RangeError);
  });
});

describe('buildContainsPattern', () => {
  test('wraps text in wildcards', () => {
    expect(buildContainsPattern('admin')).toBe('%admin%');
  });

  test('escapes LIKE wildcards and the escape character', () => {
    expect(buildContainsPattern('50%_off!')).toBe('%50!%!_off!!%');
  });
});

describe('buildIdentitiesQuery', () => {
  test('reads ciem.identities without a filter for a blank search', () => {
    const sql = buildIdentitiesQuery({ search: '   ', limit: 10 });

    expect(sql).toContain('FROM ciem.identities');
    expect(sql).not.toContain('WHERE');
    expect(sql).toMatch(/LIMIT 10$/);
  });

  test('filters name and ARN with the trimmed search', () => {
    const sql = buildIdentitiesQuery({ search: '  deploy_bot ', limit: 10 });
    const { literals } = splitLiterals(sql);

    expect(sql).toContain('display_name ILIKE');
    expect(sql).toContain('identity_id ILIKE');
    expect(literals).toEqual(['%deploy!_bot%', '!', '%deploy!_bot%', '!']);
  });

  test.each(HOSTILE_TEXTS)('keeps hostile search inside literals: %j', (search) => {
    const benign = splitLiterals(buildIdentitiesQuery({ search: 'benign', limit: 10 }));
    const hostile = splitLiterals(buildIdentitiesQuery({ search, limit: 10 }));

    expect(hostile.skeleton).toBe(benign.skeleton);
    expect(hostile.literals[0]).toBe(buildContainsPattern(search.trim()));
    expect(hostile.literals[2]).toBe(buildContainsPattern(search.trim()));
  });

  test.each([0, -1, 1.5, Number.NaN])('rejects the limit %p', (limit) => {
    expect(() => buildIdentitiesQuery({ search: '', limit })).toThrow(RangeError);
  });
});

describe('status queries', () => {
  test('latest migration comes first', () => {
    const sql = buildLatestMigrationQuery();

    expect(sql).toContain('FROM ciem.schema_migrations');
    expect(sql).toContain('ORDER BY applied_at DESC');
    expect(sql).toMatch(/LIMIT 1$/);
  });

  test('source problems skip bound tables', () => {
    const sql = buildSourceProblemsQuery();

    expect(sql).toContain('FROM ciem.source_bindings b');
    expect(sql).toContain('WHERE (NOT b.present AND NOT coalesce(t.optional, false)) OR cardinality(b.missing_columns) > 0');
  });
});
