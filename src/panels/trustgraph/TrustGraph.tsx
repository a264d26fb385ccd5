import React, { useMemo, useState, type MouseEvent } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { Portal, useStyles2, useTheme2, VizTooltipContainer } from '@grafana/ui';

import { identityPageHref, identityPagePath } from '../shared/identityLink';
import { classificationColor, classificationStyle } from './classifications';
import { edgePath, ellipsizeMiddle, layoutTrustGraph, type Box } from './graphLayout';
import type { TrustEdge, TrustGraphModel, TrustNode } from './graphModel';
import { StatementTooltip } from './StatementTooltip';
import { trustGraphTestIds } from './testIds';

interface Props {
  model: TrustGraphModel;
  /** Width of the panel; the columns move apart to fill it. */
  width: number;
}

interface HoveredEdge {
  edge: TrustEdge;
  x: number;
  y: number;
}

/** Average width of a 12 px character of Grafana's UI font, for fitting labels into nodes without measuring. */
const CHAR_WIDTH = 7.2;

/** Renders the SVG trust graph in a scrolling box: principals on the left, roles on the right, one edge per trust. */
export function TrustGraph({ model, width }: Props) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const layout = useMemo(() => layoutTrustGraph(model, width), [model, width]);

  const [hoveredEdge, setHoveredEdge] = useState<HoveredEdge | undefined>(undefined);
  const [hoveredNodeId, setHoveredNodeId] = useState<string | undefined>(undefined);

  const nodes = [...model.principalGroups, ...model.roleGroups].flatMap((group) => group.nodes);
  const isDimmed = (edge: TrustEdge) =>
    hoveredNodeId !== undefined && edge.principalId !== hoveredNodeId && edge.roleId !== hoveredNodeId;

  const showEdge = (edge: TrustEdge) => (event: MouseEvent) =>
    setHoveredEdge({ edge, x: event.clientX, y: event.clientY });

  return (
    <div className={styles.scroll} style={{ width }} data-testid={trustGraphTestIds.graph}>
      <svg
        width={layout.width}
        height={layout.height}
        role="img"
        aria-label={`Trust graph of ${model.roleGroups.reduce((sum, group) => sum + group.nodes.length, 0)} roles`}
      >
        {layout.groups.map((group) => (
          <g key={`${group.side}:${group.key}`}>
            <rect
              x={group.x}
              y={group.y}
              width={group.width}
              height={group.height}
              rx={theme.shape.radius.default}
              fill={theme.colors.background.secondary}
              stroke={theme.colors.border.weak}
            />
            <text x={group.x + 6} y={group.y + 15} className={styles.groupLabel} fill={theme.colors.text.secondary}>
              {group.label}
            </text>
          </g>
        ))}

        {model.edges.map((edge) => {
          const from = layout.nodes.get(edge.principalId);
          const to = layout.nodes.get(edge.roleId);
          if (!from || !to) {
            return null;
          }

          const path = edgePath(from, to);
          const color = edge.denyOnly ? theme.colors.text.secondary : classificationColor(theme, edge.classification);
          const opacity = edgeOpacity(edge, isDimmed(edge));

          return (
            <g
              key={edge.id}
              data-testid={trustGraphTestIds.edge(edge)}
              onMouseEnter={showEdge(edge)}
              onMouseMove={showEdge(edge)}
              onMouseLeave={() => setHoveredEdge(undefined)}
            >
              <path
                d={path}
                fill="none"
                stroke={color}
                strokeWidth={hoveredEdge?.edge.id === edge.id ? 3 : 1.5}
                strokeDasharray={classificationStyle(edge.classification).dash}
                strokeOpacity={opacity}
              />
              {/* A wide transparent stroke makes a thin edge easy to hover. */}
              <path d={path} fill="none" stroke="transparent" strokeWidth={10} className={styles.edgeHitArea} />
            </g>
          );
        })}

        {nodes.map((node) => {
          const box = layout.nodes.get(node.id);
          return box ? (
            <GraphNode
              key={node.id}
              node={node}
              box={box}
              highlighted={hoveredNodeId === node.id}
              onHover={setHoveredNodeId}
            />
          ) : null;
        })}
      </svg>

      {hoveredEdge && (
        <Portal>
          <VizTooltipContainer position={{ x: hoveredEdge.x, y: hoveredEdge.y }} offset={{ x: 12, y: 12 }}>
            <StatementTooltip edge={hoveredEdge.edge} />
          </VizTooltipContainer>
        </Portal>
      )}
    </div>
  );
}

/** Returns the opacity of an edge: faint when another node is hovered, half for a Deny-only edge. */
function edgeOpacity(edge: TrustEdge, dimmed: boolean): number {
  if (dimmed) {
    return 0.1;
  }

  return edge.denyOnly ? 0.5 : 0.9;
}

interface GraphNodeProps {
  node: TrustNode;
  box: Box;
  highlighted: boolean;
  onHover: (nodeId: string | undefined) => void;
}

function GraphNode({ node, box, highlighted, onHover }: GraphNodeProps) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const maxChars = Math.floor((box.width - 12) / CHAR_WIDTH);

  const content = (
    <>
      <title>{node.identityArn ? `${node.value} (open the identity page)` : node.value}</title>
      <rect
        x={box.x}
        y={box.y}
        width={box.width}
        height={box.height}
        rx={theme.shape.radius.default}
        fill={theme.colors.background.primary}
        stroke={highlighted ? theme.colors.primary.border : theme.colors.border.medium}
      />
      <text x={box.x + 6} y={box.y + 15} className={styles.nodeLabel} fill={theme.colors.text.primary}>
        {ellipsizeMiddle(node.label, maxChars)}
      </text>
    </>
  );

  const hoverHandlers = { onMouseEnter: () => onHover(node.id), onMouseLeave: () => onHover(undefined) };

  if (!node.identityArn) {
    return (
      <g data-testid={trustGraphTestIds.node(node)} {...hoverHandlers}>
        {content}
      </g>
    );
  }

  const identityArn = node.identityArn;
  const openIdentity = (event: MouseEvent) => {
    // A plain click stays in Grafana's single-page app; modified clicks keep the browser's behaviour (new tab).
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    locationService.push(identityPagePath(identityArn));
  };

  return (
    <a
      href={identityPageHref(identityArn)}
      onClick={openIdentity}
      className={cx(styles.link)}
      data-testid={trustGraphTestIds.node(node)}
      aria-label={`Open the identity page of ${identityArn}`}
      {...hoverHandlers}
    >
      {content}
    </a>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  // The graph takes the panel's height below the legend and scrolls when it is taller.
  scroll: css({ flex: '1 1 auto', minHeight: 0, overflow: 'auto', position: 'relative' }),
  groupLabel: css({ fontSize: theme.typography.bodySmall.fontSize, fontWeight: theme.typography.fontWeightMedium }),
  nodeLabel: css({ fontSize: 12, fontFamily: theme.typography.fontFamily, pointerEvents: 'none' }),
  edgeHitArea: css({ cursor: 'help' }),
  link: css({ cursor: 'pointer', '&:hover rect, &:focus rect': { stroke: theme.colors.primary.border } }),
});
