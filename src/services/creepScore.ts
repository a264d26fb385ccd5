import type { SqlRow } from './datasource';
import { readNumber, readOptionalNumber } from './rows';

/** The permission creep score of a user or role (0 to 100) and each access level's part of it, from ciem.creep_scores. */
export interface CreepScore {
  score: number;
  permissionsManagement: number;
  write: number;
  read: number;
  tagging: number;
  list: number;
}

/** Reads the creep_* columns of a row, or returns null when the identity has no score (no last accessed report). */
export function readCreepScore(row: SqlRow): CreepScore | null {
  const score = readOptionalNumber(row, 'creep_score');
  if (score === null) {
    return null;
  }

  return {
    score,
    permissionsManagement: readNumber(row, 'creep_permissions_management'),
    write: readNumber(row, 'creep_write'),
    read: readNumber(row, 'creep_read'),
    tagging: readNumber(row, 'creep_tagging'),
    list: readNumber(row, 'creep_list'),
  };
}
