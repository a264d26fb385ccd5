import { hasIdentityPage } from '../shared/identityLink';
import { compareClassifications } from './classifications';
import type { TrustStatement } from './trustStatements';

/** A principal (left column) or a role (right column) of the trust graph. */
export interface TrustNode {
  id: string;
  side: 'principal' | 'role';
  /** The full principal entry or role ARN. */
  value: string;
  /** Short name shown in the node. */
  label: string;
  /** ARN of the identity page the node opens, for IAM users and roles. */
  identityArn?: string;
}

/** An account, or a kind of principal that has no account, with the nodes it contains. */
export interface NodeGroup {
  key: string;
  label: string;
  nodes: TrustNode[];
}

/** The trust of one principal in one role, with every statement row that grants or denies it. */
export interface TrustEdge {
  id: string;
  principalId: string;
  roleId: string;
  statements: TrustStatement[];
  /** Classification of the edge: the widest among its Allow statements, else among all its statements. */
  classification: string;
  /** True when every statement of the edge is a Deny. */
  denyOnly: boolean;
}

export interface TrustGraphModel {
  principalGroups: NodeGroup[];
  roleGroups: NodeGroup[];
  edges: TrustEdge[];
  classifications: string[];
}

/**
 * Builds the nodes, account groups and edges of the trust graph in a fixed order, so that the same rows always give
 * the same picture. Principals are ordered by group and label; roles by the mean position of the principals they
 * trust, which keeps edges short and reduces crossings.
 */
export function buildTrustGraph(statements: TrustStatement[]): TrustGraphModel {
  const principalGroups = groupNodes(statements.map(principalOf));
  const principalOrder = new Map(
    principalGroups.flatMap((group) => group.nodes).map((node, index) => [node.id, index] as const)
  );

  const edges = buildEdges(statements);
  const roleGroups = orderByBarycentre(groupNodes(statements.map(roleOf)), edges, principalOrder);
  const classifications = [...new Set(edges.map((edge) => edge.classification))].sort(compareClassifications);

  return { principalGroups, roleGroups, edges, classifications };
}

interface GroupedNode {
  groupKey: string;
  groupLabel: string;
  groupRank: number;
  node: TrustNode;
}

function principalOf(statement: TrustStatement): GroupedNode {
  const value = statement.trustedPrincipal;
  const node: TrustNode = {
    id: `principal:${value}`,
    side: 'principal',
    value,
    label: shortPrincipalName(value),
    identityArn: hasIdentityPage(value) ? value : undefined,
  };

  if (statement.trustedAccountId) {
    return { ...accountGroup(statement.trustedAccountId), node };
  }
  if (value === '*') {
    return { groupKey: 'anyone', groupLabel: 'Anyone', groupRank: 2, node };
  }
  if (statement.principalType === 'Federated') {
    return { groupKey: 'providers', groupLabel: 'Identity providers', groupRank: 1, node };
  }
  if (statement.principalType === 'Service' || statement.classification === 'service') {
    return { groupKey: 'services', groupLabel: 'AWS services', groupRank: 3, node };
  }

  return { groupKey: 'other', groupLabel: 'No account', groupRank: 4, node };
}

function roleOf(statement: TrustStatement): GroupedNode {
  const value = statement.roleArn;
  const node: TrustNode = {
    id: `role:${value}`,
    side: 'role',
    value,
    label: shortRoleName(value),
    identityArn: value,
  };

  return statement.accountId
    ? { ...accountGroup(statement.accountId), node }
    : { groupKey: 'other', groupLabel: 'No account', groupRank: 4, node };
}

function accountGroup(accountId: string) {
  return { groupKey: `account:${accountId}`, groupLabel: `Account ${accountId}`, groupRank: 0 };
}

/** Collects distinct nodes into groups, ordered by group rank and label, nodes by label and value. */
function groupNodes(grouped: GroupedNode[]): NodeGroup[] {
  const groups = new Map<string, { rank: number; group: NodeGroup; seen: Set<string> }>();

  for (const { groupKey, groupLabel, groupRank, node } of grouped) {
    let entry = groups.get(groupKey);
    if (!entry) {
      entry = { rank: groupRank, group: { key: groupKey, label: groupLabel, nodes: [] }, seen: new Set() };
      groups.set(groupKey, entry);
    }

    if (!entry.seen.has(node.id)) {
      entry.seen.add(node.id);
      entry.group.nodes.push(node);
    }
  }

  const sorted = [...groups.values()].sort(
    (left, right) => left.rank - right.rank || left.group.label.localeCompare(right.group.label)
  );
  for (const { group } of sorted) {
    group.nodes.sort((left, right) => left.label.localeCompare(right.label) || left.value.localeCompare(right.value));
  }

  return sorted.map(({ group }) => group);
}

function buildEdges(statements: TrustStatement[]): TrustEdge[] {
  const edges = new Map<string, TrustEdge>();

  for (const statement of statements) {
    const principalId = `principal:${statement.trustedPrincipal}`;
    const roleId = `role:${statement.roleArn}`;
    const id = `${principalId}->${roleId}`;

    const edge = edges.get(id) ?? { id, principalId, roleId, statements: [], classification: '', denyOnly: true };
    edge.statements.push(statement);
    edges.set(id, edge);
  }

  for (const edge of edges.values()) {
    const allows = edge.statements.filter((statement) => statement.effect !== 'Deny');
    const deciding = allows.length > 0 ? allows : edge.statements;

    edge.denyOnly = allows.length === 0;
    edge.classification = deciding.map((statement) => statement.classification).sort(compareClassifications)[0];
    edge.statements.sort((left, right) => (left.statementIndex ?? 0) - (right.statementIndex ?? 0));
  }

  return [...edges.values()];
}

/** Orders role groups and the roles in each by the mean position of the principals they trust. */
function orderByBarycentre(groups: NodeGroup[], edges: TrustEdge[], principalOrder: Map<string, number>): NodeGroup[] {
  const positions = new Map<string, number[]>();
  for (const edge of edges) {
    const list = positions.get(edge.roleId) ?? [];
    list.push(principalOrder.get(edge.principalId) ?? 0);
    positions.set(edge.roleId, list);
  }

  const barycentre = (node: TrustNode) => {
    const list = positions.get(node.id) ?? [0];
    return list.reduce((sum, position) => sum + position, 0) / list.length;
  };
  const byBarycentre = (left: TrustNode, right: TrustNode) =>
    barycentre(left) - barycentre(right) ||
    left.label.localeCompare(right.label) ||
    left.value.localeCompare(right.value);

  for (const group of groups) {
    group.nodes.sort(byBarycentre);
  }

  const groupCentre = (group: NodeGroup) =>
    group.nodes.reduce((sum, node) => sum + barycentre(node), 0) / group.nodes.length;

  return [...groups].sort(
    (left, right) => groupCentre(left) - groupCentre(right) || left.label.localeCompare(right.label)
  );
}

/** Returns the resource part of an ARN (role/name, assumed-role/role/session, root), or the entry as it is. */
export function shortPrincipalName(principal: string): string {
  const parts = principal.split(':');

  return principal.startsWith('arn:') && parts.length >= 6 ? parts.slice(5).join(':') : principal;
}

/** Returns a role's name with its path, without the role/ prefix. */
export function shortRoleName(roleArn: string): string {
  const resource = shortPrincipalName(roleArn);

  return resource.startsWith('role/') ? resource.slice('role/'.length) : resource;
}
