import { lastValueFrom } from 'rxjs';
import { getBackendSrv, isFetchError } from '@grafana/runtime';

import { DEFAULT_DATASOURCE_UID } from '../constants';

/** The app's jsonData, stored by Grafana in the plugin settings of each organization. */
export interface AppSettings {
  /** UID of the PostgreSQL datasource whose database contains the ciem schema. */
  datasourceUid?: string;
}

/** Longest UID that Grafana accepts (MaxUIDLength in Grafana's pkg/util package). */
export const MAX_UID_LENGTH = 40;

/** Returns the configured datasource UID, or the UID that OpenCIEM provisioning uses when none is set. */
export function resolveDatasourceUid(settings: AppSettings | undefined): string {
  const configured = settings?.datasourceUid?.trim();

  return configured ? configured : DEFAULT_DATASOURCE_UID;
}

/** Returns why `uid` is not a valid Grafana UID, or undefined when it is valid. */
export function validateDatasourceUid(uid: string): string | undefined {
  if (uid === '') {
    return `Enter the uid of a PostgreSQL datasource, for example ${DEFAULT_DATASOURCE_UID}.`;
  }

  if (uid.length > MAX_UID_LENGTH) {
    return `A datasource uid has at most ${MAX_UID_LENGTH} characters, and this one has ${uid.length}.`;
  }

  // Same character set as IsValidShortUID in Grafana's pkg/util package.
  if (!/^[a-zA-Z0-9_-]+$/.test(uid)) {
    return 'A datasource uid contains only letters, digits, hyphens and underscores.';
  }

  return undefined;
}

/** The fields of the plugin settings that saving must keep as they are. */
export interface PluginState {
  enabled?: boolean;
  pinned?: boolean;
}

/**
 * Saves the app settings through Grafana's plugin settings API.
 *
 * Throws an Error whose message names the fix for the user when Grafana rejects the request.
 */
export async function saveAppSettings(pluginId: string, state: PluginState, settings: AppSettings): Promise<void> {
  const request = {
    url: `/api/plugins/${pluginId}/settings`,
    method: 'POST',
    data: { enabled: state.enabled, pinned: state.pinned, jsonData: settings },
    showErrorAlert: false,
  };

  try {
    await lastValueFrom(getBackendSrv().fetch(request));
  } catch (error) {
    throw new Error(explainSaveFailure(error));
  }
}

function explainSaveFailure(error: unknown): string {
  if (isFetchError(error) && error.status === 403) {
    return 'Grafana rejected the settings because only an organization administrator may change them.';
  }

  const detail = isFetchError(error) ? `HTTP ${error.status} ${error.statusText ?? ''}`.trim() : String(error);

  return `Grafana did not save the settings (${detail}). Try again, and check the Grafana server log if it fails again.`;
}
