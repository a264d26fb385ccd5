import { UserError } from '../../errors';
import { readTextFile } from '../read-text-file';
import { InputError } from './fields';
import { parseAuthorizationDetails, type ParsedExport } from './parse';

const howToExport = 'Create the file with: aws iam get-account-authorization-details --output json > FILE';

/** Reads and validates an export file; every failure names the file and what is wrong with it. */
export async function readAuthorizationDetailsFile(file: string, accountId?: string): Promise<ParsedExport> {
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) {
    throw new UserError(`invalid --account-id "${accountId}": an AWS account id has 12 digits`);
  }

  const text = await readTextFile(file, howToExport);

  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UserError(
      `${file} is not valid JSON (${(error as Error).message}); the file may be truncated`,
      howToExport
    );
  }

  try {
    return parseAuthorizationDetails(document, accountId);
  } catch (error) {
    if (error instanceof InputError) {
      throw new UserError(`${file} is not a valid get-account-authorization-details export: ${error.message}`, howToExport);
    }
    throw error;
  }
}
