import React from 'react';
import { Text } from '@grafana/ui';

import type { Finding } from '../../services/identityDetail';
import { testIds } from '../testIds';
import { FindingsTable } from './FindingsTable';

/** Shows the Identity page's findings section: its heading, then the findings or a line saying there are none. */
export function FindingsSection({ findings }: { findings: Finding[] }) {
  return (
    <section data-testid={testIds.identity.findings}>
      <Text element="h3">Findings</Text>
      {findings.length === 0 ? (
        <Text color="secondary">No open finding for this identity.</Text>
      ) : (
        <FindingsTable findings={findings} />
      )}
    </section>
  );
}
