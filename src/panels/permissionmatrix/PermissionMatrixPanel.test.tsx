import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { locationService } from '@grafana/runtime';

import { installResizeObserver } from '../../test/resizeObserver';
import { panelProps, serviceAccessFrames, valuesOf, withoutFields, withRows } from '../../test/panelFixtures';
import { CELL_HEIGHT, CELL_WIDTH } from './cellSize';
import { visibleRange } from './MatrixGrid';
import { PermissionMatrixPanel } from './PermissionMatrixPanel';
import { matrixTestIds, panelTestIds } from './testIds';

const WIDTH = 900;
const HEIGHT = 500;

function renderPanel(series = serviceAccessFrames()) {
  return render(<PermissionMatrixPanel {...panelProps(series, {}, { width: WIDTH, height: HEIGHT })} />);
}

/** The first row of the fixture whose unused value is `unused`. */
function fixtureRow(unused: boolean) {
  const [frame] = serviceAccessFrames();
  const row = valuesOf(frame, 'unused').findIndex((value) => value === unused);
  return {
    identity: String(valuesOf(frame, 'identity_arn')[row]),
    service: String(valuesOf(frame, 'service')[row]),
    level: String(valuesOf(frame, 'access_level')[row]),
  };
}

beforeAll(() => {
  installResizeObserver();
});

/** Scrolls the grid body; jsdom keeps scroll offsets at 0, so the test sets them as the browser would. */
function scrollBodyTo(left: number, top: number) {
  const body = screen.getByTestId(matrixTestIds.body);
  Object.defineProperty(body, 'scrollLeft', { configurable: true, value: left });
  Object.defineProperty(body, 'scrollTop', { configurable: true, value: top });
  fireEvent.scroll(body);
}

/** Scrolls the cell of an identity and service into view. */
function scrollToCell(identity: string, service: string) {
  const [frame] = serviceAccessFrames();
  const identities = [...new Set(valuesOf(frame, 'identity_arn'))];
  const services = [...new Set(valuesOf(frame, 'service') as string[])].sort();
  scrollBodyTo(services.indexOf(service) * CELL_WIDTH, identities.indexOf(identity) * CELL_HEIGHT);
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('PermissionMatrixPanel', () => {
  test('scrolls a wide matrix instead of narrowing its columns', () => {
    renderPanel();
    const body = screen.getByTestId(matrixTestIds.body);
    const services = new Set(valuesOf(serviceAccessFrames()[0], 'service')).size;

    expect(services * CELL_WIDTH).toBeGreaterThan(WIDTH);
    expect((body.firstChild as HTMLElement).style.width).toBe(`${services * CELL_WIDTH}px`);
  });

  test('draws only the cells in view', () => {
    renderPanel();
    const drawn = within(screen.getByTestId(matrixTestIds.body)).getAllByTestId(/^openciem-permissionmatrix-cell /);

    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.length).toBeLessThan(serviceAccessFrames()[0].length);
  });

  test('draws later columns after scrolling', () => {
    renderPanel();
    const [frame] = serviceAccessFrames();
    const lastService = [...new Set(valuesOf(frame, 'service') as string[])].sort().at(-1) ?? '';
    const identity = String(valuesOf(frame, 'identity_arn')[valuesOf(frame, 'service').indexOf(lastService)]);

    expect(screen.queryByTestId(matrixTestIds.cell(identity, lastService))).not.toBeInTheDocument();
    scrollToCell(identity, lastService);

    expect(screen.getByTestId(matrixTestIds.cell(identity, lastService))).toBeInTheDocument();
  });

  test('hovering a cell names identity, service and level', () => {
    renderPanel();
    const { identity, service, level } = fixtureRow(false);

    fireEvent.mouseOver(screen.getByTestId(matrixTestIds.cell(identity, service)), { clientX: 5, clientY: 5 });

    const tooltip = screen.getByTestId('openciem-permissionmatrix-tooltip');
    expect(tooltip).toHaveTextContent(`Identity${identity}`);
    expect(tooltip).toHaveTextContent(`Service${service}`);
    expect(tooltip).toHaveTextContent(`Highest access level${level}`);
  });

  test('marks an unused grant in the cell and the tooltip', () => {
    renderPanel();
    const { identity, service } = fixtureRow(true);
    scrollToCell(identity, service);
    const target = screen.getByTestId(matrixTestIds.cell(identity, service));
    fireEvent.mouseOver(target, { clientX: 5, clientY: 5 });

    expect(target).toHaveAttribute('data-unused', 'true');
    expect(target).toHaveAttribute('aria-label', expect.stringContaining(', unused'));
    expect(screen.getByTestId('openciem-permissionmatrix-tooltip')).toHaveTextContent(
      'Usagenot used in the tracking window'
    );
  });

  test('has a legend with every level and the unused mark', () => {
    renderPanel();
    const legend = screen.getByRole('list', { name: 'Access levels' });

    expect(
      within(legend)
        .getAllByRole('listitem')
        .map((item) => item.textContent)
    ).toEqual(['List', 'Tagging', 'Read', 'Write', 'Permissions management', 'Unused in the tracking window']);
  });

  test('says when the result cannot mark unused grants', () => {
    renderPanel([withoutFields(serviceAccessFrames()[0], 'unused')]);

    expect(screen.getByRole('list', { name: 'Access levels' })).toHaveTextContent(
      'Unused (the query has no unused field)'
    );
  });

  test('an identity label opens the identity page', () => {
    const push = jest.spyOn(locationService, 'push').mockImplementation(() => undefined);
    renderPanel();
    const identity = String(valuesOf(serviceAccessFrames()[0], 'identity_arn')[0]);

    fireEvent.click(screen.getByTitle(identity));

    expect(push).toHaveBeenCalledWith(`/a/openciem-entitlements-app/identity?arn=${encodeURIComponent(identity)}`);
  });

  test('explains an empty result', () => {
    renderPanel([withRows(serviceAccessFrames()[0], () => false)]);

    expect(screen.getByTestId(panelTestIds.empty)).toHaveTextContent('No access granted');
  });

  test('names the fields a result lacks', () => {
    renderPanel([withoutFields(serviceAccessFrames()[0], 'identity_arn', 'service')]);

    expect(screen.getByTestId(panelTestIds.unreadable)).toHaveTextContent(
      'The query result has no identity_arn, service fields.'
    );
  });
});

describe('visibleRange', () => {
  test('covers the viewport and the overscan', () => {
    expect(visibleRange(0, 5 * CELL_HEIGHT, CELL_HEIGHT, 100)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('stops at the last item', () => {
    expect(visibleRange(95 * CELL_HEIGHT, 10 * CELL_HEIGHT, CELL_HEIGHT, 100).at(-1)).toBe(99);
  });
});
