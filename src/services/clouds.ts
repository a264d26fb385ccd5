// The clouds of ciem.identities (column cloud) and the words the pages use for them.

export const CLOUDS = ['aws', 'gcp', 'azure', 'kubernetes'] as const;

export type Cloud = (typeof CLOUDS)[number];

export const CLOUD_LABELS: Record<Cloud, string> = {
  aws: 'AWS',
  gcp: 'Google Cloud',
  azure: 'Azure',
  kubernetes: 'Kubernetes',
};

export function isCloud(value: unknown): value is Cloud {
  return CLOUDS.some((cloud) => cloud === value);
}

/** Returns the name of a cloud as the pages show it; a value the plugin does not know is shown as stored. */
export function cloudLabel(cloud: string): string {
  return isCloud(cloud) ? CLOUD_LABELS[cloud] : cloud;
}

/**
 * Returns what account_id names in a cloud. Google Cloud grants made on a folder or organisation list it as the account
 * (folders/N, organizations/N).
 */
export function accountLabel(cloud: string, accountId: string): string {
  switch (cloud) {
    case 'gcp':
      if (accountId.startsWith('folders/')) {
        return 'Folder';
      }
      return accountId.startsWith('organizations/') ? 'Organization' : 'Project';
    case 'azure':
      return 'Subscription';
    case 'kubernetes':
      return 'Cluster';
    default:
      return 'Account';
  }
}

/**
 * Tells whether an identity id names one identity only within its account. Kubernetes ids (User:alice) repeat across
 * clusters for unrelated subjects. A Google Cloud member or an Azure principal is one account of its directory in every
 * project or subscription, and an ARN contains its account.
 */
export function identityIsPerAccount(cloud: string): boolean {
  return cloud === 'kubernetes';
}
