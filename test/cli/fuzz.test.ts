import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { runTruesplit } from './harness.js';

/**
 * Generated malformed manifests through the CLI's whole path (load, check, simulate, analyze), in-process: the
 * istio-subset example with one object of the four kinds broken — a wrong type, an out-of-range number, a null, a
 * missing field — or the YAML text itself broken. Every run must exit 2 naming where (`<stdin>:LINE:`) and, for a
 * field, which field; never 3, each within a second. `npm test` runs a sample; `npm run test:fuzz` runs 10,000.
 */
const RUNS = Number(process.env.TRUESPLIT_FUZZ_RUNS ?? 150);
const EXAMPLE = 'examples/istio-subset';
const KINDS = ['Rollout', 'Service', 'VirtualService', 'DestinationRule'] as const;
type Kind = (typeof KINDS)[number];
type Path = (string | number)[];

/** Fields truesplit reads, per kind: breaking any of them must be reported. */
const FIELDS: Record<Kind, Path[]> = {
  Rollout: [
    ['metadata', 'name'],
    ['metadata', 'namespace'],
    ['metadata', 'labels'],
    ['spec'],
    ['spec', 'replicas'],
    ['spec', 'revisionHistoryLimit'],
    ['spec', 'selector'],
    ['spec', 'selector', 'matchLabels'],
    ['spec', 'selector', 'matchLabels', 'app'],
    ['spec', 'template'],
    ['spec', 'template', 'metadata'],
    ['spec', 'template', 'metadata', 'labels'],
    ['spec', 'template', 'metadata', 'labels', 'app'],
    ['spec', 'template', 'spec'],
    ['spec', 'template', 'spec', 'containers'],
    ['spec', 'template', 'spec', 'containers', 0],
    ['spec', 'template', 'spec', 'containers', 0, 'name'],
    ['spec', 'template', 'spec', 'containers', 0, 'image'],
    ['spec', 'strategy'],
    ['spec', 'strategy', 'canary'],
    ['spec', 'strategy', 'canary', 'steps'],
    ['spec', 'strategy', 'canary', 'steps', 0],
    ['spec', 'strategy', 'canary', 'steps', 0, 'setWeight'],
    ['spec', 'strategy', 'canary', 'steps', 1, 'pause'],
    ['spec', 'strategy', 'canary', 'steps', 3, 'pause', 'duration'],
    ['spec', 'strategy', 'canary', 'canaryService'],
    ['spec', 'strategy', 'canary', 'maxSurge'],
    ['spec', 'strategy', 'canary', 'trafficRouting'],
    ['spec', 'strategy', 'canary', 'trafficRouting', 'istio'],
    ['spec', 'strategy', 'canary', 'trafficRouting', 'istio', 'virtualService'],
    ['spec', 'strategy', 'canary', 'trafficRouting', 'istio', 'virtualService', 'name'],
    ['spec', 'strategy', 'canary', 'trafficRouting', 'istio', 'destinationRule'],
    ['spec', 'strategy', 'canary', 'trafficRouting', 'istio', 'destinationRule', 'canarySubsetName'],
  ],
  Service: [
    ['metadata', 'name'],
    ['spec'],
    ['spec', 'selector'],
    ['spec', 'selector', 'app'],
    ['spec', 'ports'],
    ['spec', 'ports', 0],
    ['spec', 'ports', 0, 'port'],
    ['spec', 'ports', 0, 'targetPort'],
  ],
  VirtualService: [
    ['metadata', 'name'],
    ['spec'],
    ['spec', 'hosts'],
    ['spec', 'hosts', 0],
    ['spec', 'gateways'],
    ['spec', 'http'],
    ['spec', 'http', 0],
    ['spec', 'http', 0, 'name'],
    ['spec', 'http', 0, 'route'],
    ['spec', 'http', 0, 'route', 0],
    ['spec', 'http', 0, 'route', 0, 'destination'],
    ['spec', 'http', 0, 'route', 0, 'destination', 'host'],
    ['spec', 'http', 0, 'route', 1, 'destination', 'subset'],
    ['spec', 'http', 0, 'route', 1, 'weight'],
  ],
  DestinationRule: [
    ['metadata', 'name'],
    ['spec'],
    ['spec', 'host'],
    ['spec', 'subsets'],
    ['spec', 'subsets', 0],
    ['spec', 'subsets', 0, 'name'],
    ['spec', 'subsets', 1, 'labels'],
    ['spec', 'subsets', 1, 'labels', 'app'],
  ],
};

/** Fields whose absence is an error (the rest get a wrong value instead of being removed). */
const REQUIRED = new Set([
  'Rollout:metadata.name',
  'Rollout:spec',
  'Rollout:spec.selector',
  'Rollout:spec.template',
  'Rollout:spec.strategy',
  'Rollout:spec.strategy.canary.trafficRouting.istio.virtualService',
  'Rollout:spec.strategy.canary.trafficRouting.istio.virtualService.name',
  'Rollout:spec.strategy.canary.trafficRouting.istio.destinationRule.canarySubsetName',
  'Service:metadata.name',
  'Service:spec',
  'Service:spec.ports.0.port',
  'VirtualService:metadata.name',
  'VirtualService:spec',
  'VirtualService:spec.http.0.route.0.destination',
  'VirtualService:spec.http.0.route.0.destination.host',
  'DestinationRule:metadata.name',
  'DestinationRule:spec',
  'DestinationRule:spec.host',
  'DestinationRule:spec.subsets.0.name',
]);

function isRequired(kind: Kind, path: Path): boolean {
  return REQUIRED.has(`${kind}:${path.join('.')}`);
}

/** Values of a type no field above accepts where it stands, numbers out of every range, nulls. */
const WRONG_VALUES: unknown[] = [
  null,
  true,
  -1,
  -10,
  1.5,
  2 ** 31,
  1e308,
  -1e308,
  'x',
  '10',
  '99999999999999999999h',
  [],
  [5],
  [null],
  { a: 1 },
  {},
];

/** Values that are wrong for this field specifically (a string is fine for a name, not for a port). */
function isWrongFor(kind: Kind, path: Path, value: unknown): boolean {
  const key = path.at(-1);
  // A Service spec without ports or selector is accepted (truesplit only reads those two when present).
  if (kind === 'Service' && path.join('.') === 'spec' && isMap(value)) return false;
  const stringField = [
    'name',
    'namespace',
    'image',
    'host',
    'subset',
    'app',
    'canaryService',
    'canarySubsetName',
  ];
  if (typeof value === 'string' && typeof key === 'string' && stringField.includes(key)) return false;
  if (typeof value === 'string' && key === 'targetPort') return false;
  const listField = ['steps', 'containers', 'ports', 'hosts', 'gateways', 'http', 'route', 'subsets'];
  if (Array.isArray(value) && value.length === 0 && listField.includes(String(key))) return false;
  if (
    ['labels', 'matchLabels'].includes(String(key)) &&
    isMap(value) &&
    Object.keys(value as object).length === 0
  )
    return String(key) === 'matchLabels';
  if (
    typeof value === 'string' &&
    typeof key === 'number' &&
    ['hosts', 'gateways'].includes(String(path.at(-2)))
  )
    return false;
  if (typeof value === 'string' && key === 'maxSurge' && /^\d+%?$/.test(value)) return false;
  // Unknown fields inside a pause are dropped, as the API server prunes them.
  if ((key === 'pause' || key === 'canary') && isMap(value)) return false;
  // A duration is seconds, as a number or a numeric string ("10"), or a Go duration ("30s").
  if (key === 'duration' && (value === null || value === '10')) return false;
  if (key === 'revisionHistoryLimit' && value === null) return false;
  if (value === null && !isRequired(kind, path)) return path.length <= 1 || typeof key === 'number';
  return !(key === 'selector' && path.length === 2 && typeof value === 'object' && value !== null);
}

function isMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Mutation {
  kind: Kind;
  /** `delete` removes the field; `set` writes `value`; `text` breaks the YAML text of the object. */
  op: 'delete' | 'set' | 'text';
  path: Path;
  value?: unknown;
  text?: number;
}

const TEXT_BREAKS: ((yaml: string) => string)[] = [
  (yaml) => yaml.replace(/\n  /, '\n\t '),
  (yaml) => `${yaml}extra: {unclosed: [1, 2\n`,
  (yaml) => yaml.replace(/\nspec:/, '\nspec: *nowhere\nx:'),
  (yaml) => `${yaml}kind: Duplicate\n`,
  (yaml) => {
    const laughs = [
      'a: &a [1,1,1,1,1,1,1,1,1,1]',
      ...['b', 'c', 'd'].map((n, i) => `${n}: &${n} [${Array(10).fill(`*${'abc'[i]}`).join(',')}]`),
    ];
    return yaml.replace(/\nmetadata:/, `\n${laughs.join('\n')}\nmetadata:`);
  },
  (yaml) => yaml.slice(0, Math.floor(yaml.length / 2)) + '"',
];

const mutation: fc.Arbitrary<Mutation> = fc.constantFrom(...KINDS).chain((kind) =>
  fc.oneof(
    fc
      .constantFrom(...FIELDS[kind].filter((p) => isRequired(kind, p)))
      .map((path): Mutation => ({ kind, op: 'delete', path })),
    fc
      .tuple(fc.constantFrom(...FIELDS[kind]), fc.constantFrom(...WRONG_VALUES))
      .filter(([path, value]) => isWrongFor(kind, path, value))
      .map(([path, value]): Mutation => ({ kind, op: 'set', path, value })),
    fc.nat(TEXT_BREAKS.length - 1).map((text): Mutation => ({ kind, op: 'text', path: [], text })),
  ),
);

function setIn(object: Record<string, unknown>, path: Path, op: 'delete' | 'set', value: unknown): void {
  let parent: unknown = object;
  for (const key of path.slice(0, -1)) {
    parent = (parent as Record<string | number, unknown>)[key];
    if (typeof parent !== 'object' || parent === null) throw new Error(`fixture path ${path.join('.')}`);
  }
  const last = path.at(-1)!;
  const container = parent as Record<string | number, unknown>;
  if (op === 'delete') {
    if (Array.isArray(container)) container.splice(last as number, 1);
    else delete container[last];
  } else container[last] = structuredClone(value);
}

let base: Record<string, unknown>[] = [];

beforeAll(async () => {
  const files = (await readdir(EXAMPLE)).sort();
  const texts = await Promise.all(files.map((f) => readFile(join(EXAMPLE, f), 'utf8')));
  base = texts.flatMap((t) => parseAllDocuments(t).map((d) => d.toJS() as Record<string, unknown>));
});

function manifest(m: Mutation): string {
  const objects = structuredClone(base);
  const target = objects.find((o) => o.kind === m.kind)!;
  if (m.op !== 'text') setIn(target, m.path, m.op, m.value);
  return objects
    .map((o) => {
      const yaml = stringify(o);
      return o === target && m.op === 'text' ? TEXT_BREAKS[m.text ?? 0]!(yaml) : yaml;
    })
    .join('---\n');
}

describe('fuzz: malformed manifests of the four kinds', () => {
  it(`${RUNS} generated inputs: exit 2 with a location and a field, never 3, each under 1 s`, async () => {
    const counts = { Rollout: 0, Service: 0, VirtualService: 0, DestinationRule: 0 } as Record<Kind, number>;
    const exits = new Map<number, number>();
    let slowest = 0;
    const command = fc.constantFrom('simulate', 'analyze', 'lint');
    await fc.assert(
      fc.asyncProperty(mutation, command, async (m, verb) => {
        const text = manifest(m);
        const started = performance.now();
        const run = await runTruesplit([verb, '-f', '-'], { stdin: text });
        const took = performance.now() - started;
        slowest = Math.max(slowest, took);
        counts[m.kind] += 1;
        exits.set(run.code, (exits.get(run.code) ?? 0) + 1);
        const report = verb === 'lint' && run.code === 1 ? run.stdout : run.stderr;
        const expected = verb === 'lint' && m.op !== 'text' && run.code !== 2 ? 1 : 2;
        expect({ code: run.code, report }).toMatchObject({
          code: expected,
          report: m.op === 'text' ? /^<stdin>:\d+: / : /^<stdin>:\d+: (\S+: )?[\w.[\]"/-]+: /,
        });
        expect(took).toBeLessThan(1000);
      }),
      { numRuns: RUNS, seed: Number(process.env.TRUESPLIT_FUZZ_SEED ?? 20261201) },
    );
    const total = [...exits.values()].reduce((a, b) => a + b, 0);
    console.log(
      `fuzz: ${total} inputs — ${KINDS.map((k) => `${k} ${counts[k]}`).join(', ')}; ` +
        `exit codes ${[...exits].map(([code, n]) => `${code}: ${n}`).join(', ')}; slowest ${slowest.toFixed(0)} ms`,
    );
    expect(exits.get(3)).toBeUndefined();
  }, 3_600_000);
});
