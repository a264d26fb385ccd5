import { trustPolicy } from '../../cli/demo/iam-builders';
import { allow, caseAccountBuilder, doc, loadAccounts, roleArn, userArn } from '../engine/fixture';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { findingsOf } from './support';

// Transitive reach (sql-views/0020): every hop needs the caller's permission and the role's
// trust policy (IAM User Guide, "Cross-account policy evaluation logic"), except that a
// same-account trust policy naming the caller's ARN needs no identity policy ("Policy
// evaluation logic"). The chain here is the iam-vulnerable privesc-AssumeRole shape: a user, two
// roles, then an admin role.

const other = '100000000002';
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const home = caseAccountBuilder()
    .user({ name: 'start', ageDays: 30, inline: { hop: doc(allow('sts:AssumeRole', roleArn('starting'))) } })
    .user({ name: 'outsider', ageDays: 30, inline: { hop: doc(allow('sts:AssumeRole')) } })
    .role({ name: 'starting', ageDays: 30, trust: trustPolicy({ AWS: userArn('start') }), inline: { hop: doc(allow('sts:AssumeRole', roleArn('intermediate'))) } })
    .role({ name: 'intermediate', ageDays: 30, trust: trustPolicy({ AWS: roleArn('starting') }) })
    .role({ name: 'ending', ageDays: 30, trust: trustPolicy({ AWS: roleArn('intermediate') }), inline: { all: doc(allow('*')) } })
    .user({ name: 'cross-caller', ageDays: 30, inline: { hop: doc(allow('sts:AssumeRole', roleArn('vendor-admin', other))) } });
  const remote = caseAccountBuilder(other).role({
    name: 'vendor-admin',
    ageDays: 30,
    trust: trustPolicy({ AWS: userArn('cross-caller') }),
    inline: { all: doc(allow('*')) },
  });
  await loadAccounts(db.client, home, remote);
}, 120_000);

afterAll(async () => {
  await db.drop();
});

const reach = async (arn: string) => (await findingsOf(db.client, arn, 'privilege_escalation')).find((f) => f.finding_key === 'assume-role-chain');

test('three-hop chain to an admin role', async () => {
  const finding = await reach(userArn('start'));
  expect(finding?.severity).toBe('critical');
  expect(finding?.evidence).toMatchObject({
    target: roleArn('ending'),
    hops: 3,
    chain: [userArn('start'), roleArn('starting'), roleArn('intermediate'), roleArn('ending')],
  });
});

// The intermediate role has no identity policy: its hop to the ending role rests on the ending
// role's trust policy naming it.
test('trust naming the ARN needs no identity policy', async () => {
  expect((await reach(roleArn('intermediate')))?.evidence.hops).toBe(1);
});

// The outsider may call sts:AssumeRole on every role, but no trust policy names it or its account.
test('permission without trust is no hop', async () => {
  expect(await reach(userArn('outsider'))).toBeUndefined();
});

test('cross-account hop needs both sides', async () => {
  expect((await reach(userArn('cross-caller')))?.evidence.target).toBe(roleArn('vendor-admin', other));
});
