// The data-testid values of the trust graph panel. They live apart from the components so that the end-to-end suite,
// which runs in Node without React, can import them.
import type { TrustEdge, TrustNode } from './graphModel';

export const trustGraphTestIds = {
  graph: 'openciem-trustgraph',
  edge: (edge: Pick<TrustEdge, 'id'>) => `openciem-trustgraph-edge ${edge.id}`,
  node: (node: Pick<TrustNode, 'id'>) => `openciem-trustgraph-node ${node.id}`,
};

export const panelTestIds = {
  empty: 'openciem-trustgraph-empty',
  failed: 'openciem-trustgraph-failed',
  unreadable: 'openciem-trustgraph-unreadable',
  skipped: 'openciem-trustgraph-skipped',
};
