/**
 * Validates the JSON that `gcloud projects get-iam-policy ID --format=json` (or the folders and
 * organizations variants) prints: an allow policy with `bindings`, `etag`, `version` and
 * `auditConfigs` (IAM reference, "Policy"). The policy is kept as printed, because CloudQuery
 * stores the same REST shape in gcp_resourcemanager_project_policies.
 */
import { describe, isPlainObject } from '../policy-document';
import {
  arrayAt,
  InputError,
  objectAt,
  optionalIntegerAt,
  optionalStringAt,
  stringAt,
  type JsonObject,
} from '../aws-authz/fields';

export interface ParsedIamPolicy {
  bindings: JsonObject[];
  etag: string | null;
  version: number | null;
  auditConfigs: unknown[] | null;
  memberCount: number;
  conditionalBindings: number;
}

// Member forms of the IAM reference ("Policy", members, and principal identifiers).
const memberPattern =
  /^(allUsers|allAuthenticatedUsers|(deleted:)?(user|group|serviceAccount):[^:\s]+|domain:[^:\s]+|project(Owner|Editor|Viewer):[^:\s]+|(deleted:)?principal(Set)?:\/\/\S+)$/;

// roles/NAME for predefined and basic roles, projects/ID/roles/NAME and organizations/ID/roles/NAME for custom roles.
const rolePattern = /^(roles\/[A-Za-z0-9_.]+|(projects|organizations)\/[^/\s]+\/roles\/[A-Za-z0-9_.]+)$/;

/** Checks the policy and returns its parts. Every problem names its JSON path. */
export function parseIamPolicy(document: unknown): ParsedIamPolicy {
  if (Array.isArray(document)) {
    throw new InputError('$', 'expected one policy object, got an array');
  }
  const policy = objectAt(document, '$');
  if (policy.bindings === undefined && policy.etag === undefined) {
    throw new InputError(
      '$',
      `has neither bindings nor etag (keys: ${Object.keys(policy).slice(0, 5).join(', ') || 'none'}), so it is not an IAM policy`
    );
  }

  const etag = optionalStringAt(policy, 'etag', '$');
  const version = optionalIntegerAt(policy, 'version', '$');
  if (version !== null && ![1, 2, 3].includes(version)) {
    throw new InputError('$.version', `expected 1, 2 or 3, got ${version}`);
  }
  const auditConfigs = policy.auditConfigs === undefined ? null : arrayAt(policy, 'auditConfigs', '$');

  let memberCount = 0;
  let conditionalBindings = 0;
  const bindings = arrayAt(policy, 'bindings', '$').map((value, index) => {
    const path = `$.bindings[${index}]`;
    const binding = objectAt(value, path);
    const role = stringAt(binding, 'role', path);
    if (!rolePattern.test(role)) {
      throw new InputError(
        `${path}.role`,
        `"${role}" is not a role name (roles/NAME, projects/ID/roles/NAME or organizations/ID/roles/NAME)`
      );
    }

    const members = arrayAt(binding, 'members', path, true);
    members.forEach((member, memberIndex) => {
      const memberPath = `${path}.members[${memberIndex}]`;
      if (typeof member !== 'string') {
        throw new InputError(memberPath, `expected a member string, got ${describe(member)}`);
      }
      if (!memberPattern.test(member)) {
        throw new InputError(
          memberPath,
          `"${member}" is not an IAM member (user:, group:, serviceAccount:, domain:, allUsers, allAuthenticatedUsers, principal:// or principalSet://)`
        );
      }
    });
    memberCount += members.length;

    if (binding.condition !== undefined && binding.condition !== null) {
      const condition = objectAt(binding.condition, `${path}.condition`);
      stringAt(condition, 'expression', `${path}.condition`);
      conditionalBindings += 1;
    }
    return binding;
  });

  if (auditConfigs !== null) {
    auditConfigs.forEach((value, index) => {
      if (!isPlainObject(value)) {
        throw new InputError(`$.auditConfigs[${index}]`, `expected an object, got ${describe(value)}`);
      }
    });
  }

  return { bindings, etag, version, auditConfigs, memberCount, conditionalBindings };
}
