import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/registry.js';
import { programName } from '../../src/cli/run.js';
import { runTruesplit } from './harness.js';

const INVALID = 'test/cli/fixtures/invalid-weight.yaml';
const MALFORMED = 'test/cli/fixtures/malformed.txt';
const WEIGHT_ERROR = `${INVALID}:20: Rollout/shop/web: spec.strategy.canary.steps[2].setWeight: must be between 0 and 100`;

describe('command framework', () => {
  it('registers commands with a name, a summary and usage text, names unique', () => {
    const names = commands.map((command) => command.name);
    expect(names).toEqual(expect.arrayContaining(['lint', 'simulate', 'version']));
    expect(new Set(names).size).toBe(names.length);
    for (const command of commands) {
      expect(command.summary).not.toBe('');
      expect(command.usage).toMatch(new RegExp(`^Usage: truesplit ${command.name}`));
    }
  });

  it('lists every command in --help', async () => {
    const { code, stdout } = await runTruesplit(['--help']);
    expect(code).toBe(0);
    for (const command of commands) expect(stdout).toContain(`  ${command.name}`);
  });

  it.each([
    { name: 'no command', argv: [], stderr: 'Usage: truesplit <command> [flags]' },
    { name: 'unknown command', argv: ['deploy'], stderr: 'truesplit: unknown command "deploy"' },
    {
      name: 'unknown flag',
      argv: ['simulate', '--bogus', '-f', INVALID],
      stderr: 'truesplit simulate: unknown flag --bogus',
    },
    { name: 'unknown short flag', argv: ['lint', '-x'], stderr: 'truesplit lint: unknown flag -x' },
    {
      name: 'flag without its value',
      argv: ['simulate', '-f'],
      stderr: 'truesplit simulate: flag -f, --filename <value> argument missing',
    },
    {
      name: 'bad output format',
      argv: ['simulate', '-f', INVALID, '-o', 'xml'],
      stderr: 'flag -o/--output must be one of table, json, yaml (got "xml")',
    },
    { name: 'no input', argv: ['simulate'], stderr: 'no input: pass manifests with -f PATH' },
    {
      name: 'stray argument to version',
      argv: ['version', 'extra'],
      stderr: 'truesplit version: unexpected argument extra',
    },
  ])('exits 2 with a message: $name', async ({ argv, stderr }) => {
    const run = await runTruesplit(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(stderr);
  });

  it.each(commands.map((command) => ({ name: command.name })))(
    'prints usage for $name --help',
    async ({ name }) => {
      const { code, stdout } = await runTruesplit([name, '--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage: truesplit ${name}`));
    },
  );

  it.each([
    { script: '/usr/local/bin/kubectl-truesplit', program: 'kubectl truesplit' },
    { script: '/work/bin/kubectl-truesplit.js', program: 'kubectl truesplit' },
    { script: '/usr/local/bin/truesplit', program: 'truesplit' },
    { script: undefined, program: 'truesplit' },
  ])('derives the program name from $script', ({ script, program }) => {
    expect(programName(script)).toBe(program);
  });

  it('names the program "kubectl truesplit" when run as a kubectl plugin', async () => {
    const { stdout } = await runTruesplit(['simulate', '--help'], { program: 'kubectl truesplit' });
    expect(stdout).toMatch(/^Usage: kubectl truesplit simulate/);
    expect(stdout).toContain('  kubectl truesplit simulate -f examples/istio-subset');
  });
});

describe('version', () => {
  it.each([
    { format: [], pattern: /^truesplit \d+\.\d+\.\d+ \(node [\d.]+\)\n$/ },
    { format: ['-o', 'json'], pattern: /^\{\n {2}"version": "\d+\.\d+\.\d+",\n {2}"node": "[\d.]+"\n\}\n$/ },
  ])('prints the package version $format', async ({ format, pattern }) => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    const { code, stdout } = await runTruesplit(['version', ...format]);
    expect(code).toBe(0);
    expect(stdout).toMatch(pattern);
    expect(stdout).toContain(pkg.version);
  });
});

describe('lint', () => {
  it('passes the examples', async () => {
    const run = await runTruesplit([
      'lint',
      '-f',
      'examples/istio-subset',
      '-f',
      'examples/istio-host',
      'examples/basic',
    ]);
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toMatch(/^\d+ objects, 3 valid Rollouts, 0 problems in 0 objects\n$/);
  });

  it('exits 1 and lists problems with file, line, object and field', async () => {
    const run = await runTruesplit(['lint', '-f', INVALID]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`${WEIGHT_ERROR}\n`);
    expect(run.stderr).toBe('1 object, 0 valid Rollouts, 1 problem in 1 object\n');
  });

  it('reads stdin with -f -', async () => {
    const stdin = await readFile(INVALID, 'utf8');
    const run = await runTruesplit(['lint', '-f', '-'], { stdin });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(WEIGHT_ERROR.replace(INVALID, '<stdin>') + '\n');
  });

  it.each([
    {
      name: 'missing file',
      path: 'test/cli/fixtures/nope.yaml',
      stderr: 'test/cli/fixtures/nope.yaml: no such file or directory\n',
    },
    { name: 'malformed YAML', path: MALFORMED, stderr: `${MALFORMED}:5: Flow sequence` },
  ])('exits 2 on unreadable input: $name', async ({ path, stderr }) => {
    const run = await runTruesplit(['lint', '-f', path]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith(stderr)).toBe(true);
  });

  it.each([
    { name: 'a terminal', isTTY: true, env: {}, coloured: true },
    { name: 'a terminal with NO_COLOR', isTTY: true, env: { NO_COLOR: '1' }, coloured: false },
    { name: 'a pipe', isTTY: false, env: {}, coloured: false },
  ])('colours output only for $name', async ({ isTTY, env, coloured }) => {
    const { stdout } = await runTruesplit(['lint', '-f', INVALID], { isTTY, env });
    expect(stdout.includes('\u001b[')).toBe(coloured);
  });
});

describe('simulate input errors', () => {
  it.each([
    { name: 'invalid Rollout', path: INVALID, stderr: `${WEIGHT_ERROR}\n` },
    { name: 'malformed YAML', path: MALFORMED, stderr: `${MALFORMED}:5: Flow sequence` },
    {
      name: 'missing references',
      path: 'examples/istio-subset/rollout.yaml',
      stderr:
        'examples/istio-subset/rollout.yaml:39: Rollout/shop/checkout: spec.strategy.canary.trafficRouting.istio.virtualService.name: VirtualService "shop/checkout" not found\n',
    },
  ])('exits 2 with nothing on stdout: $name', async ({ path, stderr }) => {
    const run = await runTruesplit(['simulate', '-f', path, '-o', 'json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith(stderr)).toBe(true);
  });

  it.each([
    {
      name: 'no Rollout in the input',
      argv: ['-f', 'examples/basic/service.yaml'],
      stderr: 'truesplit simulate: no Rollout in examples/basic/service.yaml\n',
    },
    {
      name: 'unknown --rollout',
      argv: ['-f', 'examples/basic', '--rollout', 'catalog/other'],
      stderr: 'truesplit simulate: no Rollout "catalog/other" in examples/basic\n',
    },
  ])('exits 2 when there is nothing to simulate: $name', async ({ argv, stderr }) => {
    const run = await runTruesplit(['simulate', ...argv]);
    expect(run).toEqual({ code: 2, stdout: '', stderr });
  });
});
