import { readFile } from 'node:fs/promises';

import { UserError } from '../errors';

/**
 * Reads an input file as UTF-8 text. A missing, unreadable or blank file raises a UserError that
 * names the file and the reason, with `hint` as the next step.
 */
export async function readTextFile(file: string, hint: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new UserError(`cannot read ${file}: ${reason}`, hint);
  }
  if (text.trim() === '') {
    throw new UserError(`${file} is empty`, hint);
  }
  return text;
}
