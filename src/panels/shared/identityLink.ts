import { locationUtil } from '@grafana/data';

const APP_ID = 'openciem-entitlements-app';

/** Builds the path of the app's identity page for an ARN, relative to Grafana's root URL. */
export function identityPagePath(arn: string): string {
  return `/a/${APP_ID}/identity?arn=${encodeURIComponent(arn)}`;
}

/** Builds the href of the identity page, with Grafana's sub path when Grafana is served under one. */
export function identityPageHref(arn: string): string {
  return locationUtil.assureBaseUrl(identityPagePath(arn));
}

/** Returns true for the ARN of an IAM user or role, the principals that have an identity page. */
export function hasIdentityPage(arn: string): boolean {
  return /^arn:aws[a-z-]*:iam::\d{12}:(user|role)\//.test(arn);
}
