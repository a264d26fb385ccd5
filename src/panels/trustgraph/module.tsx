import { PanelPlugin } from '@grafana/data';

import { TrustGraphPanel } from './TrustGraphPanel';
import type { TrustGraphOptions } from './types';

export const plugin = new PanelPlugin<TrustGraphOptions>(TrustGraphPanel).setPanelOptions((builder) =>
  builder.addBooleanSwitch({
    path: 'showServicePrincipals',
    name: 'Show AWS service principals',
    description: 'Draw the trusts in AWS services, such as ec2.amazonaws.com, that most roles have.',
    defaultValue: true,
  })
);
