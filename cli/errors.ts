/**
 * An error caused by the user's input or environment. The CLI prints its message and hint
 * without a stack trace and exits with status 1.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Formats an error for the terminal: the message, then the next step when one is known. */
export function formatError(error: unknown): string {
  if (error instanceof UserError) {
    return error.hint ? `error: ${error.message}\n${error.hint}` : `error: ${error.message}`;
  }
  if (error instanceof Error) {
    return `error: ${error.message}`;
  }
  return `error: ${String(error)}`;
}
