import React, { useEffect, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import { dateTime, EventBusSrv, LoadingState, type PanelData, type PanelPlugin, type PanelProps } from '@grafana/data';
import { getBackendSrv, toDataQueryError, toDataQueryResponse, type BackendDataSourceResponse } from '@grafana/runtime';
import { PanelChrome } from '@grafana/ui';

import { DEFAULT_DATASOURCE_UID, POSTGRES_DATASOURCE_TYPE } from '../../constants';
import type { PanelEntry } from './registry';

type Loaded = { plugin: PanelPlugin; data: PanelData };

const timeRange = { from: dateTime(0), to: dateTime(0), raw: { from: 'now-6h', to: 'now' } };

/** Loads a nested panel's module.tsx by its folder under src/panels; webpack bundles every folder's module. */
function loadPanelModule(folder: string): Promise<{ plugin: PanelPlugin }> {
  return import(`../../panels/${folder}/module`);
}

/** Runs the entry's SQL through /api/ds/query and decodes the frames as Grafana does for a panel's query. */
async function queryPanelData(sql: string): Promise<PanelData> {
  const request = {
    url: '/api/ds/query',
    method: 'POST',
    data: {
      queries: [
        {
          refId: 'A',
          datasource: { uid: DEFAULT_DATASOURCE_UID, type: POSTGRES_DATASOURCE_TYPE },
          rawSql: sql,
          format: 'table',
        },
      ],
    },
  };

  try {
    const response = await lastValueFrom(getBackendSrv().fetch<BackendDataSourceResponse>(request));
    const parsed = toDataQueryResponse(response);
    return { state: LoadingState.Done, series: parsed.data, errors: parsed.errors, timeRange };
  } catch (error) {
    return { state: LoadingState.Error, series: [], errors: [toDataQueryError(error)], timeRange };
  }
}

/** Renders a nested panel plugin in Grafana's panel chrome, as on a dashboard, fed by the entry's query. */
export function PanelHarness({ entry }: { entry: PanelEntry }) {
  const [loaded, setLoaded] = useState<Loaded | undefined>(undefined);

  useEffect(() => {
    let cancelled = false;
    Promise.all([loadPanelModule(entry.folder), queryPanelData(entry.sql)]).then(([module, data]) => {
      if (!cancelled) {
        setLoaded({ plugin: module.plugin, data });
      }
    });
    return () => {
      cancelled = true;
    };
  }, [entry]);

  return (
    <div data-harness-panel={entry.id} data-harness-state={loaded ? 'done' : 'loading'}>
      <PanelChrome
        title={entry.title}
        width={entry.width}
        height={entry.height}
        loadingState={loaded ? loaded.data.state : LoadingState.Loading}
      >
        {(innerWidth, innerHeight) => loaded && <LoadedPanel loaded={loaded} width={innerWidth} height={innerHeight} />}
      </PanelChrome>
    </div>
  );
}

function LoadedPanel({ loaded, width, height }: { loaded: Loaded; width: number; height: number }) {
  const Panel = loaded.plugin.panel;
  if (!Panel) {
    throw new Error('The panel module exports a plugin without a panel component');
  }

  const props: PanelProps = {
    id: 1,
    data: loaded.data,
    timeRange,
    timeZone: 'utc',
    // The defaults that the plugin's option builder declares, as Grafana applies them to a new panel.
    options: loaded.plugin.defaults,
    fieldConfig: loaded.plugin.fieldConfigDefaults,
    transparent: false,
    width,
    height,
    renderCounter: 0,
    title: '',
    eventBus: new EventBusSrv(),
    onOptionsChange: () => undefined,
    onFieldConfigChange: () => undefined,
    replaceVariables: (value: string) => value,
    onChangeTimeRange: () => undefined,
  };

  return <Panel {...props} />;
}
