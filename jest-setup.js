// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// jsdom draws no text. Combobox of @grafana/ui measures its option labels on a canvas, so the context gives each
// character a fixed width instead of the scaffold's undefined context.
HTMLCanvasElement.prototype.getContext = () => ({ measureText: (text) => ({ width: 7 * text.length }) });

// jsdom lacks IntersectionObserver, which the menus of @grafana/ui watch their position with.
global.IntersectionObserver = class {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
};
