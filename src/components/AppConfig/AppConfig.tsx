import React, { useState, type FormEvent } from 'react';
import { css } from '@emotion/css';
import type { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps } from '@grafana/data';
import { Alert, Button, Field, FieldSet, Input, Stack, useStyles2 } from '@grafana/ui';

import { DEFAULT_DATASOURCE_UID } from '../../constants';
import { logger } from '../../services/logger';
import {
  resolveDatasourceUid,
  saveAppSettings,
  validateDatasourceUid,
  type AppSettings,
} from '../../services/settings';
import { SetupChecks } from '../SetupChecks/SetupChecks';
import { testIds } from '../testIds';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

/** Outcome of the last save, shown under the form. */
type Feedback = { severity: 'error'; title: string; message: string };

const AppConfig = ({ plugin }: AppConfigProps) => {
  const styles = useStyles2(getStyles);
  const { id, enabled, pinned, jsonData } = plugin.meta;

  const [datasourceUid, setDatasourceUid] = useState(resolveDatasourceUid(jsonData));
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | undefined>(undefined);
  // The checks run for the saved uid when the page opens, and for the typed uid on "Test datasource".
  const [checked, setChecked] = useState({ uid: resolveDatasourceUid(jsonData), runId: 0 });

  const uid = datasourceUid.trim();
  const invalidReason = validateDatasourceUid(uid);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (invalidReason !== undefined) {
      return;
    }

    setBusy(true);
    try {
      await saveAppSettings(id, { enabled, pinned }, { datasourceUid: uid });

      // Grafana caches the plugin settings that it passes to app pages, so only a reload makes them use the new uid.
      window.location.reload();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn('Saving the app settings failed', { pluginId: id, message });
      setFeedback({ severity: 'error', title: 'The settings were not saved', message });
      setBusy(false);
    }
  };

  const onTest = () => setChecked((current) => ({ uid, runId: current.runId + 1 }));

  return (
    <form onSubmit={onSubmit}>
      <FieldSet label="PostgreSQL datasource">
        <Field
          label="Datasource uid"
          description={`UID of the PostgreSQL datasource whose database contains the ciem schema. OpenCIEM provisioning creates ${DEFAULT_DATASOURCE_UID}.`}
          invalid={invalidReason !== undefined}
          error={invalidReason}
        >
          <Input
            id="openciem-datasource-uid"
            data-testid={testIds.appConfig.datasourceUid}
            width={40}
            value={datasourceUid}
            placeholder={DEFAULT_DATASOURCE_UID}
            onChange={(event) => setDatasourceUid(event.currentTarget.value)}
          />
        </Field>

        <Stack gap={1}>
          <Button type="submit" data-testid={testIds.appConfig.save} disabled={busy || invalidReason !== undefined}>
            Save settings
          </Button>
          <Button
            type="button"
            variant="secondary"
            data-testid={testIds.appConfig.test}
            disabled={busy || invalidReason !== undefined}
            onClick={onTest}
          >
            Test datasource
          </Button>
        </Stack>

        {feedback && (
          <Alert className={styles.feedback} severity={feedback.severity} title={feedback.title}>
            {feedback.message}
          </Alert>
        )}
      </FieldSet>

      <FieldSet label="Setup checks">
        <SetupChecks datasourceUid={checked.uid} runId={checked.runId} />
      </FieldSet>
    </form>
  );
};

export default AppConfig;

const getStyles = (theme: GrafanaTheme2) => ({
  feedback: css({
    marginTop: theme.spacing(2),
  }),
});
