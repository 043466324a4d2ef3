/**
 * `truesplit completion bash|zsh|fish`: a shell completion script for the command names (as
 * `kubectl argo rollouts completion`), then file names for the arguments. The commands come from the registry, which
 * builds this command with them (a command module cannot import the registry without a cycle).
 */
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { EXIT, UsageError } from './command.js';

export interface CommandName {
  name: string;
  summary: string;
}

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

export function renderCompletion(shell: Shell, commands: readonly CommandName[]): string {
  const names = commands.map((c) => c.name).join(' ');
  switch (shell) {
    case 'bash':
      return `# truesplit completion for bash: source <(truesplit completion bash)
_truesplit() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${names}" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o default -F _truesplit truesplit
`;
    case 'zsh':
      return `#compdef truesplit
# truesplit completion for zsh: source <(truesplit completion zsh)
_truesplit() {
  if (( CURRENT == 2 )); then
    compadd -- ${names}
  else
    _files
  fi
}
compdef _truesplit truesplit
`;
    case 'fish':
      return [
        '# truesplit completion for fish: truesplit completion fish | source',
        ...commands.map(
          (c) => `complete -c truesplit -f -n __fish_use_subcommand -a ${c.name} -d ${quote(c.summary)}`,
        ),
        '',
      ].join('\n');
  }
}

export function completionCommand(commands: () => readonly CommandName[]): Command {
  return {
    name: 'completion',
    summary: 'Print a shell completion script (bash, zsh or fish)',
    usage: `Usage: truesplit completion bash|zsh|fish

Prints a completion script for the shell, as 'kubectl argo rollouts completion'.
  bash:  source <(truesplit completion bash)
  zsh:   source <(truesplit completion zsh)
  fish:  truesplit completion fish | source
`,
    run(argv, io) {
      const { positionals } = parseCommandArgs(argv, {}, true);
      const shell = positionals[0];
      if (positionals.length !== 1 || !SHELLS.includes(shell as Shell)) {
        throw new UsageError(`expected one shell: ${SHELLS.join(', ')} (got "${positionals.join(' ')}")`);
      }
      io.stdout.write(renderCompletion(shell as Shell, commands()));
      return Promise.resolve(EXIT.ok);
    },
  };
}
