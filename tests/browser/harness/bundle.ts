import { mkdirSync } from 'node:fs';
import path from 'node:path';

import webpack, { type Configuration } from 'webpack';

import { repositoryRoot } from '../../support/paths';

/** Folder of the harness bundles and webpack's cache; .gitignore lists it. */
export const harnessBuildDir = path.join(repositoryRoot, '.harness');

/**
 * development: React reports its warnings as console errors, which the browser tests catch. production: React and
 * the @grafana/* packages as Grafana runs them, for timing pages in npm run bench.
 */
export type HarnessMode = 'development' | 'production';

/** Returns the folder of the harness bundle built in `mode`. */
export function bundleDirOf(mode: HarnessMode): string {
  return path.join(harnessBuildDir, mode === 'development' ? 'bundle' : 'bundle-production');
}

/**
 * Returns the webpack configuration of the harness bundle. Unlike the plugin build, it bundles React and the
 * @grafana/* packages instead of taking them from Grafana.
 */
function harnessConfig(mode: HarnessMode): Configuration {
  return {
    mode,
    devtool: false,
    context: repositoryRoot,
    entry: { harness: './src/test/harness/main.tsx' },
    output: {
      path: bundleDirOf(mode),
      filename: '[name].js',
      chunkFilename: '[name].chunk.js',
      publicPath: '/assets/',
      clean: true,
    },
    cache: { type: 'filesystem', cacheDirectory: path.join(harnessBuildDir, 'cache'), name: mode },
    resolve: {
      extensions: ['.js', '.jsx', '.ts', '.tsx', '.mjs'],
      modules: [path.join(repositoryRoot, 'src'), 'node_modules'],
    },
    module: {
      rules: [
        {
          test: /\.[tj]sx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                target: 'es2020',
                parser: { syntax: 'typescript', tsx: true, dynamicImport: true },
                transform: { react: { runtime: 'automatic' } },
              },
            },
          },
        },
        // Packages that publish ES modules import files without extensions, which strict ESM resolution rejects.
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
        { test: /\.(png|jpe?g|gif|svg|woff2?|ttf|eot)$/, type: 'asset/resource' },
      ],
    },
    performance: { hints: false },
    infrastructureLogging: { level: 'error' },
  };
}

/** Builds the harness bundle into bundleDirOf(mode); throws with webpack's errors when the build fails. */
export async function buildHarnessBundle(mode: HarnessMode = 'development'): Promise<void> {
  mkdirSync(harnessBuildDir, { recursive: true });
  const compiler = webpack(harnessConfig(mode));

  const stats = await new Promise<webpack.Stats>((resolve, reject) => {
    compiler.run((error, result) =>
      error || !result ? reject(error ?? new Error('webpack returned no stats')) : resolve(result)
    );
  });
  await new Promise<void>((resolve) => compiler.close(() => resolve()));

  if (stats.hasErrors()) {
    const errors = stats.toJson({ all: false, errors: true }).errors ?? [];
    throw new Error(`The harness bundle failed to build:\n${errors.map((error) => error.message).join('\n\n')}`);
  }
}
