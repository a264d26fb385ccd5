import type { DataFrame, Field } from '@grafana/data';

/** The frame a panel draws, or the reason that no frame of the query result fits the panel. */
export type FrameSelection = { frame: DataFrame } | { missing: string[]; frameCount: number };

/** Returns the field with this column name. Grafana keeps the SQL column name in `name` whatever the field order. */
export function fieldByName(frame: DataFrame, name: string): Field | undefined {
  return frame.fields.find((field) => field.name === name);
}

/**
 * Selects the first frame that has every required field.
 *
 * When none has them all, returns the required names that the closest frame lacks, so the panel can name them.
 */
export function selectFrame(series: DataFrame[], required: readonly string[]): FrameSelection {
  let fewestMissing: string[] = [...required];

  for (const frame of series) {
    const missing = required.filter((name) => fieldByName(frame, name) === undefined);
    if (missing.length === 0) {
      return { frame };
    }

    if (missing.length < fewestMissing.length) {
      fewestMissing = missing;
    }
  }

  return { missing: fewestMissing, frameCount: series.length };
}

/** Builds the sentence that names the fields a frame lacks and where the panel expects them to come from. */
export function describeMissingFields(missing: string[], source: string): string {
  const names = missing.join(', ');
  const noun = missing.length === 1 ? 'field' : 'fields';

  return `The query result has no ${names} ${noun}. Select the columns of ${source}, with these names.`;
}
