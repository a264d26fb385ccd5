/**
 * Reads an IAM policy document that may arrive as a JSON object (the AWS CLI decodes documents)
 * or as the URL-encoded string the IAM API returns (RFC 3986 encoding of the JSON text).
 * Returns the document as an object, or throws with the reason it is not one.
 */
export function decodePolicyDocument(value: unknown): Record<string, unknown> {
  if (isPlainObject(value)) {
    return value;
  }
  if (typeof value !== 'string') {
    throw new Error(`expected a JSON object or a URL-encoded JSON string, got ${describe(value)}`);
  }

  const text = value.trimStart().startsWith('{') ? value : queryUnescape(value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`the document is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(parsed)) {
    throw new Error(`the document decodes to ${describe(parsed)}, expected a JSON object`);
  }
  return parsed;
}

/**
 * Encodes a policy document the way the IAM API returns it, so that columns CloudQuery keeps
 * URL-encoded hold the same kind of text after an import.
 */
export function encodePolicyDocument(document: Record<string, unknown>): string {
  return encodeURIComponent(JSON.stringify(document));
}

/** Decodes like Go's url.QueryUnescape, which CloudQuery uses: '+' is a space, %XX is a byte. */
function queryUnescape(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new Error('the document is neither JSON nor valid URL-encoded text');
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return `a ${typeof value}`;
}
