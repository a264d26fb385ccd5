import type { Row } from '../cli/import/aws-authz/parse';
import { builtInRoleCatalogue, generateSubscription, planSubscriptions } from './azure-subscriptions';

type Properties = Record<string, unknown>;

const plan = planSubscriptions(1_000, 4);
const catalogue = builtInRoleCatalogue();
const subscriptions = plan.subscriptions.map((subscription) => generateSubscription(plan, subscription, catalogue));
const propertiesOf = (row: Row) => row.properties as Properties;
const assignments = subscriptions.flatMap(
  (subscription) => subscription.rows.azure_authorization_role_assignments ?? []
);

describe('planSubscriptions', () => {
  test('splits every identity over subscriptions', () => {
    expect(plan.subscriptions).toHaveLength(4);
    expect(plan.subscriptions.reduce((sum, subscription) => sum + subscription.identities, 0)).toBe(1_000);
  });

  test('gives subscriptions GUIDs', () => {
    for (const subscription of plan.subscriptions) {
      expect(subscription.subscriptionId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
      );
    }
  });
});

describe('generateSubscription', () => {
  test('is deterministic for one seed', () => {
    const again = generateSubscription(plan, plan.subscriptions[0], catalogue);
    expect(JSON.stringify(again.rows)).toBe(JSON.stringify(subscriptions[0].rows));
  });

  test('creates the planned identities', () => {
    plan.subscriptions.forEach((subscriptionPlan, index) => {
      const counts = subscriptions[index].counts;
      expect(counts.users + counts.groups + counts.servicePrincipals + counts.managedIdentities).toBe(
        subscriptionPlan.identities
      );
    });
  });

  test('assigns at management group, subscription, resource group and resource scope', () => {
    const scopes = assignments.map((row) => String(propertiesOf(row).scope));
    expect(scopes.some((scope) => scope.startsWith('/providers/Microsoft.Management/managementGroups/'))).toBe(true);
    expect(scopes.some((scope) => /^\/subscriptions\/[^/]+$/.test(scope))).toBe(true);
    expect(scopes.some((scope) => /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/.test(scope))).toBe(true);
    expect(scopes.some((scope) => scope.includes('/providers/Microsoft.Storage/storageAccounts/'))).toBe(true);
  });

  test('lists every assigned role definition in the subscription', () => {
    for (const subscription of subscriptions) {
      const definitions = new Set((subscription.rows.azure_authorization_role_definitions ?? []).map((row) => row.id));
      for (const assignment of subscription.rows.azure_authorization_role_assignments ?? []) {
        expect(definitions.has(propertiesOf(assignment).roleDefinitionId)).toBe(true);
      }
    }
  });

  test('defines roles with wildcards, NotActions and DataActions', () => {
    const blocks = subscriptions
      .flatMap((subscription) => subscription.rows.azure_authorization_role_definitions ?? [])
      .flatMap((row) => propertiesOf(row).permissions as Array<Record<string, string[]>>);
    expect(blocks.some((block) => block.actions.includes('*') && block.notActions.length > 0)).toBe(true);
    expect(blocks.some((block) => block.actions.some((action) => action.startsWith('*/')))).toBe(true);
    expect(blocks.some((block) => block.dataActions.length > 0)).toBe(true);
  });

  test('writes custom roles assignable at their subscription', () => {
    const custom = subscriptions[0].rows.azure_authorization_role_definitions?.filter(
      (row) => propertiesOf(row).type === 'CustomRole'
    );
    expect(custom?.length).toBe(subscriptions[0].counts.customRoles);
    expect(propertiesOf(custom![0]).assignableScopes).toEqual([`/subscriptions/${subscriptions[0].subscriptionId}`]);
  });

  test('gives managed identities a virtual machine or web app', () => {
    for (const subscription of subscriptions) {
      const resources = [
        ...(subscription.rows.azure_compute_virtual_machines ?? []),
        ...(subscription.rows.azure_appservice_web_apps ?? []),
      ];
      expect(resources).toHaveLength(subscription.counts.managedIdentities);
    }
  });

  test('adds ABAC conditions to some data-role assignments', () => {
    expect(assignments.some((row) => propertiesOf(row).condition !== null)).toBe(true);
  });
});
