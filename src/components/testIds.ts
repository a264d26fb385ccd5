export const testIds = {
  appConfig: {
    datasourceUid: 'data-testid openciem-config-datasource-uid',
    save: 'data-testid openciem-config-save',
    test: 'data-testid openciem-config-test',
  },
  home: {
    container: 'data-testid openciem-home',
    identityCount: (label: string) => `data-testid openciem-home-count-${label}`,
  },
  identities: {
    container: 'data-testid openciem-identities',
    search: 'data-testid openciem-identities-search',
  },
};
