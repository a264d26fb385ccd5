import { HOSTILE_TEXTS, splitLiterals } from '../test/sqlLiterals';
import { buildExplainQuery, buildNodeActionsQuery, buildPermissionSummaryQuery } from './permissionQueries';

const ARN = 'arn:aws:iam::111122223333:role/Deployer';

describe('permission queries', () => {
  test('summary calls the 0022 function', () => {
    expect(buildPermissionSummaryQuery(ARN)).toContain(`FROM ciem.identity_permission_summary('${ARN}')`);
  });

  test('node asks for one service and level', () => {
    expect(buildNodeActionsQuery(ARN, 's3', 'Write')).toContain(
      `FROM ciem.identity_service_actions('${ARN}', 's3', 'Write')`
    );
  });

  test('explain asks for one action', () => {
    expect(buildExplainQuery(ARN, 's3:GetObject')).toBe(
      `SELECT ciem.explain('${ARN}', 's3:GetObject')::text AS explanation`
    );
  });

  test.each(HOSTILE_TEXTS)('keep hostile values inside literals: %j', (text) => {
    const cases = [
      [buildPermissionSummaryQuery(ARN), buildPermissionSummaryQuery(text), [text]],
      [buildNodeActionsQuery(ARN, 's3', 'Write'), buildNodeActionsQuery(text, text, 'Write'), [text, text, 'Write']],
      [buildExplainQuery(ARN, 's3:GetObject'), buildExplainQuery(text, text), [text, text]],
    ] as const;

    for (const [benignSql, hostileSql, literals] of cases) {
      expect(splitLiterals(hostileSql).skeleton).toBe(splitLiterals(benignSql).skeleton);
      expect(splitLiterals(hostileSql).literals).toEqual(literals);
    }
  });
});
