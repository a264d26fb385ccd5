import { UserError } from '../errors';
import { redactUrl, resolveClientConfig } from './connection';

describe('resolveClientConfig', () => {
  test('prefers --database-url over DATABASE_URL', () => {
    const config = resolveClientConfig({ databaseUrl: 'postgres://a@127.0.0.1/one' }, { DATABASE_URL: 'postgres://b@127.0.0.1/two' });
    expect(config.connectionString).toBe('postgres://a@127.0.0.1/one');
  });

  test('falls back to DATABASE_URL', () => {
    expect(resolveClientConfig({}, { DATABASE_URL: 'postgresql://b@127.0.0.1/two' }).connectionString).toBe('postgresql://b@127.0.0.1/two');
  });

  test('leaves the PG* variables to pg', () => {
    expect(resolveClientConfig({}, { PGHOST: '127.0.0.1', PGDATABASE: 'x' }).connectionString).toBeUndefined();
  });

  test('without any setting names the three ways to give one', () => {
    expect(() => resolveClientConfig({}, {})).toThrow(UserError);
    expect(() => resolveClientConfig({}, {})).toThrow('no database to connect to');
  });

  test('rejects a URL that does not parse', () => {
    expect(() => resolveClientConfig({ databaseUrl: 'not a url' }, {})).toThrow('invalid database URL "not a url"');
  });
});

describe('redactUrl', () => {
  test('hides the password', () => {
    expect(redactUrl('postgres://user:p%40ss@host:5432/db')).toBe('postgres://user:***@host:5432/db');
  });

  test('leaves URLs without a password alone', () => {
    expect(redactUrl('postgres://user@host/db')).toBe('postgres://user@host/db');
  });
});
