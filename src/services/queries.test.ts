import { HOSTILE_TEXTS, readLiteral } from '../test/sqlLiterals';
import { buildContainsPattern, buildLatestMigrationQuery, buildSourceProblemsQuery, quoteLiteral } from './queries';

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
    expect(sql).toContain(
      'WHERE (NOT b.present AND NOT coalesce(t.optional, false)) OR cardinality(b.missing_columns) > 0'
    );
  });
});
