/** Escapes text so that a RegExp matches it literally, for URL and title assertions. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
