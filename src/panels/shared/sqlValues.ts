// Readers for the values that Grafana's PostgreSQL datasource puts in data frames. Columns of types that the
// datasource does not convert (text[], jsonb) may arrive as their PostgreSQL text form, as JSON text, or already
// parsed, depending on the datasource version and the query, so each reader accepts all three.

/** Returns the value as text, or undefined for NULL and empty text. */
export function readText(value: unknown): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }

  const text = typeof value === 'string' ? value : String(value);

  return text === '' ? undefined : text;
}

/** Returns the value as an integer, or undefined when it is NULL or not an integer. */
export function readInteger(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : Number(readText(value));

  return Number.isInteger(number) ? number : undefined;
}

/** Returns true for PostgreSQL true in any of its encodings: a boolean, 't', 'true' or 1. */
export function readBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') {
    return value;
  }

  return value === 1 || value === 't' || value === 'true';
}

/**
 * Returns the elements of a text list: a JavaScript array, a JSON array, or a PostgreSQL array literal such as
 * {sts:AssumeRole,"a b"}. Any other text is one element. NULL elements are dropped.
 */
export function readTextList(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.map(readText).filter((element): element is string => element !== undefined);
  }

  const text = readText(value)?.trim();
  if (text === undefined) {
    return [];
  }

  if (text.startsWith('[')) {
    const parsed = parseJson(text);
    if (Array.isArray(parsed)) {
      return readTextList(parsed);
    }
  }

  if (text.startsWith('{') && text.endsWith('}')) {
    return parsePostgresArray(text);
  }

  return [text];
}

/** Returns a JSON value: parsed when it arrives as JSON text, as it is when already parsed, undefined for NULL. */
export function readJson(value: unknown): unknown {
  if (typeof value !== 'string') {
    return value ?? undefined;
  }

  const parsed = parseJson(value);

  return parsed === undefined ? value : parsed;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Parses the text form of a one-dimensional PostgreSQL array. Elements are separated by commas; an element in double
 * quotes may contain commas, braces and backslash-escaped characters; an unquoted NULL is SQL NULL.
 */
export function parsePostgresArray(literal: string): string[] {
  const body = literal.slice(1, -1);
  const elements: string[] = [];
  let index = 0;

  while (index < body.length) {
    let element = '';
    let quoted = false;

    if (body[index] === '"') {
      quoted = true;
      index += 1;
      while (index < body.length && body[index] !== '"') {
        if (body[index] === '\\') {
          index += 1;
        }
        element += body[index] ?? '';
        index += 1;
      }
      // Skip the closing quote.
      index += 1;
    } else {
      while (index < body.length && body[index] !== ',') {
        element += body[index];
        index += 1;
      }
      element = element.trim();
    }

    if (quoted || element !== 'NULL') {
      elements.push(element);
    }

    // Skip the comma between elements.
    index += 1;
  }

  return elements;
}
