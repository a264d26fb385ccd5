import CopyWebpackPlugin from 'copy-webpack-plugin';
import path from 'path';
import { Compilation, type Compiler, type Configuration } from 'webpack';
import { merge } from 'webpack-merge';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

/**
 * Removes src/test/ from the build. The scaffold copies every JSON file of src/, and the page fixtures there hold query
 * results of the test data, which Grafana has no use for.
 */
class DropTestFiles {
  apply(compiler: Compiler): void {
    compiler.hooks.thisCompilation.tap('DropTestFiles', (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: 'DropTestFiles', stage: Compilation.PROCESS_ASSETS_STAGE_SUMMARIZE },
        (assets) => {
          for (const name of Object.keys(assets)) {
            if (name.startsWith('test/')) {
              compilation.deleteAsset(name);
            }
          }
        }
      );
    });
  }
}

const config = async (env: Env): Promise<Configuration> => {
  const baseConfig = await grafanaConfig(env);

  // The scaffold copies JSON files from src/ only, and the app's dashboards live in the top-level dashboards/ folder.
  // plugin.json includes them as dashboards/<file>.json, a path relative to dist/.
  const copyDashboards = new CopyWebpackPlugin({
    patterns: [{ from: '*.json', context: path.resolve(process.cwd(), 'dashboards'), to: 'dashboards' }],
  });

  // The scaffold copies the logos of the root plugin.json only; each nested panel names its own img/logo.svg.
  const copyPanelLogos = new CopyWebpackPlugin({
    patterns: [{ from: 'panels/*/img/*.svg', context: path.resolve(process.cwd(), 'src'), to: '.' }],
  });

  return merge(baseConfig, { plugins: [copyDashboards, copyPanelLogos, new DropTestFiles()] });
};

export default config;
