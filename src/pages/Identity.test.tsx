import React from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { Observable } from 'rxjs';
import { PluginContextProvider } from '@grafana/data';
import { getBackendSrv, type BackendSrvRequest } from '@grafana/runtime';

import { testIds } from '../components/testIds';
import { sqlOf } from '../test/dsQuery';
import { answerWithFixtures, fixtureResponse, fixtureRows, readFixture } from '../test/fixtures';
import { appMeta } from '../test/pluginMeta';
import Identity from './Identity';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
}));

// The fixtures come from the real IAM exports (tests/plugin/page-fixtures.test.ts).
const ADMINISTRATOR = 'arn:aws:iam::200611803367:role/OrganizationAccountAccessRole';
const ALLOW_AND_DENY = 'arn:aws:iam::200611803367:user/fp1-allow-and-deny-user';

// The first action of each expanded node in the fixtures, which the tree draws without scrolling.
const ADMINISTRATOR_ACTION = String(fixtureRows('node-actions-administrator-s3-permissions')[0].action);
const DENIED_ACTION = String(fixtureRows('node-actions-allow-and-deny-iam-write')[0].action);

const ADMINISTRATOR_FIXTURES = [
  'identity-administrator',
  'findings-administrator',
  'permission-summary-administrator',
  'node-actions-administrator-s3-permissions',
  'explain-administrator-s3-permissions-first',
];

// The demo identity with the highest creep score, loaded with dates relative to the capture.
const DEMO_FIXTURES = ['identity-demo-unused', 'findings-demo-unused', 'permission-summary-demo-unused'];

// jsdom lays nothing out, so the tree's viewport reports the height a browser would give it.
const VIEWPORT_HEIGHT_PX = 360;

// EmptyState draws a large inline SVG, which takes jsdom several seconds on a busy machine.
const EMPTY_STATE_TIMEOUT_MS = 20_000;

const fetchMock = jest.fn();

beforeEach(() => {
  fetchMock.mockReset();
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  jest.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(VIEWPORT_HEIGHT_PX);
  jest.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1200);
});

afterEach(() => {
  jest.restoreAllMocks();
});

function renderIdentity(arn: string | null) {
  return renderPath(arn === null ? '/identity' : `/identity?arn=${encodeURIComponent(arn)}`);
}

function renderPath(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <PluginContextProvider meta={appMeta()}>
        <Routes>
          <Route path="/identity" element={<Identity />} />
        </Routes>
      </PluginContextProvider>
    </MemoryRouter>
  );
}

function requestedSql(): string[] {
  return fetchMock.mock.calls.map(([request]: [BackendSrvRequest]) => sqlOf(request));
}

function treeItems(): HTMLElement[] {
  return within(screen.getByTestId(testIds.identity.tree)).queryAllByRole('treeitem');
}

async function openTree(fixtures: string[], arn: string): Promise<HTMLElement> {
  fetchMock.mockImplementation(answerWithFixtures(fixtures));
  renderIdentity(arn);

  return screen.findByTestId(testIds.identity.tree);
}

describe('Identity page summary', () => {
  test('shows the attributes of the identity', async () => {
    fetchMock.mockImplementation(answerWithFixtures(ADMINISTRATOR_FIXTURES));

    renderIdentity(ADMINISTRATOR);

    const summary = await screen.findByTestId(testIds.identity.summary);
    expect(within(summary).getByText(ADMINISTRATOR)).toBeInTheDocument();
    expect(within(summary).getByText('200611803367')).toBeInTheDocument();
    expect(within(summary).getByText('Not scored: no last accessed report for this identity')).toBeInTheDocument();
  });

  test('lists the findings of the identity', async () => {
    const [finding] = fixtureRows('findings-administrator');
    fetchMock.mockImplementation(answerWithFixtures(ADMINISTRATOR_FIXTURES));

    renderIdentity(ADMINISTRATOR);

    const findings = await screen.findByTestId(testIds.identity.findings);
    expect(within(findings).getByText(String(finding.title))).toBeInTheDocument();
    expect(within(findings).getByText(String(finding.severity))).toBeInTheDocument();
  });

  test('links to the identity dashboard', async () => {
    fetchMock.mockImplementation(answerWithFixtures(ADMINISTRATOR_FIXTURES));

    renderIdentity(ADMINISTRATOR);

    const link = await screen.findByRole('link', { name: /open the identity dashboard/i });
    expect(link).toHaveAttribute('href', `/d/openciem-identity?var-identity=${encodeURIComponent(ADMINISTRATOR)}`);
  });

  test('shows the creep score and its parts', async () => {
    const [identity] = fixtureRows('identity-demo-unused');
    fetchMock.mockImplementation(answerWithFixtures(DEMO_FIXTURES));

    renderIdentity(String(identity.identity_id));

    const summary = await screen.findByTestId(testIds.identity.summary);
    const parts = `Permissions management ${identity.creep_permissions_management}, Write ${identity.creep_write}`;
    expect(within(summary).getByText(new RegExp(`^${identity.creep_score} of 100 \\(${parts}, `))).toBeInTheDocument();
  });
});

describe('Identity page states', () => {
  test(
    'asks for an identity without arn',
    async () => {
      renderIdentity(null);

      expect(
        await screen.findByText('No identity was chosen', {}, { timeout: EMPTY_STATE_TIMEOUT_MS })
      ).toBeInTheDocument();
      expect(screen.getByRole('link', { name: 'Identities' })).toHaveAttribute(
        'href',
        '/a/openciem-entitlements-app/identities'
      );
      expect(fetchMock).not.toHaveBeenCalled();
    },
    EMPTY_STATE_TIMEOUT_MS + 10_000
  );

  test(
    'says when no identity has the ARN',
    async () => {
      const arn = 'arn:aws:iam::200611803367:user/no-such-user';
      fetchMock.mockImplementation(answerWithFixtures(['identity-unknown', 'findings-unknown']));

      renderIdentity(arn);

      expect(
        await screen.findByText(`No identity has the ARN ${arn}`, {}, { timeout: EMPTY_STATE_TIMEOUT_MS })
      ).toBeInTheDocument();
      expect(screen.getByRole('link', { name: 'Identities' })).toHaveAttribute(
        'href',
        '/a/openciem-entitlements-app/identities'
      );
    },
    EMPTY_STATE_TIMEOUT_MS + 10_000
  );

  test('explains a failed summary query', async () => {
    // The real error of ciem.identity_permission_summary, for an ARN that is no user or role, given to every summary
    // query.
    const answer = answerWithFixtures(ADMINISTRATOR_FIXTURES);
    fetchMock.mockImplementation((request: BackendSrvRequest) =>
      sqlOf(request).includes('identity_permission_summary')
        ? fixtureResponse('permission-summary-unknown')
        : answer(request)
    );

    renderIdentity(ADMINISTRATOR);

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The effective permissions could not be loaded')).toBeInTheDocument();
    expect(
      within(alert).getByText(
        'The query on datasource openciem-postgres failed: ERROR: identity arn:aws:iam::200611803367:user/no-such-user not found (SQLSTATE P0001)'
      )
    ).toBeInTheDocument();
  });

  // The summary is the page's slowest query, so it starts with the identity's, not after it.
  test('starts the summary with the identity', async () => {
    const pending: Array<() => void> = [];
    const answer = answerWithFixtures(ADMINISTRATOR_FIXTURES);
    fetchMock.mockImplementation(
      (request: BackendSrvRequest) =>
        new Observable((subscriber) => {
          pending.push(() => answer(request).subscribe(subscriber));
        })
    );

    renderIdentity(ADMINISTRATOR);

    await waitFor(() => expect(requestedSql().some((sql) => sql.includes('identity_permission_summary'))).toBe(true));
    expect(screen.queryByTestId(testIds.identity.summary)).not.toBeInTheDocument();
    act(() => pending.forEach((release) => release()));
    expect(await screen.findByTestId(testIds.identity.tree)).toBeInTheDocument();
    expect(requestedSql().filter((sql) => sql.includes('identity_permission_summary'))).toHaveLength(1);
  });

  test('explains groups have no permissions', async () => {
    const [group] = fixtureRows('identity-group');
    fetchMock.mockImplementation(answerWithFixtures(['identity-group', 'findings-group']));

    renderIdentity(String(group.identity_id));

    expect(await screen.findByText('Groups have no effective permissions of their own')).toBeInTheDocument();
    expect(requestedSql().some((sql) => sql.includes('identity_permission_summary'))).toBe(false);
  });
});

describe('Identity permission tree', () => {
  test('draws only the visible services', async () => {
    const services = new Set(fixtureRows('permission-summary-administrator').map((row) => row.service));

    await openTree(ADMINISTRATOR_FIXTURES, ADMINISTRATOR);

    const drawn = treeItems();
    expect(services.size).toBeGreaterThan(400);
    expect(drawn.length).toBeGreaterThan(5);
    expect(drawn.length).toBeLessThan(40);
    expect(
      screen.getByText(
        '22,091 actions allowed and 0 conditional in 456 services; 0 granted but denied; 0 allowed but unused.'
      )
    ).toBeInTheDocument();
  });

  test('draws later services after scrolling', async () => {
    const tree = await openTree(ADMINISTRATOR_FIXTURES, ADMINISTRATOR);
    const lastService =
      [...new Set(fixtureRows('permission-summary-administrator').map((row) => String(row.service)))].sort().at(-1) ??
      '';
    expect(within(tree).queryByText(lastService)).not.toBeInTheDocument();

    await act(async () => {
      tree.scrollTop = 456 * 36;
      fireEvent.scroll(tree);
    });

    expect(within(tree).getByText(lastService)).toBeInTheDocument();
    expect(within(tree).queryByText('a4b')).not.toBeInTheDocument();
  });

  test('expands a service to its levels', async () => {
    const tree = await openTree(ADMINISTRATOR_FIXTURES, ADMINISTRATOR);

    fireEvent.click(within(tree).getByRole('button', { name: 'Expand service a4b' }));

    expect(within(tree).getByRole('button', { name: 'Collapse service a4b' })).toHaveAttribute('aria-expanded', 'true');
    expect(within(tree).getByRole('button', { name: 'Expand a4b Write' })).toBeInTheDocument();
    expect(requestedSql().filter((sql) => sql.includes('identity_service_actions'))).toEqual([]);
  });

  test('fetches the actions of an expanded level', async () => {
    const actions = fixtureRows('node-actions-administrator-s3-permissions');
    const tree = await openTree(ADMINISTRATOR_FIXTURES, ADMINISTRATOR);
    const filter = screen.getByTestId(testIds.identity.serviceFilter);
    fireEvent.change(filter, { target: { value: 's3' } });
    fireEvent.click(within(tree).getByRole('button', { name: 'Expand service s3' }));

    fireEvent.click(within(tree).getByRole('button', { name: 'Expand s3 Permissions management' }));

    expect(await within(tree).findByText(String(actions[0].action))).toBeInTheDocument();
    expect(requestedSql()).toContain(readFixture('node-actions-administrator-s3-permissions').sql);
    expect(within(tree).getAllByText('all resources (*)').length).toBeGreaterThan(0);
  });

  test('collapses a level and keeps its actions', async () => {
    const tree = await openTree(ADMINISTRATOR_FIXTURES, ADMINISTRATOR);
    fireEvent.change(screen.getByTestId(testIds.identity.serviceFilter), { target: { value: 's3' } });
    fireEvent.click(within(tree).getByRole('button', { name: 'Expand service s3' }));
    fireEvent.click(within(tree).getByRole('button', { name: 'Expand s3 Permissions management' }));
    await within(tree).findByText(ADMINISTRATOR_ACTION);

    fireEvent.click(within(tree).getByRole('button', { name: 'Collapse s3 Permissions management' }));
    expect(within(tree).queryByText(ADMINISTRATOR_ACTION)).not.toBeInTheDocument();
    fireEvent.click(within(tree).getByRole('button', { name: 'Expand s3 Permissions management' }));

    expect(within(tree).getByText(ADMINISTRATOR_ACTION)).toBeInTheDocument();
    expect(requestedSql().filter((sql) => sql.includes('identity_service_actions'))).toHaveLength(1);
  });

  test('explains an action on demand', async () => {
    const tree = await openTree(ADMINISTRATOR_FIXTURES, ADMINISTRATOR);
    fireEvent.change(screen.getByTestId(testIds.identity.serviceFilter), { target: { value: 's3' } });
    fireEvent.click(within(tree).getByRole('button', { name: 'Expand service s3' }));
    fireEvent.click(within(tree).getByRole('button', { name: 'Expand s3 Permissions management' }));
    await within(tree).findByText(ADMINISTRATOR_ACTION);
    expect(requestedSql().some((sql) => sql.includes('ciem.explain'))).toBe(false);

    fireEvent.click(within(tree).getByRole('button', { name: `Expand statements for ${ADMINISTRATOR_ACTION}` }));

    const explanation = await screen.findByTestId(testIds.identity.explanation(ADMINISTRATOR_ACTION));
    expect(within(explanation).getByText('Allowed by')).toBeInTheDocument();
    expect(within(explanation).getByText('AdministratorAccess (AWS managed policy), statement 1')).toBeInTheDocument();
    expect(requestedSql()).toContain(readFixture('explain-administrator-s3-permissions-first').sql);

    fireEvent.click(within(tree).getByRole('button', { name: `Collapse statements for ${ADMINISTRATOR_ACTION}` }));
    expect(screen.queryByTestId(testIds.identity.explanation(ADMINISTRATOR_ACTION))).not.toBeInTheDocument();
  });

  test('shows denied actions with both statements', async () => {
    const tree = await openTree(
      [
        'identity-allow-and-deny',
        'findings-allow-and-deny',
        'permission-summary-allow-and-deny',
        'node-actions-allow-and-deny-iam-write',
        'explain-allow-and-deny-iam-write-first',
      ],
      ALLOW_AND_DENY
    );
    fireEvent.click(within(tree).getByRole('button', { name: 'Expand service iam' }));
    fireEvent.click(within(tree).getByRole('button', { name: 'Expand iam Write' }));
    await within(tree).findByText(DENIED_ACTION);

    fireEvent.click(within(tree).getByRole('button', { name: `Expand statements for ${DENIED_ACTION}` }));

    const explanation = await screen.findByTestId(testIds.identity.explanation(DENIED_ACTION));
    expect(within(explanation).getByText('Allowed by')).toBeInTheDocument();
    expect(within(explanation).getByText('Denied by')).toBeInTheDocument();
    expect(within(tree).getAllByText('Denied').length).toBeGreaterThan(0);
  });

  test('marks unused actions', async () => {
    const [identity] = fixtureRows('identity-demo-unused');
    const [unused] = fixtureRows('node-actions-demo-unused');
    const node = readFixture('node-actions-demo-unused').sql;
    const [, service, accessLevel] = /identity_service_actions\('[^']*', '([^']*)', '([^']*)'\)/.exec(node) ?? [];
    fetchMock.mockImplementation(answerWithFixtures([...DEMO_FIXTURES, 'node-actions-demo-unused']));
    renderIdentity(String(identity.identity_id));
    const tree = await screen.findByTestId(testIds.identity.tree);
    fireEvent.change(screen.getByTestId(testIds.identity.serviceFilter), { target: { value: service } });

    fireEvent.click(within(tree).getByRole('button', { name: `Expand service ${service}` }));
    fireEvent.click(within(tree).getByRole('button', { name: `Expand ${service} ${accessLevel}` }));

    expect(await within(tree).findByText(String(unused.action))).toBeInTheDocument();
    expect(within(tree).getAllByText('Unused').length).toBeGreaterThan(0);
  });

  test('filters services by name', async () => {
    const tree = await openTree(ADMINISTRATOR_FIXTURES, ADMINISTRATOR);

    fireEvent.change(screen.getByTestId(testIds.identity.serviceFilter), { target: { value: 'no such service' } });

    expect(screen.getByText('No service has "no such service" in its prefix or name.')).toBeInTheDocument();
    expect(tree).not.toBeInTheDocument();
  });
});

/** Returns the fixture names of one demo identity of another cloud (tests/plugin/page-fixtures.test.ts). */
function cloudFixtures(name: string): string[] {
  return ['identity', 'findings', 'grants', 'summary', 'nodes'].map((part) => `cloud-${part}-${name}`);
}

function cloudAddress(cloud: string, account: string, id: string): string {
  return `/identity?${new URLSearchParams({ cloud, account, id }).toString()}`;
}

const CI_RUNNER = 'serviceAccount:ci-runner@acme-sandbox.iam.gserviceaccount.com';
const CONTRIBUTOR = '1d0a5b1e-7c1f-4f0e-9a51-0a11ce000004';
const ALICE = 'User:alice@acme.example';

async function openCloudIdentity(name: string, path: string): Promise<HTMLElement> {
  fetchMock.mockImplementation(answerWithFixtures(cloudFixtures(name)));
  renderPath(path);

  return screen.findByTestId(testIds.identity.tree);
}

describe('Identity page of other clouds', () => {
  test('shows a Google Cloud member with its project', async () => {
    await openCloudIdentity('gcp-ci-runner', cloudAddress('gcp', 'acme-sandbox', CI_RUNNER));

    const summary = screen.getByTestId(testIds.identity.summary);
    expect(within(summary).getByText(CI_RUNNER)).toBeInTheDocument();
    expect(within(summary).getByText('Google Cloud')).toBeInTheDocument();
    expect(within(summary).getByText('Project')).toBeInTheDocument();
    expect(within(summary).getByText('acme-sandbox')).toBeInTheDocument();
    expect(within(summary).getByText('service account')).toBeInTheDocument();
    expect(within(summary).getAllByText('Not in the synced data')).toHaveLength(2);
  });

  test('links to the identity dashboard of its project', async () => {
    await openCloudIdentity('gcp-ci-runner', cloudAddress('gcp', 'acme-sandbox', CI_RUNNER));

    const link = screen.getByRole('link', { name: /open the identity dashboard/i });
    expect(link).toHaveAttribute(
      'href',
      `/d/openciem-identity?var-identity=${encodeURIComponent(CI_RUNNER)}&var-cloud=gcp&var-account=acme-sandbox`
    );
  });

  test('lists the findings of every project', async () => {
    const findings = fixtureRows('cloud-findings-gcp-ci-runner');

    await openCloudIdentity('gcp-ci-runner', cloudAddress('gcp', 'acme-sandbox', CI_RUNNER));

    const section = screen.getByTestId(testIds.identity.findings);
    expect(findings.length).toBeGreaterThan(1);
    for (const finding of findings) {
      expect(within(section).getAllByText(String(finding.title)).length).toBeGreaterThan(0);
    }
    expect(requestedSql()).toContain(readFixture('cloud-findings-gcp-ci-runner').sql);
  });

  test('lists the grants with their scope', async () => {
    await openCloudIdentity('gcp-ci-runner', cloudAddress('gcp', 'acme-sandbox', CI_RUNNER));

    const grants = screen.getByTestId(testIds.identity.grantsTable);
    expect(within(grants).getByText('project projects/acme-prod')).toBeInTheDocument();
    expect(within(grants).getByText('project projects/acme-sandbox')).toBeInTheDocument();
    expect(within(grants).getAllByText('roles/editor')).toHaveLength(2);
  });

  test('counts each group and fetches no permission before a group opens', async () => {
    const tree = await openCloudIdentity('gcp-ci-runner', cloudAddress('gcp', 'acme-sandbox', CI_RUNNER));

    const storage = within(tree).getByRole('button', { name: 'Expand group storage' }).closest('[role="treeitem"]');
    expect(storage).toHaveTextContent('1 denied');
    expect(storage).toHaveTextContent('3 permissions at 2 scopes');
    expect(requestedSql().some((sql) => sql.includes('cloud_permission_nodes'))).toBe(false);
  });

  test('opens a group and the grants of a denied permission', async () => {
    const tree = await openCloudIdentity('gcp-ci-runner', cloudAddress('gcp', 'acme-sandbox', CI_RUNNER));

    fireEvent.click(within(tree).getByRole('button', { name: 'Expand group storage' }));
    fireEvent.click(
      await within(tree).findByRole('button', {
        name: 'Expand grants of storage.buckets.delete at project projects/acme-prod',
      })
    );

    const [panel] = screen.getAllByTestId(testIds.identity.grants('storage.buckets.delete'));
    expect(within(panel).getByText('roles/editor')).toBeInTheDocument();
    expect(within(panel).getByText('Denied by')).toBeInTheDocument();
    expect(within(panel).getByText('Deny rules that depend on group membership')).toBeInTheDocument();
    expect(within(tree).getAllByText('Denied')).toHaveLength(1);
    expect(requestedSql().filter((sql) => sql.includes('cloud_permission_nodes'))).toEqual([
      readFixture('cloud-nodes-gcp-ci-runner').sql,
    ]);
  });

  test('shows the NotActions of an Azure role', async () => {
    const tree = await openCloudIdentity(
      'azure-contributor',
      cloudAddress('azure', '3f2504e0-4f89-41d3-9a0c-0305e82c3301', CONTRIBUTOR)
    );
    expect(screen.getByText('Subscription')).toBeInTheDocument();

    fireEvent.click(within(tree).getByRole('button', { name: 'Expand group *' }));
    fireEvent.click(await within(tree).findByRole('button', { name: /^Expand grants of \* at subscription/ }));

    const [panel] = screen.getAllByTestId(testIds.identity.grants('*'));
    expect(within(panel).getByText('Contributor')).toBeInTheDocument();
    expect(within(panel).getByText('Microsoft.Authorization/*/Write')).toBeInTheDocument();
  });

  test('reads a Kubernetes user within its cluster', async () => {
    const tree = await openCloudIdentity('kubernetes-alice', cloudAddress('kubernetes', 'acme-prod', ALICE));
    expect(requestedSql()).toContain(readFixture('cloud-summary-kubernetes-alice').sql);
    fireEvent.change(screen.getByTestId(testIds.identity.groupFilter), { target: { value: 'secrets' } });

    fireEvent.click(within(tree).getByRole('button', { name: 'Expand group core/secrets' }));

    const first = String(fixtureRows('cloud-nodes-kubernetes-alice')[0].permission);
    expect((await within(tree).findAllByText(first)).length).toBeGreaterThan(0);
    expect(within(tree).getAllByText('namespace payments, in acme-prod').length).toBeGreaterThan(0);
    expect(within(tree).getAllByText('by ClusterRole:admin').length).toBeGreaterThan(0);
  });

  test('says which group filter matched nothing', async () => {
    const tree = await openCloudIdentity('kubernetes-alice', cloudAddress('kubernetes', 'acme-prod', ALICE));

    fireEvent.change(screen.getByTestId(testIds.identity.groupFilter), { target: { value: 'no such group' } });

    expect(screen.getByText('No group has "no such group" in its name.')).toBeInTheDocument();
    expect(tree).not.toBeInTheDocument();
  });

  test('asks for the cluster of an id in two clusters', async () => {
    fetchMock.mockImplementation(answerWithFixtures(['cloud-identity-kubernetes-two-clusters']));

    renderPath('/identity?cloud=kubernetes&id=User%3Aalice');

    expect(await screen.findByText('User:alice names several identities')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Kubernetes cluster staging' })).toHaveAttribute(
      'href',
      '/a/openciem-entitlements-app/identity?cloud=kubernetes&account=staging&id=User%3Aalice'
    );
    expect(requestedSql()).toEqual([readFixture('cloud-identity-kubernetes-two-clusters').sql]);
  });

  test('opens an ?arn= address that names a Kubernetes id', async () => {
    fetchMock.mockImplementation(
      answerWithFixtures(['cloud-identity-any-kubernetes-alice', ...cloudFixtures('kubernetes-alice').slice(1)])
    );

    renderIdentity(ALICE);

    expect(await screen.findByTestId(testIds.identity.tree)).toBeInTheDocument();
    expect(within(screen.getByTestId(testIds.identity.summary)).getByText('Cluster')).toBeInTheDocument();
    expect(requestedSql().some((sql) => sql.includes('identity_permission_summary'))).toBe(false);
  });

  test(
    'says when no identity has the id',
    async () => {
      fetchMock.mockImplementation(answerWithFixtures(['cloud-identity-unknown']));

      renderPath(cloudAddress('gcp', 'acme-prod', 'user:nobody@example.com'));

      expect(
        await screen.findByText(
          'No identity has the id user:nobody@example.com (Google Cloud in acme-prod)',
          {},
          {
            timeout: EMPTY_STATE_TIMEOUT_MS,
          }
        )
      ).toBeInTheDocument();
    },
    EMPTY_STATE_TIMEOUT_MS + 10_000
  );

  test('explains a failed summary query', async () => {
    // The real error of ciem.cloud_permission_summary for an unknown member, given to this member's summary query.
    const answer = answerWithFixtures(cloudFixtures('gcp-ci-runner'));
    fetchMock.mockImplementation((request: BackendSrvRequest) =>
      sqlOf(request).includes('cloud_permission_summary') ? fixtureResponse('cloud-summary-unknown') : answer(request)
    );

    renderPath(cloudAddress('gcp', 'acme-sandbox', CI_RUNNER));

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The effective permissions could not be loaded')).toBeInTheDocument();
    expect(
      within(alert).getByText(
        'The query on datasource openciem-postgres failed: ERROR: gcp identity user:nobody@example.com not found (SQLSTATE P0001)'
      )
    ).toBeInTheDocument();
  });
});
