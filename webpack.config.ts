import CopyWebpackPlugin from 'copy-webpack-plugin';
import path from 'path';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

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

  return merge(baseConfig, { plugins: [copyDashboards, copyPanelLogos] });
};

export default config;
