import { policyDocument, type ManagedPolicy } from './iam-builders';

/**
 * Policies of the demo organisation. AdministratorAccess is the one AWS-managed policy used,
 * because its document is a single Allow of every action; the rest are customer-managed and
 * written for the demo, each to show a case OpenCIEM reports.
 */
export const administratorAccess: ManagedPolicy = {
  name: 'AdministratorAccess',
  owner: 'aws',
  description: 'Provides full access to AWS services and resources.',
  versions: [policyDocument({ Effect: 'Allow', Action: '*', Resource: '*' })],
};

export function customerPolicies(accountId: string) {
  const own = (policy: Omit<ManagedPolicy, 'owner'>): ManagedPolicy => ({ ...policy, owner: accountId });

  return {
    // v1, no longer the default, still grants iam:*; only the default version is in force.
    developerAccess: own({
      name: 'DeveloperAccess',
      description: 'Build and run workloads in development accounts',
      versions: [
        policyDocument({ Effect: 'Allow', Action: ['ec2:*', 'iam:*'], Resource: '*' }),
        policyDocument(
          { Sid: 'Compute', Effect: 'Allow', Action: ['ec2:*', 'lambda:*', 'logs:*', 'cloudwatch:Get*'], Resource: '*' },
          { Sid: 'Artifacts', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::acme-dev-artifacts/*' },
          { Sid: 'NoIamWrites', Effect: 'Deny', Action: ['iam:Create*', 'iam:Put*', 'iam:Attach*'], Resource: '*' }
        ),
      ],
    }),
    developerBoundary: own({
      name: 'DeveloperBoundary',
      description: 'Permissions boundary for developer users',
      versions: [policyDocument({ Effect: 'Allow', Action: ['ec2:*', 'lambda:*', 'logs:*', 's3:*', 'cloudwatch:*'], Resource: '*' })],
    }),
    readOnlyAudit: own({
      name: 'ReadOnlyAudit',
      description: 'Read configuration for security reviews',
      versions: [
        policyDocument({
          Effect: 'Allow',
          Action: ['iam:Get*', 'iam:List*', 'iam:GenerateCredentialReport', 'ec2:Describe*', 's3:ListAllMyBuckets', 's3:GetBucketPolicy', 'cloudtrail:LookupEvents'],
          Resource: '*',
        }),
      ],
    }),
    // iam:CreatePolicyVersion on every policy lets the holder rewrite its own policy: escalation.
    legacyPolicyEditor: own({
      name: 'LegacyPolicyEditor',
      description: 'Left over from a 2019 migration script',
      versions: [policyDocument({ Effect: 'Allow', Action: ['iam:CreatePolicyVersion', 'iam:ListPolicies', 'iam:GetPolicy'], Resource: '*' })],
    }),
    ciDeploy: own({
      name: 'CiDeploy',
      description: 'Deployments from the CI pipeline',
      versions: [
        policyDocument(
          { Effect: 'Allow', Action: ['cloudformation:*', 'lambda:UpdateFunctionCode', 'lambda:GetFunction'], Resource: '*' },
          { Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${accountId}:role/app-*` },
          { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::acme-deploy-artifacts/*' }
        ),
      ],
    }),
    ordersData: own({
      name: 'OrdersData',
      description: 'Order processing function',
      versions: [
        policyDocument(
          { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], Resource: `arn:aws:dynamodb:eu-west-1:${accountId}:table/orders` },
          { Effect: 'Allow', Action: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' }
        ),
      ],
    }),
    vendorMonitoring: own({
      name: 'VendorMonitoring',
      description: 'Read-only metrics for the monitoring vendor',
      versions: [policyDocument({ Effect: 'Allow', Action: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics', 'tag:GetResources'], Resource: '*' })],
    }),
  };
}

export const selfServiceCredentials = policyDocument({
  Sid: 'ManageOwnCredentials',
  Effect: 'Allow',
  Action: ['iam:CreateAccessKey', 'iam:UpdateAccessKey', 'iam:DeleteAccessKey', 'iam:ChangePassword'],
  Resource: 'arn:aws:iam::*:user/${aws:username}',
});

export const requireMfa = policyDocument({
  Sid: 'DenyWithoutMfa',
  Effect: 'Deny',
  NotAction: ['iam:ChangePassword', 'iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'sts:GetSessionToken'],
  Resource: '*',
  Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
});

export const billingRead = policyDocument({
  Effect: 'Allow',
  Action: ['ce:Get*', 'budgets:View*', 'aws-portal:ViewBilling'],
  Resource: '*',
});

export const reportsRead = policyDocument({
  Effect: 'Allow',
  Action: ['s3:GetObject', 's3:ListBucket'],
  Resource: ['arn:aws:s3:::acme-reports', 'arn:aws:s3:::acme-reports/*'],
});
