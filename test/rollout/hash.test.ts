import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  computePodTemplateHash,
  computeStepsHash,
  fnv32a,
  safeEncodeString,
} from '../../src/rollout/hash.js';
import { templatesMatch } from '../../src/rollout/template-match.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'web:1' }] },
};

describe('fnv32a', () => {
  // Reference vectors of the FNV-1a 32-bit specification.
  it.each([
    { name: 'empty', input: '', hash: 0x811c9dc5 },
    { name: 'a', input: 'a', hash: 0xe40c292c },
    { name: 'foobar', input: 'foobar', hash: 0xbf9cf968 },
  ])('$name', ({ input, hash }) => expect(fnv32a(bytes(input))).toBe(hash));
});

describe('safeEncodeString', () => {
  it.each([
    { name: 'digits map by char code mod 27', input: '0123456789', out: '456789bcdf' },
    { name: 'empty', input: '', out: '' },
  ])('$name', ({ input, out }) => expect(safeEncodeString(input)).toBe(out));
});

describe('computePodTemplateHash', () => {
  it('is the safe-encoded decimal FNV-32a of the canonical JSON', () => {
    const expected = safeEncodeString(String(fnv32a(bytes(canonicalJson(template)))));
    expect(computePodTemplateHash(template)).toBe(expected);
  });

  it('does not depend on key order', () => {
    const reordered = {
      spec: { containers: [{ image: 'web:1', name: 'web' }] },
      metadata: { labels: { app: 'web' } },
    };
    expect(computePodTemplateHash(reordered)).toBe(computePodTemplateHash(template));
  });

  it('mixes the collision count in as 8 little-endian bytes', () => {
    const base = fnv32a(bytes(canonicalJson(template)));
    const expected = safeEncodeString(String(fnv32a(new Uint8Array([2, 1, 0, 0, 0, 0, 0, 0]), base)));
    expect(computePodTemplateHash(template, 258)).toBe(expected);
    expect(computePodTemplateHash(template, 1)).not.toBe(computePodTemplateHash(template));
  });

  it('changes with the image', () => {
    const v2 = { ...template, spec: { containers: [{ name: 'web', image: 'web:2' }] } };
    expect(computePodTemplateHash(v2)).not.toBe(computePodTemplateHash(template));
  });
});

describe('computeStepsHash', () => {
  it('hashes setWeight/pause steps exactly as Go marshals them', () => {
    const goJson = '[{"setWeight":20},{"pause":{}},{"pause":{"duration":"10m"}}]';
    const steps = [{ setWeight: 20 }, { pause: {} }, { pause: { duration: '10m' } }];
    expect(computeStepsHash(steps)).toBe(safeEncodeString(String(fnv32a(bytes(goJson)))));
  });
});

const live = {
  metadata: { creationTimestamp: null, labels: { app: 'web', 'rollouts-pod-template-hash': 'abc' } },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'web:1',
        imagePullPolicy: 'IfNotPresent',
        resources: {},
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
      },
    ],
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  },
};
const desired = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 8080 }] }] },
};

describe('templatesMatch', () => {
  it.each([
    { name: 'Argo-created RS (hash label, defaults, empty fields)', a: live, b: desired, match: true },
    {
      name: 'different image',
      a: live,
      b: { ...desired, spec: { containers: [{ name: 'web', image: 'web:2' }] } },
      match: false,
    },
    {
      name: 'non-default pull policy',
      a: { ...desired, spec: { containers: [{ name: 'web', image: 'web:1', imagePullPolicy: 'Always' }] } },
      b: { ...desired, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
      match: false,
    },
    {
      name: ':latest defaults to Always',
      a: { spec: { containers: [{ name: 'w', image: 'web:latest', imagePullPolicy: 'Always' }] } },
      b: { spec: { containers: [{ name: 'w', image: 'web:latest' }] } },
      match: true,
    },
    {
      name: 'extra label',
      a: { metadata: { labels: { app: 'web', v: '2' } } },
      b: { metadata: { labels: { app: 'web' } } },
      match: false,
    },
  ])('$name → $match', ({ a, b, match }) => {
    expect(templatesMatch(a, b)).toBe(match);
    expect(templatesMatch(b, a)).toBe(match);
  });
});
