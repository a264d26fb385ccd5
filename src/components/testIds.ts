export const testIds = {
  appConfig: {
    datasourceUid: 'data-testid openciem-config-datasource-uid',
    save: 'data-testid openciem-config-save',
    test: 'data-testid openciem-config-test',
  },
  home: {
    container: 'data-testid openciem-home',
    identityCount: (cloud: string) => `data-testid openciem-home-count-${cloud}`,
    noIdentities: 'data-testid openciem-home-no-identities',
  },
  identities: {
    container: 'data-testid openciem-identities',
    search: 'data-testid openciem-identities-search',
    cloudFilter: 'data-testid openciem-identities-cloud',
    accountFilter: 'data-testid openciem-identities-account',
    typeFilter: 'data-testid openciem-identities-type',
    table: 'data-testid openciem-identities-table',
  },
  identity: {
    container: 'data-testid openciem-identity',
    summary: 'data-testid openciem-identity-summary',
    findings: 'data-testid openciem-identity-findings',
    permissions: 'data-testid openciem-identity-permissions',
    grantsTable: 'data-testid openciem-identity-grants',
    serviceFilter: 'data-testid openciem-identity-service-filter',
    groupFilter: 'data-testid openciem-identity-group-filter',
    tree: 'data-testid openciem-identity-tree',
    explanation: (action: string) => `data-testid openciem-identity-explanation-${action}`,
    grants: (permission: string) => `data-testid openciem-identity-grants-${permission}`,
  },
  setup: {
    container: 'data-testid openciem-setup',
    sourceTables: 'data-testid openciem-setup-source-tables',
  },
};
