import React from 'react';
import { MemoryRouter } from 'react-router-dom';
import { render, screen, within } from '@testing-library/react';

import { logger } from '../../services/logger';
import { AppErrorBoundary } from './AppErrorBoundary';

jest.mock('../../services/logger', () => ({ logger: { info: jest.fn(), warn: jest.fn(), error: jest.fn() } }));

function BrokenPage(): React.ReactElement {
  throw new Error('Cannot read properties of undefined');
}

beforeEach(() => {
  jest.mocked(logger.error).mockReset();
  // React reports a caught render error on the console as well, and React Router warns about v7 changes.
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('AppErrorBoundary', () => {
  test('shows the error in place of the page', () => {
    render(
      <MemoryRouter initialEntries={['/identities']}>
        <AppErrorBoundary>
          <BrokenPage />
        </AppErrorBoundary>
      </MemoryRouter>
    );

    const alert = screen.getByRole('alert');
    expect(
      within(alert).getByText(
        'OpenCIEM could not show this page. Reload it, and report the error below if it happens again.'
      )
    ).toBeInTheDocument();
    expect(within(alert).getByText(/Cannot read properties of undefined/)).toBeInTheDocument();
  });

  test('logs the error with the page path', () => {
    render(
      <MemoryRouter initialEntries={['/identities']}>
        <AppErrorBoundary>
          <BrokenPage />
        </AppErrorBoundary>
      </MemoryRouter>
    );

    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'Cannot read properties of undefined' }),
      {
        pathname: '/identities',
      }
    );
  });

  test('renders a working page', () => {
    render(
      <MemoryRouter>
        <AppErrorBoundary>
          <p>Identities</p>
        </AppErrorBoundary>
      </MemoryRouter>
    );

    expect(screen.getByText('Identities')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
