import type { Command } from 'commander';

import { connect } from '../db/connection';
import { refreshIfMigrated } from '../engine/refresh';
import { importAuthorizationDetails } from '../import/aws-authz/import';
import { policyTarget, readIamPolicyFile, writeIamPolicy, type GcpPolicyImportOptions } from '../import/gcp/import';
import { describeKubectlImport, importKubectlList } from '../import/kubectl/import';
import { kubectlExportCommand } from '../import/kubectl/read-file';
import { defaultSource, importKnownAccounts } from '../trust/import-known-accounts';

interface KnownAccountsCommandOptions {
  databaseUrl?: string;
  source?: string;
}

interface ImportCommandOptions {
  databaseUrl?: string;
  sourceSchema: string;
  accountId?: string;
}

export function registerImport(program: Command): void {
  const importCommand = program
    .command('import')
    .description('Load cloud IAM exports into CloudQuery-shaped tables, for databases without CloudQuery');

  importCommand
    .command('aws-authz')
    .description(
      'Load the JSON of `aws iam get-account-authorization-details` into the AWS IAM tables, replacing the rows of that account'
    )
    .argument('<file>', 'JSON file written by aws iam get-account-authorization-details')
    .option('--account-id <id>', '12-digit account the export belongs to (default: the account most ARNs name)')
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, else the PG* variables)')
    .option('--source-schema <schema>', 'schema of the CloudQuery tables to write', 'public')
    .action(async (file: string, options: ImportCommandOptions) => {
      const client = await connect(options);
      try {
        const summary = await importAuthorizationDetails(client, file, options);
        // After the import's own transaction: the views then read the new rows.
        await refreshIfMigrated(client);
        for (const warning of summary.warnings) {
          console.error(`warning: ${warning}`);
        }
        const count = (table: string) => summary.counts.find((item) => item.table === table)?.rows ?? 0;
        const total = summary.counts.reduce((sum, item) => sum + item.rows, 0);
        console.log(
          `Imported account ${summary.accountId} from ${file} into schema ${summary.schema}: ` +
            `${count('aws_iam_users')} users, ${count('aws_iam_groups')} groups, ${count('aws_iam_roles')} roles, ` +
            `${count('aws_iam_policies')} policies (${total} rows in ${summary.counts.length} tables).`
        );
      } finally {
        await client.end();
      }
    });

  importCommand
    .command('kubectl')
    .description(
      `Load the JSON of \`${kubectlExportCommand.replace(' > FILE', '')}\` into the Kubernetes RBAC tables, replacing the rows of that context`
    )
    .argument('<file>', 'JSON file written by kubectl get ... -o json')
    .requiredOption('--context <name>', 'kube context (cluster) the file was read from; its rows are replaced')
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, else the PG* variables)')
    .option('--source-schema <schema>', 'schema of the CloudQuery tables to write', 'public')
    .action(async (file: string, options: { context: string; databaseUrl?: string; sourceSchema: string }) => {
      const client = await connect(options);
      try {
        const summary = await importKubectlList(client, file, options);
        // After the import's own transaction: the views then read the new rows.
        await refreshIfMigrated(client);
        summary.warnings.forEach((warning) => console.error(`warning: ${warning}`));
        console.log(describeKubectlImport(file, summary));
      } finally {
        await client.end();
      }
    });

  importCommand
    .command('gcp-iam-policy')
    .description(
      'Load the JSON of `gcloud projects get-iam-policy ID --format=json` (or of the folders and organizations variants) ' +
        'into the GCP policy tables, replacing the stored policy of that project, folder or organization'
    )
    .argument('<file>', 'JSON file written by gcloud ... get-iam-policy --format=json')
    .option('--project-id <id>', 'project whose policy the file holds')
    .option('--folder-id <id>', 'folder whose policy the file holds (gcloud resource-manager folders get-iam-policy)')
    .option('--organization-id <id>', 'organization whose policy the file holds (gcloud organizations get-iam-policy)')
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, else the PG* variables)')
    .option('--source-schema <schema>', 'schema of the CloudQuery tables to write', 'public')
    .action(async (file: string, options: GcpPolicyImportOptions & { databaseUrl?: string }) => {
      // The options and the file are checked before connecting, so a typo needs no database.
      const target = policyTarget(options);
      const policy = await readIamPolicyFile(file, target);
      const client = await connect(options);
      try {
        const summary = await writeIamPolicy(client, options.sourceSchema, target, policy);
        // After the import's own transaction: the views then read the new rows.
        await refreshIfMigrated(client);
        console.log(
          `Imported the IAM policy of ${summary.target.resource} from ${file} into ${summary.schema}.${summary.target.table}: ` +
            `${policy.bindings.length} bindings (${policy.conditionalBindings} conditional), ${policy.memberCount} members, version ${policy.version ?? 1}.`
        );
      } finally {
        await client.end();
      }
    });

  importCommand
    .command('known-accounts')
    .description(
      'Load a list of known AWS accounts (accounts.yaml of the known_aws_accounts project, or your own list in that format) ' +
        'into ciem.trusted_accounts, replacing the list imported before from the same source'
    )
    .argument('<file>', 'YAML list of entries with name, accounts and optionally source and type')
    .option(
      '--source <label>',
      'label of this list; an import replaces the rows with the same label (default: the file name)'
    )
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, else the PG* variables)')
    .action(async (file: string, options: KnownAccountsCommandOptions) => {
      const client = await connect(options);
      try {
        const summary = await importKnownAccounts(client, file, options.source ?? defaultSource(file));
        // Trust classification reads the list, so the views are recomputed after the import's transaction.
        await refreshIfMigrated(client);
        console.log(
          `Imported ${summary.accounts} accounts of ${summary.entries} names from ${file} as source "${summary.source}" ` +
            `(replaced ${summary.replaced} rows of that source).`
        );
      } finally {
        await client.end();
      }
    });
}
