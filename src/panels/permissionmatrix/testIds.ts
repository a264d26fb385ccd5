// The data-testid values of the permission matrix panel. They live apart from the components so that the end-to-end
// suite, which runs in Node without React, can import them.

export const matrixTestIds = {
  grid: 'openciem-permissionmatrix-grid',
  body: 'openciem-permissionmatrix-body',
  cell: (identity: string, service: string) => `openciem-permissionmatrix-cell ${identity} ${service}`,
};

export const panelTestIds = {
  empty: 'openciem-permissionmatrix-empty',
  failed: 'openciem-permissionmatrix-failed',
  unreadable: 'openciem-permissionmatrix-unreadable',
};
