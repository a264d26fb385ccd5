import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

export interface TestDatabase {
  name: string;
  url: string;
  /** A connected client; closed by drop(). */
  client: Client;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.OPENCIEM_TEST_ADMIN_URL;
  if (!url) {
    throw new Error('OPENCIEM_TEST_ADMIN_URL is not set: run the tests through jest, whose global setup starts PostgreSQL');
  }
  return url;
}

/** Creates an empty database of its own for one test file, so files never see each other's rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `openciem_test_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }

  const url = withDatabase(adminUrl(), name);
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    name,
    url,
    client,
    drop: async () => {
      await client.end();
      const cleanup = new Client({ connectionString: adminUrl() });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
