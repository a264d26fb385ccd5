import fs from 'fs';

import {
  bindMounts,
  composeService,
  composeServices,
  composeText,
  serviceCommand,
  serviceEnvironment,
} from './compose-file';
import { pluginIdsIn } from '../../cli/demo/grafana';
import { secretName } from './literal-secrets';
import {
  appPluginId,
  isRecord,
  pluginIds,
  readJson,
  readText,
  readYaml,
  repositoryPath,
  repositoryRoot,
} from './repository';

const dockerfile = 'deploy/openciem.Dockerfile';
const initScript = 'deploy/postgres-init/10-grafana-reader.sh';

// Host paths that a build creates, so they need not exist in a fresh checkout.
const buildOutputs = new Set(['./dist']);

// A tag that names a release (17.9-bookworm, 12.4.10), not a moving line such as latest or 17.
const releaseTag = /^\d+\.\d+(\.\d+)?([-.][a-z0-9][a-z0-9.-]*)?$/;

function imageTag(image: string): string | undefined {
  const name = image.split('@')[0];
  const colon = name.indexOf(':', name.lastIndexOf('/') + 1);
  return colon < 0 ? undefined : name.slice(colon + 1);
}

/** Returns the name of the compose variable a value is exactly made of: `${NAME...}`. */
function variableName(value: string): string | undefined {
  return /^\$\{([A-Za-z_]\w*)[^}]*\}$/.exec(value)?.[1];
}

/** Lists every string in a parsed YAML document, which leaves out its comments. */
function stringValues(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if (Array.isArray(value)) {
    return value.flatMap(stringValues);
  }
  return isRecord(value) ? Object.values(value).flatMap(stringValues) : [];
}

function packageScripts(): Record<string, string> {
  const manifest = readJson('package.json');
  if (!isRecord(manifest) || !isRecord(manifest.scripts)) {
    throw new Error('package.json has no "scripts"');
  }
  return manifest.scripts as Record<string, string>;
}

function dockerfileCopySources(): string[] {
  return readText(dockerfile)
    .split('\n')
    .filter((line) => /^COPY\s/i.test(line))
    .flatMap((line) => {
      const words = line
        .trim()
        .split(/\s+/)
        .slice(1)
        .filter((word) => !word.startsWith('--'));
      return words.slice(0, -1).map((source) => source.replace(/^\.\//, '').replace(/\/$/, ''));
    });
}

function initDatabaseUrls(): URL[] {
  const command = serviceCommand(composeService('openciem-init'));
  return [...command.matchAll(/--database-url\s+(\S+)/g)].map((match) => new URL(match[1]));
}

const allBindMounts = Object.entries(composeServices()).flatMap(([service, definition]) =>
  bindMounts(definition).map((mount) => ({ service, ...mount }))
);

describe('docker-compose.yml services', () => {
  it('defines postgres, openciem-init and grafana', () => {
    expect(Object.keys(composeServices()).sort()).toEqual(['grafana', 'openciem-init', 'postgres']);
  });

  it.each(Object.entries(composeServices()))('%s has an image or a build', (_name, service) => {
    expect(service.image !== undefined || service.build !== undefined).toBe(true);
  });

  it.each(
    Object.entries(composeServices())
      .filter(([, service]) => service.image !== undefined)
      .map(([name, service]) => [name, String(service.image)])
  )('%s image %s pins a release tag', (_name, image) => {
    expect(image).not.toContain('$');
    expect(imageTag(image)).toMatch(releaseTag);
  });

  it('publishes ports on the loopback address only', () => {
    const ports = Object.values(composeServices()).flatMap((service) =>
      Array.isArray(service.ports) ? service.ports.map(String) : []
    );
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) {
      expect(port).toMatch(/^127\.0\.0\.1:/);
    }
  });
});

describe('docker-compose.yml bind mounts', () => {
  it('has bind mounts', () => {
    expect(allBindMounts.length).toBeGreaterThan(0);
  });

  it.each(allBindMounts.filter((mount) => !buildOutputs.has(mount.source)))(
    '$service mounts $source, which exists',
    ({ source }) => {
      expect(fs.existsSync(repositoryPath(source))).toBe(true);
    }
  );

  it.each(allBindMounts)('$service mount of $source is read-only', ({ readOnly }) => {
    expect(readOnly).toBe(true);
  });

  // Docker creates a missing source as an empty folder, and Grafana would then start without
  // the plugin instead of failing.
  it.each(allBindMounts)('$service mount of $source does not create the host path', ({ createsHostPath }) => {
    expect(createsHostPath).toBe(false);
  });

  it('mounts dist at the plugin folder named after the app id', () => {
    const targets = bindMounts(composeService('grafana'))
      .filter((mount) => mount.source === './dist')
      .map((mount) => mount.target);
    expect(targets).toEqual([`/var/lib/grafana/plugins/${appPluginId()}`]);
  });

  it('mounts dist, which is the webpack output directory', async () => {
    const script = packageScripts()['build:plugin'] ?? '';
    const configFile = /(?:^|\s)(?:-c|--config)[\s=](\S+)/.exec(script)?.[1];
    expect(configFile).toBeDefined();

    // npm runs scripts from the package root, and the scaffold's config resolves dist/ against
    // the working directory.
    const cwd = jest.spyOn(process, 'cwd').mockReturnValue(repositoryRoot);
    try {
      const configModule = require(repositoryPath(configFile ?? ''));
      const factory = configModule.default ?? configModule;
      const config = typeof factory === 'function' ? await factory({ production: true }) : factory;
      expect(config.output.path).toBe(repositoryPath('dist'));
    } finally {
      cwd.mockRestore();
    }
  }, 60_000);
});

describe('docker-compose.yml secrets', () => {
  const references = [...composeText().matchAll(/\$\{([A-Za-z_]\w*)([^}]*)\}|\$([A-Za-z_]\w*)/g)].map((match) => ({
    name: match[1] ?? match[3],
    modifier: match[2] ?? '',
  }));
  const secretReferences = references.filter((reference) => secretName.test(reference.name));

  it('reads secrets from variables', () => {
    expect(secretReferences.length).toBeGreaterThan(0);
  });

  it.each(secretReferences)('$name is required, not defaulted', ({ modifier }) => {
    expect(modifier.startsWith(':?')).toBe(true);
  });

  const secretEntries = Object.entries(composeServices()).flatMap(([service, definition]) =>
    Object.entries(serviceEnvironment(definition))
      .filter(([key]) => secretName.test(key))
      .map(([key, value]) => ({ service, key, value }))
  );

  it.each(secretEntries)('$service $key is a variable', ({ value }) => {
    expect(variableName(value)).toBeDefined();
  });
});

describe('docker-compose.yml start order', () => {
  it('postgres has a pg_isready healthcheck', () => {
    const healthcheck = composeService('postgres').healthcheck;
    expect(isRecord(healthcheck) && Array.isArray(healthcheck.test) ? healthcheck.test : []).toContain('pg_isready');
  });

  it('openciem-init waits for postgres to be healthy', () => {
    expect(composeService('openciem-init').depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('grafana waits for openciem-init to succeed', () => {
    expect(composeService('grafana').depends_on).toEqual({
      'openciem-init': { condition: 'service_completed_successfully' },
    });
  });
});

describe('openciem-init', () => {
  it('builds deploy/openciem.Dockerfile from the repository root', () => {
    expect(composeService('openciem-init').build).toEqual({ context: '.', dockerfile });
  });

  it('runs migrate, then demo', () => {
    const command = serviceCommand(composeService('openciem-init'));
    const migrate = command.indexOf('openciem migrate --database-url ');
    const demo = command.indexOf('openciem demo --database-url ');
    expect(migrate).toBeGreaterThanOrEqual(0);
    expect(demo).toBeGreaterThan(migrate);
  });

  it('connects to the postgres service as its owner', () => {
    const postgres = serviceEnvironment(composeService('postgres'));
    const urls = initDatabaseUrls();
    expect(urls).toHaveLength(2);
    for (const url of urls) {
      expect(url.hostname).toBe('postgres');
      expect(url.username).toBe(postgres.POSTGRES_USER);
      expect(url.pathname).toBe(`/${postgres.POSTGRES_DB}`);
    }
  });

  it('keeps the password out of the URL and passes the owner password in PGPASSWORD', () => {
    for (const url of initDatabaseUrls()) {
      expect(url.password).toBe('');
    }
    const ownerPassword = serviceEnvironment(composeService('postgres')).POSTGRES_PASSWORD;
    const initPassword = serviceEnvironment(composeService('openciem-init')).PGPASSWORD;
    expect(variableName(initPassword ?? '')).toBe(variableName(ownerPassword ?? ''));
  });
});

describe('deploy/openciem.Dockerfile', () => {
  it('starts from a base image with a release tag', () => {
    const images = [...readText(dockerfile).matchAll(/^FROM\s+(\S+)/gim)].map((match) => match[1]);
    expect(images).toHaveLength(1);
    expect(imageTag(images[0])).toMatch(releaseTag);
  });

  it.each(['package.json', 'package-lock.json', 'bin', 'cli', 'sql-views'])('copies %s', (source) => {
    expect(dockerfileCopySources()).toContain(source);
  });

  it('copies the folder of every package.json bin entry', () => {
    const manifest = readJson('package.json');
    const bins = isRecord(manifest) && isRecord(manifest.bin) ? Object.values(manifest.bin).map(String) : [];
    expect(bins.length).toBeGreaterThan(0);
    for (const bin of bins) {
      expect(dockerfileCopySources()).toContain(bin.replace(/^\.\//, '').split('/')[0]);
    }
  });

  it('installs with npm ci, which compiles the CLI through the prepare script', () => {
    expect(readText(dockerfile)).toMatch(/^RUN\s+npm ci\b/m);
    expect(packageScripts().prepare).toContain('build:cli');
  });

  it('copies nothing that .dockerignore leaves out of the build context', () => {
    const ignored = readText('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const source of dockerfileCopySources()) {
      expect(ignored).not.toContain(source);
    }
  });
});

describe('PostgreSQL init script', () => {
  const script = readText(initScript);
  const postgresMounts = bindMounts(composeService('postgres'));

  it('is mounted into the image init folder', () => {
    expect(postgresMounts).toContainEqual(
      expect.objectContaining({ source: './deploy/postgres-init', target: '/docker-entrypoint-initdb.d' })
    );
  });

  it('is executable', () => {
    expect(fs.statSync(repositoryPath(initScript)).mode & 0o111).not.toBe(0);
  });

  it('runs the SQL file from where compose mounts it', () => {
    const sqlPath = /--file\s+(\S+)/.exec(script)?.[1];
    expect(postgresMounts).toContainEqual(
      expect.objectContaining({ source: './deploy/grafana-reader-role.sql', target: sqlPath })
    );
  });

  it('grants to the role that openciem-init migrates with', () => {
    expect(script).toContain('owner_role="$POSTGRES_USER"');
  });

  it('gets the reader password from the postgres service environment', () => {
    expect(script).toContain('reader_password="$OPENCIEM_GRAFANA_DB_PASSWORD"');
    const postgres = serviceEnvironment(composeService('postgres'));
    const grafana = serviceEnvironment(composeService('grafana'));
    expect(variableName(postgres.OPENCIEM_GRAFANA_DB_PASSWORD ?? '')).toBe('OPENCIEM_GRAFANA_DB_PASSWORD');
    expect(variableName(grafana.OPENCIEM_GRAFANA_DB_PASSWORD ?? '')).toBe('OPENCIEM_GRAFANA_DB_PASSWORD');
  });

  it('creates the role that Grafana logs in as', () => {
    const readerRole = /reader_role=(\S+)/.exec(script)?.[1];
    expect(serviceEnvironment(composeService('grafana')).OPENCIEM_GRAFANA_DB_USER).toBe(readerRole);
  });
});

// openciem demo starts Grafana itself, with the ids it reads from the plugin folder.
describe('demo grafana', () => {
  it('allows every unsigned plugin id under src/', () => {
    expect(pluginIdsIn(repositoryPath('src')).sort()).toEqual(pluginIds().sort());
  });
});

describe('grafana service', () => {
  const environment = serviceEnvironment(composeService('grafana'));

  it('allows loading every unsigned plugin id under src/', () => {
    const allowed = (environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS ?? '').split(',').map((id) => id.trim());
    const ids = pluginIds();
    expect(ids).toContain(appPluginId());
    expect(allowed).toEqual(expect.arrayContaining(ids));
  });

  it('sets every variable the datasource provisioning file reads', () => {
    const values = stringValues(readYaml('provisioning/datasources/openciem.yaml'));
    const names = values.flatMap((value) =>
      [...value.matchAll(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g)].map((match) => match[1] ?? match[2])
    );
    expect(names.length).toBeGreaterThan(0);
    expect(Object.keys(environment)).toEqual(expect.arrayContaining(names));
  });

  it('points the datasource at the postgres service and its database', () => {
    const postgres = serviceEnvironment(composeService('postgres'));
    expect(environment.OPENCIEM_GRAFANA_DB_HOST).toBe('postgres');
    expect(environment.OPENCIEM_GRAFANA_DB_PORT).toBe('5432');
    expect(environment.OPENCIEM_GRAFANA_DB_NAME).toBe(postgres.POSTGRES_DB);
  });
});
