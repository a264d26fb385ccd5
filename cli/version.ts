import { readFileSync } from 'node:fs';
import path from 'node:path';

import { packageRoot } from './package-root';

/** The version in the package's package.json, recorded with every migration it applies. */
export const toolVersion: string = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version;
