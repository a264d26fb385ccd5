import { KnownAccountsError, parseKnownAccounts } from './known-accounts';

// The format of accounts.yaml in the known_aws_accounts project: a list of entries with name,
// source (a URL or a list), optional type, and accounts (12-digit ids).

const sample = `# Format comment
- name: 'Example Vendor'
  source: ['https://example.com/a', 'https://example.com/b']
  accounts: ['111122223333', '444455556666']
- name: ELB logs
  type: 'aws'
  source: https://docs.aws.amazon.com/elasticloadbalancing/
  accounts: [012615275169]
`;

test('parse entries with list and string sources', () => {
  expect(parseKnownAccounts(sample)).toEqual([
    {
      accountId: '111122223333',
      name: 'Example Vendor',
      ownerType: null,
      referenceUrls: ['https://example.com/a', 'https://example.com/b'],
    },
    {
      accountId: '444455556666',
      name: 'Example Vendor',
      ownerType: null,
      referenceUrls: ['https://example.com/a', 'https://example.com/b'],
    },
    {
      accountId: '012615275169',
      name: 'ELB logs',
      ownerType: 'aws',
      referenceUrls: ['https://docs.aws.amazon.com/elasticloadbalancing/'],
    },
  ]);
});

test('unquoted account id keeps its leading zero', () => {
  expect(parseKnownAccounts('- name: X\n  accounts: [012345678901]\n')[0].accountId).toBe('012345678901');
});

test('entry without source is accepted', () => {
  expect(parseKnownAccounts("- name: X\n  accounts: ['123456789012']\n")[0].referenceUrls).toEqual([]);
});

test('repeated account and name is kept once', () => {
  expect(parseKnownAccounts("- name: X\n  accounts: ['123456789012', '123456789012']\n")).toHaveLength(1);
});

test.each([
  ['not YAML', 'a: [\n', /not valid YAML/],
  ['a mapping', 'name: X\naccounts: []\n', /top level is a mapping, not a list/],
  ['a scalar', 'hello\n', /top level is the text "hello"/],
  ['an empty list', '[]\n', /no entries/],
  ['an entry that is text', '- just text\n', /entry 1 is the text "just text"/],
  ['a missing name', "- accounts: ['123456789012']\n", /entry 1 has no name/],
  ['an empty name', "- name: ''\n  accounts: ['123456789012']\n", /entry 1 has no name/],
  ['a missing accounts list', '- name: X\n', /entry 1 \(X\) has no accounts list/],
  [
    'a short account id',
    "- name: X\n  accounts: ['12345']\n",
    /entry 1 \(X\) has the account id "12345", which is not 12 digits/,
  ],
  [
    'a non-numeric account id',
    "- name: Y\n  accounts: ['12345678901a']\n",
    /entry 1 \(Y\) has the account id "12345678901a"/,
  ],
  ['a source mapping', "- name: X\n  source: {a: b}\n  accounts: ['123456789012']\n", /source that is not a URL/],
])('reject %s', (_case, text, message) => {
  expect(() => parseKnownAccounts(text)).toThrow(KnownAccountsError);
  expect(() => parseKnownAccounts(text)).toThrow(message);
});

test('error names the position of a later entry', () => {
  const text = "- name: A\n  accounts: ['123456789012']\n- name: B\n  accounts: ['1']\n";
  expect(() => parseKnownAccounts(text)).toThrow(/entry 2 \(B\)/);
});
