import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPathGateAnnotations } from '../../src/api/path-gate-annotations.js';
import { simulate } from '../../src/cli/commands/simulate.js';
import { endQuietlyOnClosedPipe } from '../../src/cli/process-io.js';
import { MAX_INPUT_BYTES } from '../../src/manifests/loader.js';
import { parseManifests } from '../../src/manifests/parse.js';
import { reconcileBudget } from '../../src/rollout/simulate.js';
import { runTruesplit } from './harness.js';

/**
 * Inputs that crashed (exit 3 with a stack trace), passed `lint` but failed `simulate`, or got an unclear message.
 * Each row: the input, the command, the exit code and the exact first line of the message.
 */
const EXAMPLE = 'examples/istio-subset';
let dir = '';
let subset = '';

async function exampleText(): Promise<string> {
  const files = (await readdir(EXAMPLE)).sort();
  const texts = await Promise.all(files.map((f) => readFile(join(EXAMPLE, f), 'utf8')));
  return texts.map((t) => t.trimEnd()).join('\n---\n') + '\n';
}

/** The istio-subset example as one file, with `from` replaced by `to` (each must occur). */
function edited(...edits: [from: string, to: string][]): string {
  return edits.reduce((text, [from, to]) => {
    if (!text.includes(from)) throw new Error(`fixture edit: "${from}" not found`);
    return text.replace(from, to);
  }, subset);
}

async function write(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'truesplit-inputs-'));
  subset = await exampleText();
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n';
const ROLLOUT_REF = 'Rollout/shop/checkout';
const STEPS =
  '        - setWeight: 10\n        - pause: {}\n        - setWeight: 50\n        - pause: { duration: 30s }';

function manySteps(count: number): string {
  return Array.from({ length: count }, (_, i) => `        - setWeight: ${1 + (i % 99)}`).join('\n');
}

function billionLaughs(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i += 1) {
    const prev = String.fromCharCode(96 + i);
    const next = String.fromCharCode(97 + i);
    lines.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  ${lines.join('\n  ')}\n`;
}

function anchoredSteps(count: number): string {
  return edited([STEPS, `        - &w {setWeight: 10}\n${'        - *w\n'.repeat(count - 1).trimEnd()}`]);
}

interface Row {
  name: string;
  text: () => string;
  command?: 'lint' | 'simulate' | 'analyze';
  code: number;
  /** The first line of stderr (stdout for lint's problems), with `FILE` for the input's path. */
  message: string;
}

const ROWS: Row[] = [
  {
    name: 'undefined YAML alias',
    text: () => 'apiVersion: v1\nkind: Service\nmetadata: *nope\n',
    code: 2,
    message: 'FILE:3: YAML alias *nope has no anchor &nope before it',
  },
  {
    name: 'billion laughs',
    text: billionLaughs,
    code: 2,
    message: 'FILE:7: too many YAML aliases: more than 100 expansions in one document (write the values out)',
  },
  {
    name: 'more than 100 aliases: a 10,000-step Rollout dumped with anchors',
    text: () => anchoredSteps(10_000),
    code: 2,
    message:
      'FILE:87: too many YAML aliases: more than 100 expansions in one document (write the values out)',
  },
  {
    name: 'pause duration beyond int32 seconds',
    text: () => edited(['pause: { duration: 30s }', 'pause: { duration: 99999999999999999999h }']),
    code: 2,
    message: `FILE:89: ${ROLLOUT_REF}: spec.strategy.canary.steps[3].pause.duration: must be at most 2147483647 seconds (about 68 years), Argo's int32 limit`,
  },
  {
    name: 'pause duration beyond int32 seconds (lint agrees)',
    command: 'lint',
    text: () => edited(['pause: { duration: 30s }', 'pause: { duration: 99999999999999999999h }']),
    code: 1,
    message: `FILE:89: ${ROLLOUT_REF}: spec.strategy.canary.steps[3].pause.duration: must be at most 2147483647 seconds (about 68 years), Argo's int32 limit`,
  },
  {
    name: 'replicas: 1e308',
    text: () => edited(['replicas: 5', 'replicas: 1e308']),
    code: 2,
    message: `FILE:49: ${ROLLOUT_REF}: spec.replicas: must be between 0 and 2147483647`,
  },
  {
    name: '10,000 steps',
    command: 'lint',
    text: () => edited([STEPS, manySteps(10_000)]),
    code: 1,
    message: `FILE:85: ${ROLLOUT_REF}: spec.strategy.canary.steps: 10000 steps: truesplit simulates at most 500 steps per Rollout`,
  },
  {
    name: 'VirtualService hosts: [5]',
    command: 'lint',
    text: () => edited(['  hosts:\n    - shop.example.com', '  hosts:\n    - 5']),
    code: 1,
    message: 'FILE:116: VirtualService/shop/checkout: spec.hosts[0]: must be a string',
  },
  {
    name: 'VirtualService http: [null]',
    command: 'lint',
    text: () => edited(['  http:\n    - name: primary', '  http:\n    - null\n    - name: primary']),
    code: 1,
    message: 'FILE:119: VirtualService/shop/checkout: spec.http[0]: must be an object',
  },
  {
    name: 'DestinationRule subset without a name',
    command: 'lint',
    text: () => edited(['    - name: canary\n      labels:', '    - labels:']),
    code: 1,
    message: 'FILE:10: DestinationRule/shop/checkout: spec.subsets[0].name: required: a string',
  },
  {
    name: 'template.spec.containers of the wrong type',
    command: 'lint',
    text: () =>
      edited([
        '      containers:\n        - name: checkout',
        '      containers: checkout\n      x:\n        - name: checkout',
      ]),
    code: 1,
    message: `FILE:59: ${ROLLOUT_REF}: spec.template.spec.containers: must be a list of containers (found a string ("checkout"))`,
  },
  {
    name: 'canaryService: 5',
    command: 'lint',
    text: () => edited(['      trafficRouting:', '      canaryService: 5\n      trafficRouting:']),
    code: 1,
    message: `FILE:75: ${ROLLOUT_REF}: spec.strategy.canary.canaryService: must be a string (found a number (5))`,
  },
  {
    name: 'VirtualService weight -10',
    command: 'lint',
    text: () => edited(['          weight: 0', '          weight: -10']),
    code: 1,
    message:
      'FILE:132: VirtualService/shop/checkout: spec.http[0].route[1].weight: must be an integer between 0 and 100',
  },
  {
    name: 'Service port "x"',
    command: 'lint',
    text: () => edited(['      port: 80', '      port: x']),
    code: 1,
    message: 'FILE:101: Service/shop/checkout: spec.ports[0].port: required: an integer between 1 and 65535',
  },
  {
    name: 'metadata.namespace: 5',
    text: () => `${SERVICE}  namespace: 5\n`,
    code: 2,
    message: 'FILE:5: metadata.namespace: must be a string (found a number (5)); quote it: namespace: "5"',
  },
  {
    name: 'kustomization.yaml',
    text: () =>
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - rollout.yaml\n',
    code: 2,
    message:
      'FILE:2: kind: Kustomization is kustomize input, not a Kubernetes object: pass what it builds (kustomize build DIR | truesplit lint -f -)',
  },
  {
    name: 'name: 12345',
    text: () => 'apiVersion: v1\nkind: Service\nmetadata:\n  name: 12345\n',
    code: 2,
    message: 'FILE:4: metadata.name: must be a string (found a number (12345)); quote it: name: "12345"',
  },
  {
    name: 'List with items: 5',
    text: () => 'apiVersion: v1\nkind: List\nitems: 5\n',
    code: 2,
    message: 'FILE:3: items: must be a list of objects',
  },
  {
    name: 'setWeight: "10"',
    text: () => edited(['setWeight: 10', 'setWeight: "10"']),
    code: 2,
    message: `FILE:86: ${ROLLOUT_REF}: spec.strategy.canary.steps[0].setWeight: must be an integer (found a string ("10"))`,
  },
  {
    name: 'string matchLabels',
    text: () => edited(['    matchLabels:\n      app: checkout', '    matchLabels: app=checkout']),
    code: 2,
    message: `FILE:52: ${ROLLOUT_REF}: spec.selector.matchLabels: must be a map of label to value (found a string ("app=checkout"))`,
  },
  {
    name: 'invalid path-gate annotation',
    command: 'lint',
    text: () =>
      edited([
        '  namespace: shop\nspec:\n  replicas',
        '  namespace: shop\n  annotations:\n    truesplit.io/path-gate: block\nspec:\n  replicas',
      ]),
    code: 1,
    message: `FILE:49: ${ROLLOUT_REF}: metadata.annotations["truesplit.io/path-gate"]: "block" is not "enforce" or "warn"`,
  },
  {
    name: 'invalid path-tolerance annotation',
    command: 'lint',
    text: () =>
      edited([
        '  namespace: shop\nspec:\n  replicas',
        '  namespace: shop\n  annotations:\n    truesplit.io/path-tolerance: 5%\nspec:\n  replicas',
      ]),
    code: 1,
    message: `FILE:49: ${ROLLOUT_REF}: metadata.annotations["truesplit.io/path-tolerance"]: "5%" is not a fraction 0..1`,
  },
  {
    name: 'kind: rollout in lower case',
    command: 'lint',
    text: () => edited(['kind: Rollout', 'kind: rollout']),
    code: 1,
    message: 'FILE:44: rollout/shop/checkout: kind: unknown kind rollout; did you mean Rollout?',
  },
  {
    name: 'empty input',
    command: 'lint',
    text: () => '# nothing here\n---\n',
    code: 2,
    message: 'FILE: no Kubernetes objects in the input (empty, or only comments)',
  },
];

describe('bad input: exit code and message', () => {
  it.each(ROWS)('$name', async ({ name, text, command = 'simulate', code, message }) => {
    const file = await write(`${name.replace(/\W+/g, '-')}.yaml`, text());
    const run = await runTruesplit([command, '-f', file]);
    const output = command === 'lint' && code === 1 ? run.stdout : run.stderr;
    expect({ code: run.code, first: output.split('\n')[0] }).toEqual({
      code,
      first: message.replaceAll('FILE', file),
    });
    expect(run.stderr).not.toContain('internal error');
  });
});

describe('loader stumbles', () => {
  it('a dangling symbolic link in a directory names the link, not the directory', async () => {
    const links = join(dir, 'links');
    await mkdir(links);
    await writeFile(join(links, 'a.yaml'), SERVICE);
    await symlink(join(dir, 'missing.yaml'), join(links, 'b.yaml'));
    const run = await runTruesplit(['lint', '-f', links]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `${join(links, 'b.yaml')}: symbolic link to a missing file (${join(dir, 'missing.yaml')})\n`,
    );
  });

  it('a file above the size limit is refused before it is read', async () => {
    const file = await write('huge.yaml', `a: "${'x'.repeat(MAX_INPUT_BYTES)}"\n`);
    const run = await runTruesplit(['lint', '-f', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `${file}: too large (16.0 MiB): truesplit reads at most 16 MiB per file; split it into several files\n`,
    );
  });

  it('standard input above the size limit is refused', async () => {
    const run = await runTruesplit(['lint', '-f', '-'], { stdin: 'x'.repeat(MAX_INPUT_BYTES + 1) });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      '<stdin>: too large: truesplit reads at most 16 MiB per file; split it into several files\n',
    );
  });

  it('prints no YAML library warning (a map used as a key)', async () => {
    const file = await write('complex-key.yaml', `${SERVICE}data:\n  ? {a: 1}\n  : b\n`);
    const warnings: unknown[] = [];
    const original = process.emitWarning.bind(process);
    process.emitWarning = (warning: unknown) => warnings.push(warning);
    try {
      await runTruesplit(['lint', '-f', file]);
    } finally {
      process.emitWarning = original;
    }
    expect(warnings).toEqual([]);
  });

  it('sandbox -f a missing path: exit 2, no stack trace', async () => {
    const run = await runTruesplit(['sandbox', '-f', join(dir, 'nonexistent')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `truesplit sandbox: cannot load ${join(dir, 'nonexistent')}:\n${join(dir, 'nonexistent')}: no such file or directory\n`,
    );
  });
});

/** Slow (a minute or more on a shared machine): run with the fuzz suite, `npm run test:fuzz`. */
describe.runIf(process.env.TRUESPLIT_FUZZ_RUNS !== undefined)('many documents', () => {
  it('reads 150,000 documents from one file (no spread of the parsed objects)', () => {
    const doc = (i: number) => `{apiVersion: v1, kind: ConfigMap, metadata: {name: c${i}}}`;
    const text = Array.from({ length: 150_000 }, (_, i) => doc(i)).join('\n---\n');
    const result = parseManifests(text, 'many.yaml');
    expect(result.errors).toEqual([]);
    expect(result.objects).toHaveLength(150_000);
  }, 600_000);
});

describe('CLI stumbles', () => {
  it('every example in simulate --help runs (exit 0)', async () => {
    const examples = simulate.usage
      .split('Examples:\n')[1]!
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('truesplit simulate'));
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const argv = example.split('>')[0]!.trim().split(/\s+/).slice(1);
      const run = await runTruesplit(argv);
      expect({ example, code: run.code, stderr: run.stderr }).toEqual({ example, code: 0, stderr: '' });
    }
  });

  it('analyze counts one Rollout in the singular', async () => {
    const run = await runTruesplit(['analyze', '-f', 'examples/istio-subset', '--fail-on', 'never']);
    expect(run.stderr).toMatch(/^1 Rollout analysed: \d+ errors?, \d+ warnings?, \d+ info\n$/);
  });

  it.each([
    { code: 'EPIPE', exits: [0], throws: false },
    { code: 'EIO', exits: [], throws: true },
  ])('a closed output pipe ($code) ends the process quietly or rethrows', ({ code, exits, throws }) => {
    let listener: ((error: NodeJS.ErrnoException) => void) | undefined;
    const seen: number[] = [];
    endQuietlyOnClosedPipe({ on: (_event, l) => (listener = l) }, (c) => seen.push(c));
    const fire = () => listener!(Object.assign(new Error(code), { code }));
    if (throws) expect(fire).toThrow(code);
    else fire();
    expect(seen).toEqual(exits);
  });
});

describe('simulation budget', () => {
  it.each([
    { steps: 0, replicas: 1, budget: 1024 },
    { steps: 10_000, replicas: 1, budget: 50_000 },
    { steps: 100, replicas: 1000, budget: 7020 },
  ])('$steps steps, $replicas replicas → $budget reconciles', ({ steps, replicas, budget }) => {
    const rollout = {
      spec: {
        replicas,
        strategy: { canary: { steps: Array.from({ length: steps }, () => ({ pause: {} })) } },
      },
    };
    expect(reconcileBudget(rollout as never)).toBe(budget);
  });
});

describe('path-gate annotations, one reader for lint and the controller', () => {
  it('reports both annotations with their field paths', () => {
    const read = readPathGateAnnotations({
      'truesplit.io/path-gate': 'x',
      'truesplit.io/path-tolerance': '2',
    });
    expect(read.problems.map((p) => p.field)).toEqual([
      'metadata.annotations["truesplit.io/path-gate"]',
      'metadata.annotations["truesplit.io/path-tolerance"]',
    ]);
  });
});
