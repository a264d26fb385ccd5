import path from 'node:path';

import { packageRoot } from '../../cli/package-root';

// Found by package.json rather than by depth, because npm run bench runs this file compiled under lib/.
export const repositoryRoot = packageRoot();

/**
 * Third-party IAM exports live in the shared folder beside the repository; tests read them from
 * there and the product never does.
 */
export const authorizationDetailsDir = path.resolve(repositoryRoot, '..', 'shared', 'data', 'iam', 'account-authorization-details');

export const exportFiles = {
  cloudsplaining: path.join(authorizationDetailsDir, 'cloudsplaining-examples-files-example.json'),
  cloudsplainingSmall: path.join(authorizationDetailsDir, 'cloudsplaining-test-files-example-authz-details.json'),
  cloudmapper: path.join(authorizationDetailsDir, 'cloudmapper-demo-iam-get-account-authorization-details.json'),
};

/** The AWS managed policies of the iann0036/iam-dataset snapshot: one JSON array of {name, arn, version, document}. */
export const managedPoliciesFile = path.resolve(repositoryRoot, '..', 'shared', 'data', 'iam', 'aws-managed-policies', 'aws-managed-policies.json');
