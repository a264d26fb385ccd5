import {
  serviceAccessFrames,
  valuesOf,
  withFieldsReversed,
  withoutFields,
  withRows,
  withValues,
} from '../../test/panelFixtures';
import { cellKey, readMatrix, type Matrix } from './matrixCells';

function matrixOf(read: ReturnType<typeof readMatrix>): Matrix {
  if (read.kind !== 'matrix') {
    throw new Error(`expected a matrix, got ${JSON.stringify(read)}`);
  }
  return read.matrix;
}

describe('readMatrix on identity × service rows', () => {
  test('has a cell per row', () => {
    const [frame] = serviceAccessFrames();

    expect(matrixOf(readMatrix([frame])).cells.size).toBe(frame.length);
  });

  test('lists identities in row order and services alphabetically', () => {
    const [frame] = serviceAccessFrames();
    const matrix = matrixOf(readMatrix([frame]));

    expect(matrix.identities).toEqual([...new Set(valuesOf(frame, 'identity_arn'))]);
    expect(matrix.services).toEqual([...new Set(valuesOf(frame, 'service') as string[])].sort());
  });

  test('marks the rows whose grant is unused', () => {
    const [frame] = serviceAccessFrames();
    const matrix = matrixOf(readMatrix([frame]));
    const unusedRows = valuesOf(frame, 'unused').filter(Boolean).length;

    expect(matrix.hasUsage).toBe(true);
    expect([...matrix.cells.values()].filter((cell) => cell.unused)).toHaveLength(unusedRows);
  });

  test('does not depend on field order', () => {
    const [frame] = serviceAccessFrames();

    expect(readMatrix([withFieldsReversed(frame)])).toEqual(readMatrix([frame]));
  });

  test('reads a result without the unused field', () => {
    const [frame] = serviceAccessFrames();
    const matrix = matrixOf(readMatrix([withoutFields(frame, 'unused')]));

    expect(matrix.hasUsage).toBe(false);
    expect([...matrix.cells.values()].every((cell) => cell.unused === undefined)).toBe(true);
  });

  test('keeps the highest level of duplicate rows', () => {
    const [frame] = serviceAccessFrames();
    const first = withRows(frame, (row) => row === 0);
    const identity = String(valuesOf(first, 'identity_arn')[0]);
    const service = String(valuesOf(first, 'service')[0]);
    const asLevel = (level: string) => ({
      ...first,
      fields: first.fields.map((field) => (field.name === 'access_level' ? { ...field, values: [level] } : field)),
    });

    const matrix = matrixOf(
      readMatrix([{ ...first, length: 2, fields: mergeRows(asLevel('Read'), asLevel('Write')) }])
    );
    expect(matrix.cells.get(cellKey(identity, service))?.level).toBe('Write');
  });

  test('names an unknown access level and its row', () => {
    const [frame] = serviceAccessFrames();
    const broken = withValues(frame, 'access_level', (level, row) => (row === 2 ? 'Admin' : level));

    expect(readMatrix([broken])).toEqual({
      kind: 'unreadable',
      message:
        'Row 3 has access_level "Admin", which is not one of List, Tagging, Read, Write, Permissions management.',
    });
  });

  test('names the missing fields', () => {
    const [frame] = serviceAccessFrames();
    const read = readMatrix([withoutFields(frame, 'access_level')]);

    expect(read.kind).toBe('unreadable');
    expect(read.kind === 'unreadable' ? read.message : '').toContain('The query result has no access_level field.');
  });

  test('reports an empty result', () => {
    const [frame] = serviceAccessFrames();

    expect(readMatrix([withRows(frame, () => false)])).toEqual({ kind: 'empty' });
  });
});

function mergeRows(...frames: Array<ReturnType<typeof withRows>>) {
  return frames[0].fields.map((field, index) => ({
    ...field,
    values: frames.flatMap((frame) => frame.fields[index].values),
  }));
}
