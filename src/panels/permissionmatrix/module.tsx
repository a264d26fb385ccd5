import { PanelPlugin } from '@grafana/data';

import { PermissionMatrixPanel } from './PermissionMatrixPanel';

export const plugin = new PanelPlugin(PermissionMatrixPanel);
