import type { Client } from 'pg';

import { listOf, statementsOf, type PolicyDocument } from './managed-policies';

/** One action of ciem.aws_actions. */
export interface CatalogueAction {
  /** Canonical service:Name, as AWS's Service Authorization Reference writes it. */
  action: string;
  service: string;
  /** Empty for actions that only take Resource "*". */
  resourceTypes: string[];
}

/** Reads the action catalogue that openciem migrate loaded, ordered by action. */
export async function readActionCatalogue(client: Client): Promise<ActionCatalogue> {
  const result = await client.query<{ action: string; service: string; resource_types: string[] }>(
    'SELECT action, service, resource_types FROM ciem.aws_actions ORDER BY action'
  );
  if (result.rows.length === 0) {
    throw new Error('ciem.aws_actions is empty: run migrate before reading the catalogue');
  }
  return new ActionCatalogue(result.rows.map((row) => ({ action: row.action, service: row.service, resourceTypes: row.resource_types })));
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

  constructor(actions: CatalogueAction[]) {
    this.actions = actions;
    for (const entry of actions) {
      const key = entry.service.toLowerCase();
      const list = this.byService.get(key) ?? [];
      list.push(entry);
      this.byService.set(key, list);
    }
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
 * element); appliesToUnnamedActions tells the caller so.
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
