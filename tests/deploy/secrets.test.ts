import { findLiteralSecrets } from './literal-secrets';
import { listFiles, readText } from './repository';

describe('findLiteralSecrets', () => {
  it.each([
    ['YAML password', 'password: hunter2'],
    ['quoted YAML password', "  password: 'hunter2'"],
    ['compose environment mapping', '      POSTGRES_PASSWORD: example'],
    ['compose environment list', '      - GF_SECURITY_ADMIN_PASSWORD=admin'],
    ['literal followed by a variable', '      PGPASSWORD: plain${SUFFIX}'],
    ['environment file', 'OPENCIEM_DB_PASSWORD=s3cret'],
    ['psql variable', 'psql -v reader_password=s3cret -f role.sql'],
    ['SQL role password', "CREATE ROLE openciem_grafana LOGIN PASSWORD 'hunter2';"],
    ['URL credentials', 'DATABASE_URL: postgres://openciem:hunter2@postgres:5432/openciem'],
    ['API key', 'apiKey: secret-key'],
    ['second pair on a line', 'user: grafana password: hunter2'],
  ])('flags %s', (_case, line) => {
    expect(findLiteralSecrets(line)).toEqual([line]);
  });

  it.each([
    ['braced environment variable', "    password: '${OPENCIEM_GRAFANA_DB_PASSWORD}'"],
    ['required compose variable', '      PGPASSWORD: ${OPENCIEM_DB_PASSWORD:?set OPENCIEM_DB_PASSWORD}'],
    ['plain environment variable', 'password: $PASSWORD'],
    ['empty value in an example file', 'OPENCIEM_DB_PASSWORD='],
    ['psql variable in SQL', 'ALTER ROLE :"reader_role" PASSWORD :\'reader_password\';'],
    ['shell variable passed to psql', '  --set reader_password="$OPENCIEM_GRAFANA_DB_PASSWORD" \\'],
    ['documentation placeholder', "USING HINT = 'Run psql with -v reader_password=... first'"],
    ['URL without a password', 'postgres://openciem@postgres:5432/openciem'],
    ['URL password from a variable', 'postgres://openciem:${OPENCIEM_DB_PASSWORD}@postgres:5432/openciem'],
    ['non-secret key', 'user: openciem_grafana'],
  ])('accepts %s', (_case, line) => {
    expect(findLiteralSecrets(line)).toEqual([]);
  });
});

describe('deployment files', () => {
  const files = ['docker-compose.yml', '.env.example', ...listFiles('provisioning'), ...listFiles('deploy')];

  it('include the compose, provisioning and deploy files', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'provisioning/datasources/openciem.yaml',
        'deploy/grafana-reader-role.sql',
        'deploy/postgres-init/10-grafana-reader.sh',
      ])
    );
  });

  it.each(files)('%s contains no literal secret', (file) => {
    expect(findLiteralSecrets(readText(file))).toEqual([]);
  });
});
