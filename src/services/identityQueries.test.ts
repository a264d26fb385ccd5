import { HOSTILE_TEXTS, splitLiterals } from '../test/sqlLiterals';
import {
  buildIdentityFindingsQuery,
  buildIdentityPageQuery,
  buildIdentityQuery,
  FIRST_PAGE,
  IDENTITY_PAGE_SIZE,
  type IdentityPageOptions,
} from './identityQueries';
import { buildContainsPattern } from './queries';

describe('buildIdentityPageQuery', () => {
  test('reads every identity for blank filters', () => {
    const sql = buildIdentityPageQuery({ ...FIRST_PAGE, search: '   ' });

    expect(sql).toContain('FROM ciem.identities i\n),');
    expect(sql).not.toContain('WHERE i.');
  });

  test('filters name and ARN with the trimmed search', () => {
    const { literals } = splitLiterals(buildIdentityPageQuery({ ...FIRST_PAGE, search: '  deploy_bot ' }));

    // The 'kubernetes' literal is the cloud whose findings count per cluster.
    expect(literals).toEqual(['%deploy!_bot%', '!', '%deploy!_bot%', '!', 'kubernetes']);
  });

  test('filters account and type', () => {
    const sql = buildIdentityPageQuery({ ...FIRST_PAGE, accountId: '111122223333', identityType: 'role' });

    expect(sql).toContain("WHERE i.account_id = '111122223333'\n    AND i.identity_type = 'role'");
  });

  test.each(HOSTILE_TEXTS)('keeps hostile search inside literals: %j', (search) => {
    const benign = splitLiterals(buildIdentityPageQuery({ ...FIRST_PAGE, search: 'benign' }));
    const hostile = splitLiterals(buildIdentityPageQuery({ ...FIRST_PAGE, search }));

    expect(hostile.skeleton).toBe(benign.skeleton);
    expect(hostile.literals[0]).toBe(buildContainsPattern(search.trim()));
    expect(hostile.literals[2]).toBe(buildContainsPattern(search.trim()));
  });

  test.each(HOSTILE_TEXTS)('keeps hostile account inside literals: %j', (accountId) => {
    const benign = splitLiterals(buildIdentityPageQuery({ ...FIRST_PAGE, accountId: '111122223333' }));
    const hostile = splitLiterals(buildIdentityPageQuery({ ...FIRST_PAGE, accountId }));

    expect(hostile.skeleton).toBe(benign.skeleton);
    expect(hostile.literals).toEqual(
      benign.literals.map((literal) => (literal === '111122223333' ? accountId : literal))
    );
  });

  test('sorts with a stable tie-break', () => {
    const sql = buildIdentityPageQuery({ ...FIRST_PAGE, sortBy: 'openFindings', descending: false });

    expect(sql).toContain('ORDER BY open_findings ASC NULLS LAST, m.display_name, m.identity_id');
  });

  test('counts findings of the page only', () => {
    const sql = buildIdentityPageQuery({ ...FIRST_PAGE, sortBy: 'creepScore' });

    expect(sql).toContain(
      '  WHERE NOT f.suppressed AND f.identity_arn = p.identity_id AND f.cloud = p.cloud\n' +
        "    AND f.account_id IS NOT DISTINCT FROM coalesce(CASE WHEN p.cloud = 'kubernetes' THEN p.account_id END, f.account_id)"
    );
    expect(sql).toContain('ORDER BY c.score DESC NULLS LAST, m.display_name, m.identity_id\n  LIMIT');
    expect(sql).toContain('CROSS JOIN LATERAL');
    expect(sql).toMatch(/ORDER BY p\.page_position$/);
  });

  test('counts every finding to sort by them', () => {
    const sql = buildIdentityPageQuery({ ...FIRST_PAGE, sortBy: 'openFindings' });

    expect(sql).toContain('finding_counts AS (');
    expect(sql).not.toContain('LATERAL');
  });

  test('pages by offset', () => {
    const sql = buildIdentityPageQuery({ ...FIRST_PAGE, page: 3 });

    expect(sql).toContain(`LIMIT ${IDENTITY_PAGE_SIZE} OFFSET ${3 * IDENTITY_PAGE_SIZE}\n`);
  });

  test.each([-1, 1.5, Number.NaN])('rejects the page %p', (page) => {
    expect(() => buildIdentityPageQuery({ ...FIRST_PAGE, page })).toThrow(RangeError);
  });

  test('rejects an unknown sort column', () => {
    const options = {
      ...FIRST_PAGE,
      sortBy: 'display_name; DROP VIEW ciem.identities',
    } as unknown as IdentityPageOptions;

    expect(() => buildIdentityPageQuery(options)).toThrow(
      'Identities cannot be sorted by display_name; DROP VIEW ciem.identities.'
    );
  });

  test('rejects an unknown identity type', () => {
    const options = { ...FIRST_PAGE, identityType: 'robot' } as unknown as IdentityPageOptions;

    expect(() => buildIdentityPageQuery(options)).toThrow(
      'The identity type must be one of user, group, role, service_account, service_principal, managed_identity, ' +
        'domain, public, unknown, got robot.'
    );
  });

  test('filters by cloud', () => {
    const sql = buildIdentityPageQuery({ ...FIRST_PAGE, cloud: 'gcp', identityType: 'service_account' });

    expect(sql).toContain("WHERE i.cloud = 'gcp'\n    AND i.identity_type = 'service_account'");
  });

  test('rejects an unknown cloud', () => {
    const options = { ...FIRST_PAGE, cloud: "aws' OR true --" } as unknown as IdentityPageOptions;

    expect(() => buildIdentityPageQuery(options)).toThrow(RangeError);
  });

  test('counts findings of the same cloud, and of the same cluster for Kubernetes', () => {
    const sql = buildIdentityPageQuery({ ...FIRST_PAGE, sortBy: 'openFindings' });

    expect(sql).toContain("SELECT f.cloud, CASE WHEN f.cloud = 'kubernetes' THEN f.account_id END AS account_id");
    expect(sql).toContain(
      'LEFT JOIN finding_counts fc ON fc.cloud = m.cloud AND fc.identity_arn = m.identity_id\n' +
        "  AND fc.account_id IS NOT DISTINCT FROM CASE WHEN m.cloud = 'kubernetes' THEN m.account_id END"
    );
  });
});

describe('identity queries', () => {
  test('findings within a cloud and account', () => {
    const { literals } = splitLiterals(
      buildIdentityFindingsQuery('User:alice', { cloud: 'kubernetes', accountId: 'prod' })
    );

    expect(literals).toEqual(['User:alice', 'kubernetes', 'prod']);
  });

  test('findings within a cloud in every account', () => {
    const sql = buildIdentityFindingsQuery('user:alice@example.com', { cloud: 'gcp', accountId: null });

    expect(sql).toContain("WHERE identity_arn = 'user:alice@example.com' AND cloud = 'gcp'\nORDER BY");
  });

  test.each(HOSTILE_TEXTS)('keep a hostile ARN inside literals: %j', (arn) => {
    for (const build of [buildIdentityQuery, buildIdentityFindingsQuery]) {
      const benign = splitLiterals(build('arn:aws:iam::111122223333:user/alice'));
      const hostile = splitLiterals(build(arn));

      expect(hostile.skeleton).toBe(benign.skeleton);
      expect(hostile.literals).toEqual([arn]);
    }
  });
});
