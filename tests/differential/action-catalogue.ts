import type { Client } from 'pg';

import { listOf, statementsOf, type PolicyDocument } from './managed-policies';

/** One action of ciem.aws_actions. */
export interface CatalogueAction {
  /** Canonical service:Name, as AWS's Service Authorization Reference writes it. */
  action: string;
  service: string;
  /** Empty for actions that only take Resource "*". */
  resourceTypes: string[];
  /** The ARN format of each resource type, such as arn:${Partition}:s3:::${BucketName}. */
  arnFormats: string[];
}

/** Reads the action catalogue that openciem migrate loaded, ordered by action. */
export async function readActionCatalogue(client: Client): Promise<ActionCatalogue> {
  const result = await client.query<{ action: string; service: string; resource_types: string[]; arn_formats: string[] }>(
    `SELECT a.action, a.service, a.resource_types,
            coalesce(array_agg(t.arn_format ORDER BY t.resource_type) FILTER (WHERE t.arn_format IS NOT NULL), '{}') AS arn_formats
       FROM ciem.aws_actions a
       LEFT JOIN ciem.aws_resource_types t ON t.service = a.service AND t.resource_type = ANY (a.resource_types)
      GROUP BY a.action, a.service, a.resource_types
      ORDER BY a.action`
  );
  if (result.rows.length === 0) {
    throw new Error('ciem.aws_actions is empty: run migrate before reading the catalogue');
  }
  return new ActionCatalogue(
    result.rows.map((row) => ({ action: row.action, service: row.service, resourceTypes: row.resource_types, arnFormats: row.arn_formats }))
  );
}

/**
 * The action catalogue with lookups by service, for expanding the Action and NotAction patterns
 * of policies. Action names and service prefixes compare case-insensitively, because AWS treats
 * "The prefix and the action name are case insensitive" (IAM User Guide, IAM JSON policy
 * elements: Action).
 */
export class ActionCatalogue {
  readonly actions: CatalogueAction[];
  private readonly byService = new Map<string, CatalogueAction[]>();
  private readonly byAction = new Map<string, CatalogueAction>();

  constructor(actions: CatalogueAction[]) {
    this.actions = actions;
    for (const entry of actions) {
      this.byAction.set(entry.action, entry);
      const key = entry.service.toLowerCase();
      const list = this.byService.get(key) ?? [];
      list.push(entry);
      this.byService.set(key, list);
    }
  }

  /** Returns the entry of an action in canonical case, if the catalogue has it. */
  get(action: string): CatalogueAction | undefined {
    return this.byAction.get(action);
  }

  /**
   * Returns the actions that an Action or NotAction value matches. In the part after the colon,
   * `*` matches any run of characters and `?` one character (IAM User Guide, Action element). A
   * value of `*` alone matches every action; a value without a colon matches none.
   */
  match(pattern: string): CatalogueAction[] {
    if (pattern === '*') {
      return this.actions;
    }
    const colon = pattern.indexOf(':');
    if (colon < 0) {
      return [];
    }
    const service = pattern.slice(0, colon);
    const candidates = /[*?]/.test(service) ? this.actions : (this.byService.get(service.toLowerCase()) ?? []);
    const expression = wildcardExpression(pattern);
    return candidates.filter((entry) => expression.test(entry.action));
  }
}

/** Compiles an IAM wildcard value into an anchored, case-insensitive regular expression. */
export function wildcardExpression(pattern: string): RegExp {
  const source = [...pattern]
    .map((character) => {
      if (character === '*') {
        return '.*';
      }
      if (character === '?') {
        return '.';
      }
      return character.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`, 'is');
}

/**
 * Returns the catalogue actions that the Action and NotAction values of a policy match. A
 * NotAction statement also applies to every action it does not name (IAM User Guide, NotAction
 * element), and appliesToUnnamedActions detects such statements.
 */
export function actionsNamedBy(document: PolicyDocument, catalogue: ActionCatalogue): Set<string> {
  const named = new Set<string>();
  for (const statement of statementsOf(document)) {
    for (const pattern of [...listOf(statement.Action), ...listOf(statement.NotAction)]) {
      catalogue.match(pattern).forEach((entry) => named.add(entry.action));
    }
  }
  return named;
}

/** Tells whether a statement of the policy applies to actions it does not name, through NotAction. */
export function appliesToUnnamedActions(document: PolicyDocument): boolean {
  return statementsOf(document).some((statement) => statement.NotAction !== undefined);
}
