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
  subcommands?: readonly string[];
}

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** Commands with words after their name, e.g. `terminate` → `analysisrun experiment`. */
function withSubcommands(commands: readonly CommandName[]): { name: string; words: string }[] {
  return commands.flatMap((c) =>
    c.subcommands && c.subcommands.length > 0 ? [{ name: c.name, words: c.subcommands.join(' ') }] : [],
  );
}

function bashScript(names: string, nested: { name: string; words: string }[]): string {
  const cases = nested.map((c) => `      ${c.name}) COMPREPLY=( $(compgen -W "${c.words}" -- "$cur") ) ;;\n`);
  return `# truesplit completion for bash: source <(truesplit completion bash)
_truesplit() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${names}" -- "$cur") )
  elif [ "$COMP_CWORD" -eq 2 ]; then
    case "\${COMP_WORDS[1]}" in
${cases.join('')}      *) COMPREPLY=( $(compgen -f -- "$cur") ) ;;
    esac
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o default -F _truesplit truesplit
`;
}

function zshScript(names: string, nested: { name: string; words: string }[]): string {
  const cases = nested.map((c) => `      ${c.name}) compadd -- ${c.words} ;;\n`);
  return `#compdef truesplit
# truesplit completion for zsh: source <(truesplit completion zsh)
_truesplit() {
  if (( CURRENT == 2 )); then
    compadd -- ${names}
  elif (( CURRENT == 3 )); then
    case $words[2] in
${cases.join('')}      *) _files ;;
    esac
  else
    _files
  fi
}
compdef _truesplit truesplit
`;
}

export function renderCompletion(shell: Shell, commands: readonly CommandName[]): string {
  const names = commands.map((c) => c.name).join(' ');
  const nested = withSubcommands(commands);
  switch (shell) {
    case 'bash':
      return bashScript(names, nested);
    case 'zsh':
      return zshScript(names, nested);
    case 'fish':
      return [
        '# truesplit completion for fish: truesplit completion fish | source',
        ...commands.map(
          (c) => `complete -c truesplit -f -n __fish_use_subcommand -a ${c.name} -d ${quote(c.summary)}`,
        ),
        ...nested.map(
          (c) =>
            `complete -c truesplit -f -n ${quote(`__fish_seen_subcommand_from ${c.name}`)} -a ${quote(c.words)}`,
        ),
        '',
      ].join('\n');
  }
}

export function completionCommand(commands: () => readonly CommandName[]): Command {
  return {
    name: 'completion',
    subcommands: SHELLS,
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
