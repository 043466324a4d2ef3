/** Benchmark scenarios that run in a node process of their own, so that their RSS and CPU are their own. */
import { spawn } from 'node:child_process';
import { CONTROLLER_ENV } from '../e2e/support/controller-process.ts';

/**
 * Runs `script scenario` in a fresh node process (with `--expose-gc` and `nodeFlags`) and returns the JSON object it
 * printed as its last stdout line; `what` names the scenario in the error when it fails.
 */
export function runScenarioChild<T>(
  what: string,
  script: string,
  scenario: string,
  nodeFlags: string[] = [],
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', ...nodeFlags, script, scenario], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...CONTROLLER_ENV },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{'))
        reject(new Error(`${what} scenario ${scenario} exited ${code}: ${out}`));
      else resolve(JSON.parse(line) as T);
    });
  });
}
