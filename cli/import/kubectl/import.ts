import type { Client } from 'pg';

import { readKubectlFile } from './read-file';
import { writeKubectlList, type KubectlImportSummary } from './write';

export interface KubectlImportOptions {
  context: string;
  sourceSchema: string;
}

/** Reads, validates and writes one kubectl List file; returns the rows written and any warnings. */
export async function importKubectlList(
  client: Client,
  file: string,
  options: KubectlImportOptions
): Promise<KubectlImportSummary & { warnings: string[] }> {
  const parsed = await readKubectlFile(file, options.context);
  const summary = await writeKubectlList(client, options.sourceSchema, parsed);
  return { ...summary, warnings: parsed.warnings };
}

/** Formats the line that the CLI prints after an import. */
export function describeKubectlImport(file: string, summary: KubectlImportSummary): string {
  const count = (table: string) => summary.counts.find((item) => item.table === table)?.rows ?? 0;
  return (
    `Imported context ${summary.context} from ${file} into schema ${summary.schema}: ` +
    `${count('k8s_rbac_roles')} Roles, ${count('k8s_rbac_cluster_roles')} ClusterRoles, ` +
    `${count('k8s_rbac_role_bindings')} RoleBindings, ${count('k8s_rbac_cluster_role_bindings')} ClusterRoleBindings, ` +
    `${count('k8s_core_service_accounts')} ServiceAccounts.`
  );
}
