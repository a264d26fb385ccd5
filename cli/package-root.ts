import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Finds the openciem package folder (the one with sql-views/ and package.json). The code runs
 * both compiled from lib/cli/ and as TypeScript from cli/ under jest, at different depths.
 */
export function packageRoot(): string {
  let dir = __dirname;
  while (dir !== path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'openciem') {
      return dir;
    }
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the openciem package folder above ${__dirname}`);
}
