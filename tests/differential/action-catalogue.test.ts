import { ActionCatalogue, actionsNamedBy, appliesToUnnamedActions, wildcardExpression, type CatalogueAction } from './action-catalogue';

const catalogue = new ActionCatalogue(
  [
    's3:DeleteObject',
    's3:DeleteObjectTagging',
    's3:GetObject',
    's3:ListAllMyBuckets',
    's3:PutObject',
    's3:ReplicateObject',
    'iam:ListAccessKeys',
    'iam:ListRoleTags',
    'iam:ListRoles',
    'iam:ListUserTags',
    'ec2:RunInstances',
  ].map((action): CatalogueAction => ({ action, service: action.split(':')[0], resourceTypes: [], arnFormats: [] }))
);

function names(pattern: string): string[] {
  return catalogue.match(pattern).map((entry) => entry.action).sort();
}

describe('ActionCatalogue.match', () => {
  test('"*" alone matches every action', () => {
    expect(names('*')).toHaveLength(catalogue.actions.length);
  });

  test('"*" in the middle matches any run', () => {
    expect(names('s3:*Object')).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject', 's3:ReplicateObject']);
    expect(names('iam:List*Tags')).toEqual(['iam:ListRoleTags', 'iam:ListUserTags']);
  });

  test('"?" matches exactly one character', () => {
    expect(names('iam:ListRole?')).toEqual(['iam:ListRoles']);
    expect(names('iam:ListRoles?')).toEqual([]);
  });

  test('service and name compare case-insensitively', () => {
    expect(names('IAM:listaccesskeys')).toEqual(['iam:ListAccessKeys']);
    expect(names('S3:get*')).toEqual(['s3:GetObject']);
  });

  test('a value without a colon matches nothing', () => {
    expect(names('s3')).toEqual([]);
    expect(names('GetObject')).toEqual([]);
  });

  test('trailing whitespace is part of the name', () => {
    expect(names('s3:GetObject ')).toEqual([]);
  });

  test('an unknown service matches nothing', () => {
    expect(names('dyanmodb:PutItem')).toEqual([]);
  });

  test('a wildcard in the service reaches every service', () => {
    expect(names('*:List*Tags')).toEqual(['iam:ListRoleTags', 'iam:ListUserTags']);
  });
});

describe('wildcardExpression', () => {
  test('treats regular expression characters literally', () => {
    expect(wildcardExpression('s3:Get.bject').test('s3:GetObject')).toBe(false);
    expect(wildcardExpression('s3:(Get)').test('s3:(Get)')).toBe(true);
  });
});

describe('actionsNamedBy', () => {
  test('collects Action and NotAction values of every statement', () => {
    const named = actionsNamedBy(
      {
        Statement: [
          { Effect: 'Allow', Action: 's3:Get*', Resource: '*' },
          { Effect: 'Deny', NotAction: ['iam:ListRoles', 'ec2:*'], Resource: '*' },
        ],
      },
      catalogue
    );
    expect([...named].sort()).toEqual(['ec2:RunInstances', 'iam:ListRoles', 's3:GetObject']);
  });

  test('reads a single statement object', () => {
    const named = actionsNamedBy({ Statement: { Effect: 'Allow', Action: 's3:PutObject', Resource: '*' } }, catalogue);
    expect([...named]).toEqual(['s3:PutObject']);
  });
});

describe('appliesToUnnamedActions', () => {
  test('is true only with a NotAction statement', () => {
    expect(appliesToUnnamedActions({ Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] })).toBe(true);
    expect(appliesToUnnamedActions({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })).toBe(false);
  });
});
