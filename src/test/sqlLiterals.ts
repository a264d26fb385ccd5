// Reads the string literals of generated SQL back, to check that user text cannot leave them.

/**
 * Reads the PostgreSQL string literal that starts at `start`, the way the server does with
 * standard_conforming_strings on. Returns the text and the index after the closing quote.
 */
export function readLiteral(sql: string, start: number): { text: string; end: number } {
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
export function splitLiterals(sql: string): { skeleton: string; literals: string[] } {
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

/** Search texts that try to leave a string literal, or to change what it means. */
export const HOSTILE_TEXTS = [
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
