import { v5 as uuidV5 } from 'uuid';

import { describe } from '../policy-document';
import {
  InputError,
  arrayAt,
  objectAt,
  optionalBooleanAt,
  optionalIntegerAt,
  optionalStringAt,
  stringAt,
  type JsonObject,
} from '../aws-authz/fields';
import { tableOfKind } from './tables';

/** Rows for one CloudQuery table, before the `_cq_*` columns are added. */
export type Row = Record<string, unknown>;

export interface ParsedKubectlList {
  context: string;
  /** Rows keyed by table name. */
  rows: Map<string, Row[]>;
  warnings: string[];
}

const namespacedKinds = new Set(['Role', 'RoleBinding', 'ServiceAccount']);

// Fixed namespace for the uids derived for objects that lack metadata.uid.
const derivedUidNamespace = '0b6f1d3c-5a34-4f0e-9c59-2f7c6c1b8e41';

/**
 * Turns the output of `kubectl get roles,clusterroles,rolebindings,clusterrolebindings,serviceaccounts
 * -A -o json` (a List whose items are those objects, as the Kubernetes API returns them) into rows
 * of CloudQuery's Kubernetes tables for one context. Throws InputError with the JSON path of the
 * first item that does not match the API types (rbac.authorization.k8s.io/v1, core/v1).
 */
export function parseKubectlList(document: unknown, context: string): ParsedKubectlList {
  const root = objectAt(document, '$');
  const kind = root.kind;
  if (typeof kind !== 'string' || !kind.endsWith('List') || !Array.isArray(root.items)) {
    throw new InputError('$', `expected a List with items, as kubectl get -o json prints it, got ${describeTop(root)}`);
  }

  const rows = new Map<string, Row[]>();
  const warnings: string[] = [];
  const ignoredKinds = new Map<string, number>();
  let derivedUids = 0;

  arrayAt(root, 'items', '$', true).forEach((entry, index) => {
    const path = `items[${index}]`;
    const item = objectAt(entry, path);
    const itemKind = stringAt(item, 'kind', path);
    const table = tableOfKind[itemKind];
    if (!table) {
      ignoredKinds.set(itemKind, (ignoredKinds.get(itemKind) ?? 0) + 1);
      return;
    }
    const row = readObject(item, itemKind, path, context);
    if (row.uidDerived) {
      derivedUids += 1;
    }
    const list = rows.get(table) ?? [];
    list.push(row.values);
    rows.set(table, list);
  });

  const total = [...rows.values()].reduce((sum, list) => sum + list.length, 0);
  if (total === 0) {
    throw new InputError(
      '$.items',
      'holds no Role, ClusterRole, RoleBinding, ClusterRoleBinding or ServiceAccount (every cluster has default ClusterRoles, so the file is not the output of that command)'
    );
  }
  if (ignoredKinds.size > 0) {
    const kinds = [...ignoredKinds].map(([name, count]) => `${count} ${name}`).join(', ');
    warnings.push(`ignored items of other kinds: ${kinds}`);
  }
  if (derivedUids > 0) {
    warnings.push(
      `${derivedUids} objects have no metadata.uid (the file was not read from a cluster); their uid was derived from kind, namespace and name`
    );
  }
  return { context, rows, warnings };
}

function readObject(
  item: JsonObject,
  kind: string,
  path: string,
  context: string
): { values: Row; uidDerived: boolean } {
  const metadata = objectAt(item.metadata, `${path}.metadata`);
  const metadataPath = `${path}.metadata`;
  const name = stringAt(metadata, 'name', metadataPath);
  const namespace = namespacedKinds.has(kind) ? stringAt(metadata, 'namespace', metadataPath) : '';
  const givenUid = optionalStringAt(metadata, 'uid', metadataPath);
  const uid = givenUid && givenUid !== '' ? givenUid : uuidV5(`${kind}/${namespace}/${name}`, derivedUidNamespace);

  const values: Row = {
    context,
    kind,
    api_version: optionalStringAt(item, 'apiVersion', path),
    name,
    namespace,
    uid,
    resource_version: optionalStringAt(metadata, 'resourceVersion', metadataPath),
    generation: optionalIntegerAt(metadata, 'generation', metadataPath),
    deletion_grace_period_seconds: optionalIntegerAt(metadata, 'deletionGracePeriodSeconds', metadataPath),
    labels: stringMapAt(metadata, 'labels', metadataPath),
    annotations: stringMapAt(metadata, 'annotations', metadataPath),
    owner_references: optionalArrayAt(metadata, 'ownerReferences', metadataPath),
    finalizers: stringListAt(metadata, 'finalizers', metadataPath),
  };

  switch (kind) {
    case 'Role':
      values.rules = rulesAt(item, path);
      break;
    case 'ClusterRole':
      values.rules = rulesAt(item, path);
      values.aggregation_rule = optionalObjectAt(item, 'aggregationRule', path);
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      values.subjects = subjectsAt(item, path);
      values.role_ref = roleRefAt(item, path);
      break;
    case 'ServiceAccount':
      values.secrets = optionalArrayAt(item, 'secrets', path);
      values.image_pull_secrets = optionalArrayAt(item, 'imagePullSecrets', path);
      values.automount_service_account_token = optionalBooleanAt(item, 'automountServiceAccountToken', path);
      break;
  }
  return { values, uidDerived: givenUid === null || givenUid === '' };
}

/** Checks PolicyRules: each is an object whose lists, when present, contain strings. */
function rulesAt(item: JsonObject, path: string): unknown[] | null {
  const rules = optionalArrayAt(item, 'rules', path);
  rules?.forEach((entry, index) => {
    const rulePath = `${path}.rules[${index}]`;
    const rule = objectAt(entry, rulePath);
    for (const key of ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs']) {
      stringListAt(rule, key, rulePath);
    }
  });
  return rules;
}

function subjectsAt(item: JsonObject, path: string): unknown[] | null {
  const subjects = optionalArrayAt(item, 'subjects', path);
  subjects?.forEach((entry, index) => {
    const subjectPath = `${path}.subjects[${index}]`;
    const subject = objectAt(entry, subjectPath);
    stringAt(subject, 'kind', subjectPath);
    stringAt(subject, 'name', subjectPath);
    optionalStringAt(subject, 'namespace', subjectPath);
  });
  return subjects;
}

/** A binding's roleRef must name a Role or ClusterRole: the API server rejects any other. */
function roleRefAt(item: JsonObject, path: string): JsonObject {
  const roleRefPath = `${path}.roleRef`;
  const roleRef = objectAt(item.roleRef, roleRefPath);
  const kind = stringAt(roleRef, 'kind', roleRefPath);
  if (kind !== 'Role' && kind !== 'ClusterRole') {
    throw new InputError(`${roleRefPath}.kind`, `expected Role or ClusterRole, got "${kind}"`);
  }
  stringAt(roleRef, 'name', roleRefPath);
  return roleRef;
}

function optionalArrayAt(parent: JsonObject, key: string, path: string): unknown[] | null {
  const value = parent[key];
  if (value === undefined || value === null) {
    return null;
  }
  return arrayAt(parent, key, path);
}

function optionalObjectAt(parent: JsonObject, key: string, path: string): JsonObject | null {
  const value = parent[key];
  if (value === undefined || value === null) {
    return null;
  }
  return objectAt(value, `${path}.${key}`);
}

function stringListAt(parent: JsonObject, key: string, path: string): string[] | null {
  const list = optionalArrayAt(parent, key, path);
  list?.forEach((value, index) => {
    if (typeof value !== 'string') {
      throw new InputError(`${path}.${key}[${index}]`, `expected a string, got ${describe(value)}`);
    }
  });
  return list as string[] | null;
}

function stringMapAt(parent: JsonObject, key: string, path: string): JsonObject | null {
  const map = optionalObjectAt(parent, key, path);
  Object.entries(map ?? {}).forEach(([entryKey, value]) => {
    if (typeof value !== 'string') {
      throw new InputError(`${path}.${key}.${entryKey}`, `expected a string, got ${describe(value)}`);
    }
  });
  return map;
}

function describeTop(root: JsonObject): string {
  if (typeof root.kind === 'string') {
    return `an object of kind ${root.kind}`;
  }
  return `an object with keys ${Object.keys(root).slice(0, 5).join(', ') || '(none)'}`;
}
