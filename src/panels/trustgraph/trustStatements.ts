import type { DataFrame } from '@grafana/data';

import { describeMissingFields, fieldByName, selectFrame } from '../shared/frameFields';
import { readInteger, readJson, readText, readTextList } from '../shared/sqlValues';

/** One row of ciem.cross_account_trust: a principal of one trust policy statement of a role. */
export interface TrustStatement {
  roleArn: string;
  /** Account that owns the role. */
  accountId?: string;
  /** Principal entry of the statement: an ARN, an account, a service, a provider or "*". */
  trustedPrincipal: string;
  /** Account of the principal, empty for services and for "*" not narrowed to one account. */
  trustedAccountId?: string;
  /** Key of the Principal element: AWS, Service, Federated or "*". */
  principalType?: string;
  classification: string;
  /** Condition keys that narrow who may use the grant. */
  narrowedBy: string[];
  sid?: string;
  /** Position of the statement in the trust policy, from 0. */
  statementIndex?: number;
  /** Allow or Deny. */
  effect?: string;
  actions: string[];
  /** The statement's Condition element. */
  condition?: unknown;
}

export const REQUIRED_FIELDS = ['role_arn', 'trusted_principal', 'classification'] as const;

const SOURCE = 'ciem.cross_account_trust';

/** The statements of a query result, or the reason the trust graph cannot read it. */
export type TrustRead =
  | { kind: 'statements'; statements: TrustStatement[]; skippedRows: number }
  | { kind: 'empty' }
  | { kind: 'unreadable'; message: string };

/** Reads the trust policy statements from the first frame that has the required fields, in any field order. */
export function readTrustStatements(series: DataFrame[]): TrustRead {
  if (series.length === 0 || series.every((frame) => frame.length === 0)) {
    return { kind: 'empty' };
  }

  const selection = selectFrame(series, REQUIRED_FIELDS);
  if ('missing' in selection) {
    return { kind: 'unreadable', message: describeMissingFields(selection.missing, SOURCE) };
  }

  const { frame } = selection;
  if (frame.length === 0) {
    return { kind: 'empty' };
  }

  const column = (name: string) => fieldByName(frame, name)?.values;
  const columns = {
    roleArn: column('role_arn'),
    accountId: column('account_id'),
    trustedPrincipal: column('trusted_principal'),
    trustedAccountId: column('trusted_account_id'),
    principalType: column('principal_type'),
    classification: column('classification'),
    narrowedBy: column('narrowed_by'),
    sid: column('sid'),
    statementIndex: column('statement_index'),
    effect: column('effect'),
    actions: column('actions'),
    condition: column('condition'),
  };

  const statements: TrustStatement[] = [];
  let skippedRows = 0;

  for (let row = 0; row < frame.length; row++) {
    const roleArn = readText(columns.roleArn?.[row]);
    const trustedPrincipal = readText(columns.trustedPrincipal?.[row]);
    const classification = readText(columns.classification?.[row]);

    // A row without a role or principal cannot be drawn as an edge.
    if (roleArn === undefined || trustedPrincipal === undefined || classification === undefined) {
      skippedRows += 1;
      continue;
    }

    statements.push({
      roleArn,
      accountId: readText(columns.accountId?.[row]) ?? accountOfArn(roleArn),
      trustedPrincipal,
      trustedAccountId: readText(columns.trustedAccountId?.[row]),
      principalType: readText(columns.principalType?.[row]),
      classification,
      narrowedBy: readTextList(columns.narrowedBy?.[row]),
      sid: readText(columns.sid?.[row]),
      statementIndex: readInteger(columns.statementIndex?.[row]),
      effect: readText(columns.effect?.[row]),
      actions: readTextList(columns.actions?.[row]),
      condition: readJson(columns.condition?.[row]),
    });
  }

  if (statements.length === 0) {
    return {
      kind: 'unreadable',
      message: `All ${skippedRows} rows have an empty role_arn, trusted_principal or classification.`,
    };
  }

  return { kind: 'statements', statements, skippedRows };
}

/** Returns the account id in the fifth segment of an ARN, for rows that do not carry account_id. */
export function accountOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4];

  return account && /^\d{12}$/.test(account) ? account : undefined;
}
