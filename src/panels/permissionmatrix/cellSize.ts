/** Width of a matrix column in px; fixed, so that many services scroll instead of narrowing the columns. */
export const CELL_WIDTH = 24;

/** Height of a matrix row in px. */
export const CELL_HEIGHT = 22;
