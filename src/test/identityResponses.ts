import type { BackendDataSourceResponse } from '@grafana/runtime';

import { tableResponse, type ResultColumn } from './dsQuery';

const IDENTITY_COLUMNS: ResultColumn[] = [
  { name: 'cloud', type: 'string' },
  { name: 'account_id', type: 'string' },
  { name: 'identity_id', type: 'string' },
  { name: 'identity_type', type: 'string' },
  { name: 'display_name', type: 'string' },
  { name: 'path', type: 'string' },
  { name: 'created_at', type: 'time' },
  { name: 'last_used_at', type: 'time' },
  { name: 'permissions_boundary_arn', type: 'string' },
  { name: 'is_service_linked', type: 'boolean' },
];

/** Builds the ciem.identities rows of a small AWS account: two users and a service-linked role. */
export function identitiesResponse(): BackendDataSourceResponse {
  const account = '111122223333';

  return tableResponse('SELECT ... FROM ciem.identities', IDENTITY_COLUMNS, [
    [
      'aws',
      account,
      `arn:aws:iam::${account}:user/alice`,
      'user',
      'alice',
      '/',
      1700000000000,
      1761955200000,
      null,
      false,
    ],
    [
      'aws',
      account,
      `arn:aws:iam::${account}:user/ci/deploy-bot`,
      'user',
      'deploy-bot',
      '/ci/',
      1700000000000,
      null,
      null,
      false,
    ],
    [
      'aws',
      account,
      `arn:aws:iam::${account}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport`,
      'role',
      'AWSServiceRoleForSupport',
      '/aws-service-role/support.amazonaws.com/',
      1600000000000,
      null,
      null,
      true,
    ],
  ]);
}

/** Builds a response without rows for the identities query. */
export function noIdentitiesResponse(): BackendDataSourceResponse {
  return tableResponse('SELECT ... FROM ciem.identities', IDENTITY_COLUMNS, []);
}
