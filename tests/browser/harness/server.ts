// The test-only HTTP server behind the browser harness, on 127.0.0.1 only. It serves the harness bundle and the
// Grafana APIs the app calls: /api/ds/query from the test database and /api/plugins/<id>/settings from memory.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { Pool } from 'pg';

import { APP_ID } from '../../../src/test/harness/registry';
import { answerDsQuery, type DsQueryRequest } from '../../support/grafana-ds-query';
import { bundleDirOf, type HarnessMode } from './bundle';

export interface HarnessServer {
  /** Base URL, such as http://127.0.0.1:41234. */
  url: string;
  /** Requests received, newest last, for tests that check what a page sent. */
  requests: Array<{ method: string; url: string; body?: unknown }>;
  stop(): Promise<void>;
}

/** Largest request body the server reads; the app's requests are a few kilobytes. */
const MAX_BODY_BYTES = 1024 * 1024;

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>OpenCIEM harness</title>
    <link rel="icon" href="data:," />
    <script>
      // What Grafana's index page sets before its bundle runs; the browser tests choose the theme. @grafana/ui loads
      // its icons from the public path, which this server serves from the package's own copies.
      window.__grafana_public_path__ = '/public/';
      window.grafanaBootData = {
        assets: { dark: '', light: '' },
        settings: { appSubUrl: '' },
        user: { theme: window.openciemHarnessTheme === 'light' ? 'light' : 'dark' },
        navTree: [],
      };
    </script>
  </head>
  <body>
    <div id="root"></div>
    <script src="/assets/harness.js"></script>
  </body>
</html>
`;

/** Starts the server on a free loopback port; it runs the queries of /api/ds/query on the database at `databaseUrl`. */
export async function startHarnessServer(databaseUrl: string, mode: HarnessMode = 'development'): Promise<HarnessServer> {
  const bundleDir = bundleDirOf(mode);
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  const requests: HarnessServer['requests'] = [];
  let settings = { enabled: true, pinned: true, jsonData: {} };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const body = method === 'POST' ? await readJsonBody(request) : undefined;
    requests.push({ method, url: `${url.pathname}${url.search}`, body });

    // NOTE: every datasource uid is answered from the test database, so a page that queries a wrong uid still works
    // here; Grafana would reject it.
    if (method === 'POST' && url.pathname === '/api/ds/query') {
      const answer = await answerDsQuery(pool, body as DsQueryRequest);
      return sendJson(response, answer.status, answer.body);
    }

    if (url.pathname === `/api/plugins/${APP_ID}/settings`) {
      if (method === 'POST') {
        settings = { ...settings, ...(body as typeof settings) };
        return sendJson(response, 200, { message: 'Plugin settings updated' });
      }
      return sendJson(response, 200, settings);
    }

    if (url.pathname.startsWith('/api/')) {
      return sendJson(response, 404, { message: `The harness does not serve ${url.pathname}` });
    }

    if (url.pathname.startsWith('/assets/')) {
      return sendAsset(response, bundleDir, url.pathname.slice('/assets/'.length));
    }

    if (url.pathname.startsWith(ICON_PATH)) {
      return sendIcon(response, url.pathname.slice(ICON_PATH.length));
    }

    // Every other path is a Grafana route, which the bundle's router renders.
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(INDEX_HTML);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      sendJson(response, 500, { message: error instanceof Error ? error.message : String(error) });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: async () => {
      await closeServer(server);
      await pool.end();
    },
  };
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;

  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new Error(`The request body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }

  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

/** The path under which @grafana/ui requests its icons, and where the package keeps them. */
const ICON_PATH = '/public/build/img/icons/';
const iconDir = path.join(path.dirname(require.resolve('@grafana/ui/package.json')), 'dist', 'public', 'img', 'icons');

async function sendIcon(response: ServerResponse, name: string): Promise<void> {
  // An icon is <set>/<name>.svg; anything else, such as a path with "..", is refused.
  if (!/^[a-z-]+\/[A-Za-z0-9_-]+\.svg$/.test(name)) {
    return sendJson(response, 404, { message: `No icon ${name}` });
  }

  let content: Buffer | string;
  try {
    content = await readFile(path.join(iconDir, name));
  } catch {
    // NOTE: Grafana serves a few icons, such as unicons/spinner.svg, from its own files rather than @grafana/ui's, so
    // the harness answers those with an empty drawing.
    content = EMPTY_ICON;
  }
  response.writeHead(200, { 'Content-Type': 'image/svg+xml' });
  response.end(content);
}

const EMPTY_ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"></svg>';

async function sendAsset(response: ServerResponse, bundleDir: string, name: string): Promise<void> {
  // Only files directly in the bundle folder are served, so a path cannot leave it.
  const file = path.join(bundleDir, path.basename(name));
  const contentType = file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream';

  try {
    const content = await readFile(file);
    response.writeHead(200, { 'Content-Type': contentType });
    response.end(content);
  } catch {
    sendJson(response, 404, { message: `No asset ${name} in ${bundleDir}: build the harness bundle first` });
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
