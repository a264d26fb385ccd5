import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';

export const repositoryRoot = path.resolve(__dirname, '..', '..');

export function repositoryPath(relativePath: string): string {
  return path.resolve(repositoryRoot, relativePath);
}

export function readText(relativePath: string): string {
  return fs.readFileSync(repositoryPath(relativePath), 'utf8');
}

export function readYaml(relativePath: string): unknown {
  return parse(readText(relativePath));
}

export function readJson(relativePath: string): unknown {
  return JSON.parse(readText(relativePath));
}

/** Lists the files under a repository folder, recursively, as repository-relative paths. */
export function listFiles(relativeDirectory: string): string[] {
  const directory = repositoryPath(relativeDirectory);
  if (!fs.existsSync(directory)) {
    return [];
  }
  return fs
    .readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(repositoryRoot, path.join(entry.parentPath, entry.name)))
    .sort();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the ids of the app and of every nested plugin under src/, as Grafana will load them. */
export function pluginIds(): string[] {
  return listFiles('src')
    .filter((file) => path.basename(file) === 'plugin.json')
    .map((file) => {
      const manifest = readJson(file);
      if (!isRecord(manifest) || typeof manifest.id !== 'string') {
        throw new Error(`${file} has no string "id"`);
      }
      return manifest.id;
    });
}

export function appPluginId(): string {
  const manifest = readJson('src/plugin.json');
  if (!isRecord(manifest) || typeof manifest.id !== 'string') {
    throw new Error('src/plugin.json has no string "id"');
  }
  return manifest.id;
}
