import { readFile } from 'node:fs/promises';
import { parseCommandArgs, parseOutputFlag } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../command.js';
import { serialize } from '../output.js';

/** `package.json` sits three levels above both `src/cli/commands/` and `dist/cli/commands/`. */
const PACKAGE_JSON = new URL('../../../package.json', import.meta.url);

export async function readPackageVersion(): Promise<string> {
  const parsed: unknown = JSON.parse(await readFile(PACKAGE_JSON, 'utf8'));
  const version =
    typeof parsed === 'object' && parsed !== null && 'version' in parsed ? parsed.version : undefined;
  return typeof version === 'string' ? version : 'unknown';
}

export const version: Command = {
  name: 'version',
  summary: 'Print the truesplit version',
  usage: `Usage: truesplit version [-o text|json|yaml]

Prints the truesplit version and the Node.js runtime it runs on.

Flags:
  -o, --output FORMAT   text (default), json or yaml
`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { output: { type: 'string', short: 'o' } });
    const format = parseOutputFlag(values.output, ['text', 'json', 'yaml'], 'text');
    const info = { version: await readPackageVersion(), node: process.versions.node };
    io.stdout.write(
      format === 'text' ? `truesplit ${info.version} (node ${info.node})\n` : serialize(info, format),
    );
    return EXIT.ok;
  },
};
