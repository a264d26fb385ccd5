import React from 'react';
import { standardEditorsRegistry, type StandardEditorsRegistryItem } from '@grafana/data';
import { Switch } from '@grafana/ui';

/**
 * Registers the panel option editors that the nested panels' option builders look up. Grafana registers its full set
 * at start-up from code outside its npm packages. The harness renders no panel editor, so it needs only the ids that
 * the panels use. A panel that uses another builder (addTextInput, addSelect) needs its id added here.
 */
export function registerOptionEditors(): void {
  const editors: StandardEditorsRegistryItem[] = [
    {
      id: 'boolean',
      name: 'Boolean',
      editor: ({ value, onChange }) => (
        <Switch value={Boolean(value)} onChange={(event) => onChange(event.currentTarget.checked)} />
      ),
    },
  ];

  standardEditorsRegistry.setInit(() => editors);
}
