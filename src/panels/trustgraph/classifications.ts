import type { GrafanaTheme2 } from '@grafana/data';

/** Drawing style and legend label of the edges of one classification. */
export interface ClassificationStyle {
  label: string;
  /** Colour name of Grafana's visualisation palette, resolved per theme; undefined for the secondary text colour. */
  colorName?: string;
  /** SVG stroke-dasharray; federated and service trust are dashed so that they differ by more than colour. */
  dash?: string;
}

// Ordered from the widest trust to the narrowest, the order of the legend. The classifications are those of
// ciem.cross_account_trust (docs/trust.md).
export const CLASSIFICATIONS: Record<string, ClassificationStyle> = {
  public: { label: 'Public', colorName: 'red' },
  external: { label: 'External account', colorName: 'orange' },
  trusted_third_party: { label: 'Trusted third party', colorName: 'purple' },
  federated_oidc: { label: 'Federated (OIDC)', colorName: 'light-blue', dash: '6 3' },
  federated_saml: { label: 'Federated (SAML)', colorName: 'yellow', dash: '6 3' },
  same_organization: { label: 'Same organization', colorName: 'blue' },
  same_account: { label: 'Same account', colorName: 'green' },
  service: { label: 'AWS service', dash: '2 3' },
  deleted_principal: { label: 'Deleted principal', colorName: 'dark-red', dash: '2 3' },
};

/** Returns the style of a classification; an unknown one is drawn in the secondary text colour under its own name. */
export function classificationStyle(classification: string): ClassificationStyle {
  return CLASSIFICATIONS[classification] ?? { label: classification };
}

/** Resolves the colour of a classification for the current theme. */
export function classificationColor(theme: GrafanaTheme2, classification: string): string {
  const { colorName } = classificationStyle(classification);

  return colorName ? theme.visualization.getColorByName(colorName) : theme.colors.text.secondary;
}

/** Orders classifications as the legend lists them, unknown ones last by name. */
export function compareClassifications(left: string, right: string): number {
  const order = Object.keys(CLASSIFICATIONS);
  const rank = (classification: string) => {
    const index = order.indexOf(classification);
    return index === -1 ? order.length : index;
  };

  return rank(left) - rank(right) || left.localeCompare(right);
}
