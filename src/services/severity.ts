/** Badge colour of a finding severity, from critical (red) to info (blue). */
export function severityColor(severity: string): 'red' | 'orange' | 'blue' | 'darkgrey' {
  switch (severity) {
    case 'critical':
    case 'high':
      return 'red';
    case 'medium':
      return 'orange';
    case 'low':
    case 'info':
      return 'blue';
    default:
      return 'darkgrey';
  }
}
