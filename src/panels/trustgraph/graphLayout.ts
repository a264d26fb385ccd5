import type { NodeGroup, TrustGraphModel } from './graphModel';

/** A rectangle in SVG user units, with y growing downwards. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GroupBox extends Box {
  key: string;
  label: string;
  side: 'principal' | 'role';
}

export interface TrustGraphLayout {
  width: number;
  height: number;
  groups: GroupBox[];
  nodes: Map<string, Box>;
}

export const NODE_WIDTH = 280;
export const NODE_HEIGHT = 22;
const NODE_GAP = 4;
const GROUP_HEADER = 22;
const GROUP_PADDING = 6;
const GROUP_GAP = 14;
const MARGIN = 8;
/** Narrowest space between the two columns, so that edges stay readable in a narrow panel. */
const MIN_EDGE_SPAN = 140;

/** Smallest width at which the two columns and their edges fit; a narrower panel scrolls. */
export const MIN_LAYOUT_WIDTH = 2 * (NODE_WIDTH + 2 * GROUP_PADDING + MARGIN) + MIN_EDGE_SPAN;

/**
 * Places principals in a left column and roles in a right column, each grouped in account boxes stacked from the
 * top. The columns move apart to fill `width`. Positions depend only on the model and the width.
 */
export function layoutTrustGraph(model: TrustGraphModel, width: number): TrustGraphLayout {
  const layoutWidth = Math.max(width, MIN_LAYOUT_WIDTH);
  const groupWidth = NODE_WIDTH + 2 * GROUP_PADDING;

  const nodes = new Map<string, Box>();
  const groups: GroupBox[] = [];

  const leftHeight = stackColumn(model.principalGroups, 'principal', MARGIN, groupWidth, nodes, groups);
  const rightHeight = stackColumn(
    model.roleGroups,
    'role',
    layoutWidth - MARGIN - groupWidth,
    groupWidth,
    nodes,
    groups
  );

  return { width: layoutWidth, height: Math.max(leftHeight, rightHeight) + MARGIN, groups, nodes };
}

function stackColumn(
  columnGroups: NodeGroup[],
  side: 'principal' | 'role',
  x: number,
  groupWidth: number,
  nodes: Map<string, Box>,
  groups: GroupBox[]
): number {
  let y = MARGIN;

  for (const group of columnGroups) {
    const height = GROUP_HEADER + group.nodes.length * (NODE_HEIGHT + NODE_GAP) - NODE_GAP + GROUP_PADDING;
    groups.push({ key: group.key, label: group.label, side, x, y, width: groupWidth, height });

    group.nodes.forEach((node, index) => {
      nodes.set(node.id, {
        x: x + GROUP_PADDING,
        y: y + GROUP_HEADER + index * (NODE_HEIGHT + NODE_GAP),
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
      });
    });

    y += height + GROUP_GAP;
  }

  return y - GROUP_GAP;
}

/** Builds the SVG path of an edge: a horizontal S curve from the right side of `from` to the left side of `to`. */
export function edgePath(from: Box, to: Box): string {
  const x1 = from.x + from.width;
  const y1 = from.y + from.height / 2;
  const x2 = to.x;
  const y2 = to.y + to.height / 2;
  const bend = (x2 - x1) / 2;

  return `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`;
}

/** Shortens text to `maxChars` by replacing its middle with an ellipsis, keeping both ends readable. */
export function ellipsizeMiddle(text: string, maxChars: number): string {
  if (text.length <= maxChars) {
    return text;
  }

  const keep = maxChars - 1;
  const head = Math.ceil(keep / 2);

  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}
