import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { UserError } from '../errors';
import { packageRoot } from '../package-root';

export interface MigrationFile {
  /** Four-digit order key from the file name, e.g. "0003". */
  version: string;
  /** File name, e.g. "0003_identities.sql". */
  name: string;
  sql: string;
  /** SHA-256 of the file's bytes, hex. */
  checksum: string;
}

const fileNamePattern = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** The folder of SQL migrations shipped with the package (sql-views/ at the package root). */
export const defaultMigrationsDir = path.join(packageRoot(), 'sql-views');

/** Reads the migrations of a folder in version order; rejects stray or duplicated names. */
export async function readMigrationFiles(dir: string = defaultMigrationsDir): Promise<MigrationFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.sql'));
  } catch (error) {
    throw new UserError(`cannot read the migrations folder ${dir}: ${(error as Error).message}`);
  }

  const files: MigrationFile[] = [];
  for (const name of names.sort()) {
    const match = fileNamePattern.exec(name);
    if (!match) {
      throw new UserError(
        `migration file ${path.join(dir, name)} does not follow the naming rule NNNN_lower_case_name.sql`
      );
    }
    const bytes = await readFile(path.join(dir, name));
    files.push({
      version: match[1],
      name,
      sql: bytes.toString('utf8'),
      checksum: createHash('sha256').update(bytes).digest('hex'),
    });
  }

  for (let i = 1; i < files.length; i++) {
    if (files[i].version === files[i - 1].version) {
      throw new UserError(`migrations ${files[i - 1].name} and ${files[i].name} share version ${files[i].version}`);
    }
  }
  return files;
}
