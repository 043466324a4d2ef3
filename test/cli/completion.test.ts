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
