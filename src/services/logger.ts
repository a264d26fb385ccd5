// The one place where the app writes logs: Grafana's Faro monitoring (when the Grafana instance enables it) and the
// browser console. Production builds drop console.log and console.info, so the console gets warnings and errors only.
/* eslint-disable no-console */
import { createMonitoringLogger } from '@grafana/runtime';

import pluginJson from '../plugin.json';

/** Context values attached to a log entry. Faro accepts strings only. */
export type LogContext = Record<string, string>;

/** Time in ms during which an identical entry is not logged again. */
export const REPEAT_WINDOW_MS = 60_000;

// Bounds the memory that repeat detection uses when many distinct entries arrive.
const MAX_REMEMBERED_ENTRIES = 200;

const monitoring = createMonitoringLogger(pluginJson.id);

const lastLoggedAt = new Map<string, number>();

let suppressedRepeats = 0;

export const logger = {
  info(message: string, context?: LogContext): void {
    if (isRepeat(`info ${message}`, context)) {
      return;
    }

    sendToMonitoring(() => monitoring.logInfo(message, withRepeatCount(context)));
  },

  warn(message: string, context?: LogContext): void {
    if (isRepeat(`warn ${message}`, context)) {
      return;
    }

    const fullContext = withRepeatCount(context);
    console.warn(`[${pluginJson.id}] ${message}`, fullContext);
    sendToMonitoring(() => monitoring.logWarning(message, fullContext));
  },

  error(error: Error, context?: LogContext): void {
    if (isRepeat(`error ${error.name} ${error.message}`, context)) {
      return;
    }

    const fullContext = withRepeatCount(context);
    console.error(`[${pluginJson.id}]`, error, fullContext);
    sendToMonitoring(() => monitoring.logError(error, fullContext));
  },
};

/** Forgets earlier entries, so that the next entry is logged even if it repeats one. */
export function resetRepeatDetection(): void {
  lastLoggedAt.clear();
  suppressedRepeats = 0;
}

function isRepeat(entry: string, context: LogContext | undefined, now = Date.now()): boolean {
  const key = `${entry} ${JSON.stringify(context ?? {})}`;
  const previous = lastLoggedAt.get(key);
  if (previous !== undefined && now - previous < REPEAT_WINDOW_MS) {
    suppressedRepeats += 1;
    return true;
  }

  if (lastLoggedAt.size >= MAX_REMEMBERED_ENTRIES) {
    lastLoggedAt.clear();
  }
  lastLoggedAt.set(key, now);

  return false;
}

function withRepeatCount(context: LogContext | undefined): LogContext {
  if (suppressedRepeats === 0) {
    return { ...context };
  }

  const counted = { ...context, suppressedRepeats: String(suppressedRepeats) };
  suppressedRepeats = 0;

  return counted;
}

// Logging must never break a page, so a failure inside Faro only reaches the console.
function sendToMonitoring(send: () => void): void {
  try {
    send();
  } catch (error) {
    console.warn(`[${pluginJson.id}] Faro rejected a log entry`, error);
  }
}
