import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { locationService } from '@grafana/runtime';

import { installResizeObserver } from '../../test/resizeObserver';
import { panelProps, trustFrames, withoutFields, withRows, withValues } from '../../test/panelFixtures';
import { buildTrustGraph } from './graphModel';
import { panelTestIds, trustGraphTestIds } from './testIds';
import { TrustGraphPanel } from './TrustGraphPanel';
import { readTrustStatements } from './trustStatements';

const SSO_ADMIN =
  'arn:aws:iam::200611803367:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc';
const SAML_PROVIDER = 'arn:aws:iam::200611803367:saml-provider/AWSSSO_b937d2dff24f2774_DO_NOT_DELETE';

const allPrincipals = { showServicePrincipals: true };

function renderPanel(options = allPrincipals, series = trustFrames()) {
  return render(<TrustGraphPanel {...panelProps(series, options)} />);
}

function edgeTestId(principal: string, role: string): string {
  const read = readTrustStatements(trustFrames());
  if (read.kind !== 'statements') {
    throw new Error('the trust fixture has no statements');
  }
  const edge = buildTrustGraph(read.statements).edges.find(
    (candidate) => candidate.principalId === `principal:${principal}` && candidate.roleId === `role:${role}`
  );
  if (!edge) {
    throw new Error(`no edge from ${principal} to ${role}`);
  }
  return trustGraphTestIds.edge(edge);
}

beforeAll(() => {
  installResizeObserver();
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('TrustGraphPanel', () => {
  test('draws an edge per principal and role', () => {
    renderPanel();
    const graph = screen.getByTestId(trustGraphTestIds.graph);

    expect(within(graph).getAllByTestId(/^openciem-trustgraph-edge /).length).toBeGreaterThan(50);
  });

  test('shows the legend of the drawn classifications', () => {
    renderPanel();
    const legend = screen.getByRole('list', { name: 'Trust classifications' });

    expect(
      within(legend)
        .getAllByRole('listitem')
        .map((item) => item.textContent)
    ).toEqual(['Public', 'External account', 'Federated (SAML)', 'Same account', 'AWS service']);
  });

  test('lists Deny only when an edge has Deny statements only', () => {
    const [frame] = trustFrames();
    const denied = withValues(frame, 'effect', (effect, row) => (row === 0 ? 'Deny' : effect));
    renderPanel(allPrincipals, [denied]);
    const legend = screen.getByRole('list', { name: 'Trust classifications' });

    expect(within(legend).getByText('Deny only')).toBeInTheDocument();
  });

  test('hovering an edge shows its trust policy statement', () => {
    renderPanel();

    fireEvent.mouseEnter(screen.getByTestId(edgeTestId(SAML_PROVIDER, SSO_ADMIN)), { clientX: 10, clientY: 10 });

    const tooltip = screen.getByTestId('openciem-trustgraph-tooltip');
    expect(tooltip).toHaveTextContent('Federated (SAML)');
    expect(tooltip).toHaveTextContent('Statement 0 (no Sid)');
    expect(tooltip).toHaveTextContent('EffectAllow');
    expect(tooltip).toHaveTextContent('Actionssts:AssumeRoleWithSAML, sts:TagSession');
    expect(tooltip).toHaveTextContent('"SAML:aud": "https://signin.aws.amazon.com/saml"');
    expect(tooltip).toHaveTextContent('Narrowed bySAML:aud');
  });

  test('leaving the edge hides the statement', () => {
    renderPanel();
    const edge = screen.getByTestId(edgeTestId(SAML_PROVIDER, SSO_ADMIN));

    fireEvent.mouseEnter(edge, { clientX: 10, clientY: 10 });
    fireEvent.mouseLeave(edge);

    expect(screen.queryByTestId('openciem-trustgraph-tooltip')).not.toBeInTheDocument();
  });

  test('clicking a role opens its identity page', () => {
    const push = jest.spyOn(locationService, 'push').mockImplementation(() => undefined);
    renderPanel();
    const role = screen.getByTestId(`openciem-trustgraph-node role:${SSO_ADMIN}`);

    fireEvent.click(role);

    const path = `/a/openciem-entitlements-app/identity?arn=${encodeURIComponent(SSO_ADMIN)}`;
    expect(push).toHaveBeenCalledWith(path);
    expect(role).toHaveAttribute('href', path);
  });

  test('a modified click keeps the browser default', () => {
    const push = jest.spyOn(locationService, 'push').mockImplementation(() => undefined);
    renderPanel();

    fireEvent.click(screen.getByTestId(`openciem-trustgraph-node role:${SSO_ADMIN}`), { ctrlKey: true });

    expect(push).not.toHaveBeenCalled();
  });

  test('a service principal is not a link', () => {
    renderPanel();

    expect(screen.getByTestId('openciem-trustgraph-node principal:ec2.amazonaws.com').tagName).toBe('g');
  });

  test('hides service principals when the option is off', () => {
    renderPanel({ showServicePrincipals: false });

    expect(screen.queryByTestId('openciem-trustgraph-node principal:ec2.amazonaws.com')).not.toBeInTheDocument();
    expect(screen.getByTestId(`openciem-trustgraph-node role:${SSO_ADMIN}`)).toBeInTheDocument();
  });

  test('explains an empty result', () => {
    const [frame] = trustFrames();
    renderPanel(allPrincipals, [withRows(frame, () => false)]);

    expect(screen.getByTestId(panelTestIds.empty)).toHaveTextContent('No trust policy statements');
  });

  test('names the fields a result lacks', () => {
    const [frame] = trustFrames();
    renderPanel(allPrincipals, [withoutFields(frame, 'trusted_principal')]);

    expect(screen.getByTestId(panelTestIds.unreadable)).toHaveTextContent(
      'The query result has no trusted_principal field.'
    );
  });

  test('shows the error of a failed query', () => {
    render(
      <TrustGraphPanel
        {...panelProps([], allPrincipals, {
          errors: [{ message: 'relation "ciem.cross_account_trust" does not exist' }],
        })}
      />
    );

    expect(screen.getByTestId(panelTestIds.failed)).toHaveTextContent(
      'relation "ciem.cross_account_trust" does not exist'
    );
  });
});
