import { Command, CommanderError } from 'commander';

import { registerDemo } from './commands/demo';
import { registerExplain } from './commands/explain';
import { registerImport } from './commands/import';
import { registerMigrate } from './commands/migrate';
import { registerRefresh } from './commands/refresh';
import { registerSnapshot } from './commands/snapshot';
import { registerSuggestPolicy } from './commands/suggest-policy';
import { formatError } from './errors';
import { toolVersion } from './version';

/** Builds the openciem command tree; exported so tests can run commands in-process. */
export function buildProgram(): Command {
  const program = new Command('openciem')
    .description('OpenCIEM: cloud entitlement analysis on CloudQuery data in PostgreSQL')
    .version(toolVersion)
    .showHelpAfterError('(run with --help for usage)');

  registerMigrate(program);
  registerImport(program);
  registerRefresh(program);
  registerSnapshot(program);
  registerExplain(program);
  registerSuggestPolicy(program);
  registerDemo(program);
  return program;
}

/** Makes commander throw instead of calling process.exit, on every level of the command tree. */
function overrideExits(command: Command): void {
  command.exitOverride();
  command.commands.forEach(overrideExits);
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  overrideExits(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed help, the version or its own usage error.
      return error.exitCode;
    }
    console.error(formatError(error));
    return 1;
  }
}
