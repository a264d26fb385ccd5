import { locationUtil } from '@grafana/data';
import { locationService } from '@grafana/runtime';

/**
 * Routes plain clicks on same-origin links through locationService, as Grafana's own link interception does, so that
 * links between app pages navigate inside the single-page app instead of reloading it.
 */
export function interceptLinkClicks(): void {
  document.addEventListener('click', (event) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }

    const anchor = (event.target as Element | null)?.closest('a');
    const href = anchor?.getAttribute('href');
    if (!anchor || !href || anchor.target === '_blank' || href.startsWith('#')) {
      return;
    }

    const url = new URL(href, window.location.href);
    if (url.origin !== window.location.origin) {
      return;
    }

    event.preventDefault();
    locationService.push(locationUtil.stripBaseFromUrl(`${url.pathname}${url.search}${url.hash}`));
  });
}
