import type { KubeObject } from '../api/index.js';
import { objectRef } from '../api/index.js';

/**
 * Shape checks for every field of the Istio objects the path model reads, deeper than the loader's guards: the
 * model trusts these shapes. Problems name the object and the field path a user would edit.
 */
export interface MeshShapeProblem {
  object: string;
  field: string;
  message: string;
}

type Report = (field: string, message: string) => void;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function stringList(value: unknown, field: string, report: Report): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) return report(field, 'must be a list of strings');
  value.forEach((v, i) => typeof v !== 'string' && report(`${field}[${i}]`, 'must be a string'));
}

function stringMap(value: unknown, field: string, report: Report): void {
  if (value === undefined) return;
  if (!isRecord(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    report(field, 'must be a map of strings');
  }
}

function objectList(
  value: unknown,
  field: string,
  report: Report,
  each: (item: Record<string, unknown>, at: string) => void,
): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) return report(field, 'must be a list');
  value.forEach((item, i) =>
    isRecord(item) ? each(item, `${field}[${i}]`) : report(`${field}[${i}]`, 'must be an object'),
  );
}

function optionalType(
  value: unknown,
  type: 'string' | 'number' | 'object',
  field: string,
  report: Report,
): void {
  if (value === undefined) return;
  const ok =
    type === 'object'
      ? isRecord(value)
      : typeof value === type && (type !== 'number' || Number.isFinite(value));
  if (!ok) report(field, `must be a${type === 'object' ? 'n' : ''} ${type}`);
}

function checkRoute(route: Record<string, unknown>, at: string, report: Report): void {
  optionalType(route['name'], 'string', `${at}.name`, report);
  objectList(route['match'], `${at}.match`, report, (match, m) => {
    stringList(match['gateways'], `${m}.gateways`, report);
    for (const key of ['uri', 'method', 'headers']) optionalType(match[key], 'object', `${m}.${key}`, report);
  });
  objectList(route['route'], `${at}.route`, report, (dest, d) => {
    const destination = dest['destination'];
    if (!isRecord(destination) || typeof destination['host'] !== 'string') {
      return report(`${d}.destination.host`, 'required: a string');
    }
    optionalType(destination['subset'], 'string', `${d}.destination.subset`, report);
    const weight = dest['weight'];
    if (
      weight !== undefined &&
      !(Number.isInteger(weight) && (weight as number) >= 0 && (weight as number) <= 100)
    )
      report(`${d}.weight`, 'must be an integer between 0 and 100');
  });
}

function checkServicePorts(ports: unknown, report: Report): void {
  objectList(ports, 'spec.ports', report, (port, at) => {
    const number = port['port'];
    if (!Number.isInteger(number) || (number as number) < 1 || (number as number) > 65535)
      report(`${at}.port`, 'required: an integer between 1 and 65535');
    const target = port['targetPort'];
    const targetIsPort = Number.isInteger(target) && (target as number) >= 1 && (target as number) <= 65535;
    if (target !== undefined && !(typeof target === 'string' && target !== '') && !targetIsPort)
      report(`${at}.targetPort`, 'must be a port number (1 to 65535) or a port name');
    for (const key of ['name', 'protocol', 'appProtocol'])
      optionalType(port[key], 'string', `${at}.${key}`, report);
  });
}

const CHECKS: Record<string, (spec: Record<string, unknown>, report: Report) => void> = {
  VirtualService: (spec, report) => {
    for (const f of ['hosts', 'gateways', 'exportTo']) stringList(spec[f], `spec.${f}`, report);
    for (const kind of ['http', 'tls', 'tcp'])
      objectList(spec[kind], `spec.${kind}`, report, (route, at) => checkRoute(route, at, report));
  },
  DestinationRule: (spec, report) => {
    if (typeof spec['host'] !== 'string') report('spec.host', 'required: a string');
    stringList(spec['exportTo'], 'spec.exportTo', report);
    objectList(spec['subsets'], 'spec.subsets', report, (subset, at) => {
      if (typeof subset['name'] !== 'string') report(`${at}.name`, 'required: a string');
      stringMap(subset['labels'], `${at}.labels`, report);
    });
  },
  Sidecar: (spec, report) => {
    optionalType(spec['workloadSelector'], 'object', 'spec.workloadSelector', report);
    objectList(spec['egress'], 'spec.egress', report, (egress, at) => {
      if (!Array.isArray(egress['hosts'])) report(`${at}.hosts`, 'required: a list of strings');
      else stringList(egress['hosts'], `${at}.hosts`, report);
    });
  },
  PeerAuthentication: (spec, report) => {
    const selector = spec['selector'];
    optionalType(selector, 'object', 'spec.selector', report);
    if (isRecord(selector)) stringMap(selector['matchLabels'], 'spec.selector.matchLabels', report);
    const mtls = spec['mtls'];
    optionalType(mtls, 'object', 'spec.mtls', report);
    if (isRecord(mtls)) optionalType(mtls['mode'], 'string', 'spec.mtls.mode', report);
  },
  Service: (spec, report) => {
    stringMap(spec['selector'], 'spec.selector', report);
    checkServicePorts(spec['ports'], report);
  },
};

export function meshShapeProblems(objects: readonly KubeObject[]): MeshShapeProblem[] {
  const problems: MeshShapeProblem[] = [];
  for (const obj of objects) {
    const check = CHECKS[obj.kind];
    if (!check) continue;
    const report: Report = (field, message) => problems.push({ object: objectRef(obj), field, message });
    const spec: unknown = (obj as KubeObject & { spec?: unknown }).spec;
    if (!isRecord(spec)) report('spec', 'required: an object');
    else check(spec, report);
  }
  return problems;
}
