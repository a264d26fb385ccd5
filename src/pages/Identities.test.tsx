import React from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { PluginContextProvider } from '@grafana/data';
import { getBackendSrv, type BackendSrvRequest } from '@grafana/runtime';

import { testIds } from '../components/testIds';
import { failWith, fetchError, sqlOf } from '../test/dsQuery';
import { fixtureResponse, fixtureRows, readFixture } from '../test/fixtures';
import { appMeta } from '../test/pluginMeta';
import Identities, { SEARCH_DELAY_MS } from './Identities';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
}));

// EmptyState draws a large inline SVG, which takes jsdom several seconds on a busy machine.
const EMPTY_STATE_TIMEOUT_MS = 20_000;

const fetchMock = jest.fn();

beforeEach(() => {
  fetchMock.mockReset();
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  // jsdom lays nothing out. The account filter draws the options of its menu in a virtualised list, so the list gets
  // the height a browser would give it.
  jest.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(400);
});

afterEach(() => {
  jest.restoreAllMocks();
  jest.useRealTimers();
});

/**
 * Returns a fetch implementation. The filters' queries get the demo's accounts, clouds and types. A page query gets the
 * fixture with its SQL, or else the real result of a search that matched nothing.
 */
function answerPages(pageFixture = 'identities-page-demo') {
  const pages = new Map(
    [pageFixture, 'identities-page-exports-2', 'identities-page-no-match', 'identities-page-demo-gcp'].map((name) => [
      readFixture(name).sql,
      name,
    ])
  );

  return (request: BackendSrvRequest) => {
    const sql = sqlOf(request);
    if (sql === readFixture('accounts-demo').sql) {
      return fixtureResponse('accounts-demo');
    }
    if (sql === readFixture('identity-facets-demo').sql) {
      return fixtureResponse('identity-facets-demo');
    }

    return fixtureResponse(pages.get(sql) ?? 'identities-page-no-match');
  };
}

function renderIdentities(path = '/identities', datasourceUid?: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <PluginContextProvider meta={appMeta({ datasourceUid })}>
        <Routes>
          <Route path="/identities" element={<Identities />} />
        </Routes>
      </PluginContextProvider>
    </MemoryRouter>
  );
}

function pageQueries(): string[] {
  return fetchMock.mock.calls
    .map(([request]: [BackendSrvRequest]) => sqlOf(request))
    .filter((sql) => sql.includes('FROM ciem.identities i'));
}

describe('Identities page', () => {
  test('lists the first page by creep score', async () => {
    const rows = fixtureRows('identities-page-demo');
    const [first] = rows;
    fetchMock.mockImplementation(answerPages());

    renderIdentities();

    expect(await screen.findByRole('link', { name: String(first.display_name) })).toBeInTheDocument();
    expect(pageQueries()[0]).toBe(readFixture('identities-page-demo').sql);
    // The demo holds more identities than one page shows.
    expect(rows.length).toBeLessThan(Number(first.total_count));
    expect(screen.getByText(`Identities 1 to ${rows.length} of ${first.total_count}`)).toBeInTheDocument();
  });

  test('shows creep score and findings', async () => {
    const [first] = fixtureRows('identities-page-demo');
    fetchMock.mockImplementation(answerPages());

    renderIdentities();

    const link = await screen.findByRole('link', { name: String(first.display_name) });
    const row = link.closest('tr') as HTMLElement;
    expect(within(row).getByText(String(first.creep_score))).toBeInTheDocument();
    expect(within(row).getByText(String(first.open_findings))).toBeInTheDocument();
    expect(within(row).getByText(String(first.highest_severity))).toBeInTheDocument();
  });

  test('links each row to its identity page', async () => {
    const rows = fixtureRows('identities-page-demo');
    fetchMock.mockImplementation(answerPages());

    renderIdentities();

    const table = await screen.findByTestId(testIds.identities.table);
    // Names repeat across accounts (OrganizationAccountAccessRole), so the links are compared as name and address.
    const links = within(table)
      .getAllByRole('link')
      .map((link) => [link.textContent, link.getAttribute('href')]);
    const id = (row: Record<string, unknown>) => encodeURIComponent(String(row.identity_id));
    expect(links).toEqual(
      rows.map((row) => [
        row.display_name,
        row.cloud === 'aws'
          ? `/a/openciem-entitlements-app/identity?arn=${id(row)}`
          : `/a/openciem-entitlements-app/identity?cloud=${row.cloud}&account=${encodeURIComponent(String(row.account_id))}&id=${id(row)}`,
      ])
    );
    // The demo's first page mixes AWS and other clouds, so both forms are checked.
    expect(new Set(rows.map((row) => row.cloud === 'aws')).size).toBe(2);
  });

  test('links other clouds by cloud, account and id', async () => {
    const rows = fixtureRows('identities-page-demo-gcp');
    fetchMock.mockImplementation(answerPages());

    renderIdentities('/identities?cloud=gcp');

    const table = await screen.findByTestId(testIds.identities.table);
    const hrefs = within(table)
      .getAllByRole('link')
      .map((link) => link.getAttribute('href'));
    expect(hrefs).toEqual(
      rows.map(
        (row) =>
          `/a/openciem-entitlements-app/identity?cloud=gcp&account=${encodeURIComponent(String(row.account_id))}` +
          `&id=${encodeURIComponent(String(row.identity_id))}`
      )
    );
  });

  test('shows the cloud of each row', async () => {
    const rows = fixtureRows('identities-page-demo-gcp');
    fetchMock.mockImplementation(answerPages());

    renderIdentities('/identities?cloud=gcp');

    const table = await screen.findByTestId(testIds.identities.table);
    expect(within(table).getAllByText('Google Cloud')).toHaveLength(rows.length);
    expect(pageQueries()[0]).toBe(readFixture('identities-page-demo-gcp').sql);
  });

  test('offers the clouds of the data', async () => {
    fetchMock.mockImplementation(answerPages());
    renderIdentities();
    await screen.findByTestId(testIds.identities.table);

    const filter = screen.getByTestId(testIds.identities.cloudFilter);

    await waitFor(() =>
      expect(
        within(filter)
          .getAllByRole('radio')
          .map((radio) => radio.closest('div')?.textContent?.trim())
      ).toEqual(['All', 'AWS', 'Google Cloud', 'Azure', 'Kubernetes'])
    );
  });

  test('filters by cloud', async () => {
    fetchMock.mockImplementation(answerPages());
    renderIdentities();
    await screen.findByTestId(testIds.identities.table);

    fireEvent.click(await within(screen.getByTestId(testIds.identities.cloudFilter)).findByText('Google Cloud'));

    await waitFor(() => expect(pageQueries().at(-1)).toBe(readFixture('identities-page-demo-gcp').sql));
    expect(
      await screen.findByText(`Identities 1 to ${fixtureRows('identities-page-demo-gcp').length} of`, { exact: false })
    ).toBeInTheDocument();
  });

  test('an account filter names its cloud', async () => {
    fetchMock.mockImplementation(answerPages());
    renderIdentities();
    await screen.findByTestId(testIds.identities.table);

    fireEvent.click(screen.getByRole('combobox', { name: 'Account' }));
    const options = await screen.findAllByRole('option', { name: /^acme-prod/ });
    // The demo has a Google Cloud project and a Kubernetes cluster named acme-prod.
    expect(options.map((option) => option.textContent)).toEqual([
      expect.stringContaining('Google Cloud project'),
      expect.stringContaining('Kubernetes cluster'),
    ]);
    fireEvent.click(options[1]);

    await waitFor(() =>
      expect(pageQueries().at(-1)).toContain("i.cloud = 'kubernetes'\n    AND i.account_id = 'acme-prod'")
    );
  });

  test('reads the page and sort from the URL', async () => {
    const [first] = fixtureRows('identities-page-exports-2');
    fetchMock.mockImplementation(answerPages());

    renderIdentities('/identities?sort=name&order=asc&page=2');

    expect(await screen.findByRole('link', { name: String(first.display_name) })).toBeInTheDocument();
    expect(pageQueries()[0]).toBe(readFixture('identities-page-exports-2').sql);
    expect(screen.getByText(`Identities 51 to 100 of ${first.total_count}`)).toBeInTheDocument();
  });

  test('sorts by a clicked column', async () => {
    fetchMock.mockImplementation(answerPages());
    renderIdentities();
    await screen.findByTestId(testIds.identities.table);

    fireEvent.click(within(screen.getByTestId(testIds.identities.table)).getByText('Account'));

    await waitFor(() => expect(pageQueries().at(-1)).toContain('ORDER BY m.account_id ASC NULLS LAST'));
  });

  test('moves to the next page', async () => {
    fetchMock.mockImplementation(answerPages('identities-page-exports-2'));
    renderIdentities('/identities?sort=name&order=asc&page=2');
    await screen.findByTestId(testIds.identities.table);

    fireEvent.click(screen.getByRole('button', { name: '3' }));

    await waitFor(() => expect(pageQueries().at(-1)).toContain('LIMIT 50 OFFSET 100\n'));
  });

  test('filters by identity type', async () => {
    fetchMock.mockImplementation(answerPages());
    renderIdentities();
    await screen.findByTestId(testIds.identities.table);

    fireEvent.click(screen.getByRole('combobox', { name: 'Type' }));
    fireEvent.click(await screen.findByRole('option', { name: /^Service accounts/ }));

    await screen.findByText('No identity matches these filters');
    expect(pageQueries().at(-1)).toContain("i.identity_type = 'service_account'");
  });

  test('filters by account', async () => {
    const [account] = fixtureRows('accounts-demo');
    fetchMock.mockImplementation(answerPages());
    renderIdentities();
    await screen.findByTestId(testIds.identities.table);

    fireEvent.click(screen.getByRole('combobox', { name: 'Account' }));
    fireEvent.click(await screen.findByRole('option', { name: new RegExp(`^${account.account_id}`) }));

    await screen.findByText('No identity matches these filters');
    expect(pageQueries().at(-1)).toContain(`i.cloud = 'aws'\n    AND i.account_id = '${account.account_id}'`);
  });

  test('sends the typed search as an escaped literal', async () => {
    jest.useFakeTimers();
    fetchMock.mockImplementation(answerPages());
    renderIdentities();
    await act(async () => undefined);

    fireEvent.change(screen.getByTestId(testIds.identities.search), { target: { value: "x' OR '1'='1" } });
    await act(async () => {
      jest.advanceTimersByTime(SEARCH_DELAY_MS);
    });

    expect(pageQueries().at(-1)).toContain("i.display_name ILIKE '%x'' OR ''1''=''1%' ESCAPE '!'");
  });

  test('waits for a pause in typing', async () => {
    jest.useFakeTimers();
    fetchMock.mockImplementation(answerPages());
    renderIdentities();
    await act(async () => undefined);

    const search = screen.getByTestId(testIds.identities.search);
    fireEvent.change(search, { target: { value: 'no-such' } });
    await act(async () => {
      jest.advanceTimersByTime(SEARCH_DELAY_MS - 1);
    });
    fireEvent.change(search, { target: { value: 'no-such-identity' } });
    await act(async () => {
      jest.advanceTimersByTime(SEARCH_DELAY_MS);
    });

    expect(pageQueries()).toHaveLength(2);
    expect(pageQueries()[1]).toBe(readFixture('identities-page-no-match').sql);
  });

  test(
    'says when no identity matches',
    async () => {
      fetchMock.mockImplementation(answerPages());

      renderIdentities('/identities?q=no-such-identity');

      expect(
        await screen.findByText('No identity matches these filters', {}, { timeout: EMPTY_STATE_TIMEOUT_MS })
      ).toBeInTheDocument();
      expect(screen.getByText(/No identity has "no-such-identity" in its name or id/)).toBeInTheDocument();
    },
    EMPTY_STATE_TIMEOUT_MS + 10_000
  );

  test('offers the first page past the end', async () => {
    fetchMock.mockImplementation(answerPages());
    renderIdentities('/identities?q=no-such-identity&page=9');

    fireEvent.click(await screen.findByRole('button', { name: 'Go to the first page' }));

    await waitFor(() => expect(pageQueries().at(-1)).toBe(readFixture('identities-page-no-match').sql));
  });

  test(
    'explains an empty view',
    async () => {
      fetchMock.mockImplementation((request: BackendSrvRequest) =>
        fixtureResponse(
          sqlOf(request).includes('FROM ciem.identities i') ? 'identities-page-unsynced' : 'accounts-unsynced'
        )
      );

      renderIdentities();

      // The empty state's illustration is a large inline SVG, which takes jsdom a few seconds to render.
      expect(
        await screen.findByText('ciem.identities has no rows', {}, { timeout: EMPTY_STATE_TIMEOUT_MS })
      ).toBeInTheDocument();
    },
    EMPTY_STATE_TIMEOUT_MS + 10_000
  );

  test('shows how to fix a missing datasource', async () => {
    fetchMock.mockReturnValue(failWith(fetchError(404, { message: 'Data source not found' }, 'Not Found')));

    renderIdentities('/identities', 'gone');

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The identities could not be loaded')).toBeInTheDocument();
    expect(
      within(alert).getByText(
        'The datasource gone was not found. Provision it, or set another uid on the Configuration page.'
      )
    ).toBeInTheDocument();
  });
});
