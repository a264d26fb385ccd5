import React, { type ReactNode } from 'react';
import { useLocation } from 'react-router-dom';
import { ErrorBoundaryAlert } from '@grafana/ui';

import { logger } from '../../services/logger';

interface Props {
  children: ReactNode;
}

/** Shows a page's rendering error in place of the page, and clears it when the user opens another page. */
export function AppErrorBoundary({ children }: Props) {
  const { pathname } = useLocation();

  return (
    <ErrorBoundaryAlert
      boundaryName="openciem-app"
      title="OpenCIEM could not show this page. Reload it, and report the error below if it happens again."
      dependencies={[pathname]}
      errorLogger={(error) => logger.error(error, { pathname })}
    >
      {children}
    </ErrorBoundaryAlert>
  );
}
