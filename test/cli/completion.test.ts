import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderCompletion } from '../../src/cli/completion.js';
import { commands } from '../../src/cli/registry.js';
import { runTruesplit } from './harness.js';

describe('truesplit completion', () => {
  it.each(['bash', 'zsh', 'fish'] as const)('%s: the golden script, every command named', async (shell) => {
    const script = renderCompletion(shell, commands);
    for (const command of commands) expect(script).toContain(command.name);
    await expect(script).toMatchFileSnapshot(`../golden/cli/completion.${shell}`);
  });

  it('bash: the script parses and completes a command prefix', () => {
    const script = renderCompletion('bash', commands);
    const out = execFileSync(
      'bash',
      ['-c', `${script}\nCOMP_WORDS=(truesplit pro); COMP_CWORD=1; _truesplit; echo "\${COMPREPLY[@]}"`],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('promote');
  });

  it.each([
    ['terminate', 'a', 'analysisrun'],
    ['terminate', 'e', 'experiment'],
    ['create', 'an', 'analysisrun'],
    ['completion', 'z', 'zsh'],
  ])('bash: after %s, %s completes to %s', (command, prefix, word) => {
    const script = renderCompletion('bash', commands);
    const out = execFileSync(
      'bash',
      [
        '-c',
        `${script}\nCOMP_WORDS=(truesplit ${command} ${prefix}); COMP_CWORD=2; _truesplit; echo "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe(word);
  });

  it('zsh and fish offer the words after terminate and create', () => {
    expect(renderCompletion('zsh', commands)).toContain('terminate) compadd -- analysisrun experiment ;;');
    expect(renderCompletion('fish', commands)).toContain(
      "complete -c truesplit -f -n '__fish_seen_subcommand_from create' -a 'analysisrun'",
    );
  });

  it.each([[[]], [['powershell']], [['bash', 'zsh']]])('bad shell %j: usage error, exit 2', async (argv) => {
    const result = await runTruesplit(['completion', ...argv]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected one shell: bash, zsh, fish');
  });

  it('prints the script on stdout', async () => {
    const result = await runTruesplit(['completion', 'fish']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(renderCompletion('fish', commands));
  });
});
