import { toDataFrame } from '@grafana/data';

import {
  trustFrames,
  valuesOf,
  withFieldsReversed,
  withoutFields,
  withRows,
  withValues,
} from '../../test/panelFixtures';
import { readTrustStatements, type TrustStatement } from './trustStatements';

const SSO_ADMIN =
  'arn:aws:iam::200611803367:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc';

function statementsOf(read: ReturnType<typeof readTrustStatements>): TrustStatement[] {
  if (read.kind !== 'statements') {
    throw new Error(`expected statements, got ${JSON.stringify(read)}`);
  }
  return read.statements;
}

describe('readTrustStatements on ciem.cross_account_trust rows', () => {
  test('reads every row', () => {
    const [frame] = trustFrames();

    expect(statementsOf(readTrustStatements([frame]))).toHaveLength(frame.length);
  });

  test('reads the SAML statement of the SSO administrator role', () => {
    const statement = statementsOf(readTrustStatements(trustFrames())).find((row) => row.roleArn === SSO_ADMIN);

    expect(statement).toEqual({
      roleArn: SSO_ADMIN,
      accountId: '200611803367',
      trustedPrincipal: 'arn:aws:iam::200611803367:saml-provider/AWSSSO_b937d2dff24f2774_DO_NOT_DELETE',
      trustedAccountId: '200611803367',
      principalType: 'Federated',
      classification: 'federated_saml',
      narrowedBy: ['SAML:aud'],
      sid: undefined,
      statementIndex: 0,
      effect: 'Allow',
      actions: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
      condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
    });
  });

  test('reads the public bad_role of cloudmapper', () => {
    const statement = statementsOf(readTrustStatements(trustFrames())).find(
      (row) => row.roleArn === 'arn:aws:iam::123456789012:role/bad_role'
    );

    expect(statement).toMatchObject({ trustedPrincipal: '*', classification: 'public', trustedAccountId: undefined });
  });

  test('does not depend on field order', () => {
    const [frame] = trustFrames();

    expect(readTrustStatements([withFieldsReversed(frame)])).toEqual(readTrustStatements([frame]));
  });

  test('reads only the required fields when the optional ones are absent', () => {
    const [frame] = trustFrames();
    const minimal = withoutFields(
      frame,
      'account_id',
      'principal_type',
      'trusted_account_id',
      'narrowed_by',
      'sid',
      'statement_index',
      'effect',
      'actions',
      'condition'
    );

    const [first] = statementsOf(readTrustStatements([minimal]));
    expect(first.narrowedBy).toEqual([]);
    // Without account_id the account comes from the role ARN. The cloudsplaining example has roles whose ARNs name
    // 012345678901 in an export of account 200611803367, so the two can differ.
    expect(first.roleArn).toBe(valuesOf(frame, 'role_arn')[0]);
    expect(first.accountId).toBe('012345678901');
  });

  test('skips a frame without the fields and reads the next', () => {
    const other = toDataFrame({ fields: [{ name: 'identity_type', values: ['role'] }] });

    expect(statementsOf(readTrustStatements([other, ...trustFrames()])).length).toBeGreaterThan(0);
  });

  test('names the missing fields', () => {
    const [frame] = trustFrames();
    const read = readTrustStatements([withoutFields(frame, 'classification', 'role_arn')]);

    expect(read).toEqual({
      kind: 'unreadable',
      message:
        'The query result has no role_arn, classification fields. Select the columns of ciem.cross_account_trust, with these names.',
    });
  });

  test('reports an empty result', () => {
    const [frame] = trustFrames();

    expect(readTrustStatements([withRows(frame, () => false)])).toEqual({ kind: 'empty' });
    expect(readTrustStatements([])).toEqual({ kind: 'empty' });
  });

  test('counts rows without a role', () => {
    const [frame] = trustFrames();
    const broken = withValues(frame, 'role_arn', (value, row) => (row === 0 ? null : value));

    const read = readTrustStatements([broken]);
    expect(read.kind).toBe('statements');
    expect(read.kind === 'statements' ? read.skippedRows : undefined).toBe(1);
  });
});
