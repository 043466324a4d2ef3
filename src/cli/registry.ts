import type { Command } from './command.js';
import * as registered from './commands/index.js';
import { completionCommand } from './completion.js';

/**
 * Every registered command, in name order. A non-Command export in `commands/index.ts` fails type-checking here.
 * `completion` lists the commands, so it is built here with them.
 */
const all: Command[] = [...Object.values(registered), completionCommand(() => commands)];
export const commands: readonly Command[] = all.sort((a, b) => a.name.localeCompare(b.name));

export function findCommand(name: string): Command | undefined {
  return commands.find((command) => command.name === name);
}
