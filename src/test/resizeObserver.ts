// jsdom has no layout and no ResizeObserver, which @grafana/ui's VizTooltipContainer creates to keep a tooltip in the
// window. The stand-in never reports a size change, which is what a page without layout would observe.
class NoLayoutResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

/** Installs the stand-in ResizeObserver when the test environment has none. */
export function installResizeObserver(): void {
  if (!('ResizeObserver' in globalThis)) {
    Object.assign(globalThis, { ResizeObserver: NoLayoutResizeObserver });
  }
}
