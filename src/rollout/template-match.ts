/**
 * Semantic pod-template comparison, used to adopt ReplicaSets whose hash label was computed by another controller
 * (Argo hashes Go's struct JSON). Mirrors Argo's PodTemplateEqualIgnoreHash: the hash label is ignored and
 * Kubernetes' pod defaults are applied before comparing, because the API server defaults a ReplicaSet's template but
 * not a Rollout's (a CRD). Empty values (null, {}, [], "") are treated as absent, as Go's omitempty does.
 */
import { deleteControllerPodLabels } from './canonical-revision.js';
import { cloneJson, deepEqual, type Json } from '../util/json.js';

type JsonObject = { [key: string]: Json };

const POD_SPEC_DEFAULTS: JsonObject = {
  restartPolicy: 'Always',
  dnsPolicy: 'ClusterFirst',
  schedulerName: 'default-scheduler',
  terminationGracePeriodSeconds: 30,
  enableServiceLinks: true,
};
const CONTAINER_DEFAULTS: JsonObject = {
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};
const PROBE_DEFAULTS: JsonObject = {
  timeoutSeconds: 1,
  periodSeconds: 10,
  successThreshold: 1,
  failureThreshold: 3,
};
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fillDefaults(target: JsonObject, defaults: JsonObject): void {
  for (const [key, value] of Object.entries(defaults)) if (target[key] === undefined) target[key] = value;
}

/** Kubernetes: no tag or `:latest` ⇒ Always, otherwise IfNotPresent. */
function defaultPullPolicy(image: Json | undefined): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon === -1) return 'Always';
  return lastSegment.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(container: JsonObject): void {
  fillDefaults(container, CONTAINER_DEFAULTS);
  if (container.imagePullPolicy === undefined) container.imagePullPolicy = defaultPullPolicy(container.image);
  for (const port of Array.isArray(container.ports) ? container.ports : []) {
    if (isObject(port) && port.protocol === undefined) port.protocol = 'TCP';
  }
  for (const probeName of PROBES) {
    const probe = container[probeName];
    if (!isObject(probe)) continue;
    fillDefaults(probe, PROBE_DEFAULTS);
    if (isObject(probe.httpGet) && probe.httpGet.scheme === undefined) probe.httpGet.scheme = 'HTTP';
  }
  for (const env of Array.isArray(container.env) ? container.env : []) {
    const fieldRef = isObject(env) && isObject(env.valueFrom) ? env.valueFrom.fieldRef : undefined;
    if (isObject(fieldRef) && fieldRef.apiVersion === undefined) fieldRef.apiVersion = 'v1';
  }
}

function defaultVolumes(spec: JsonObject): void {
  for (const volume of Array.isArray(spec.volumes) ? spec.volumes : []) {
    if (!isObject(volume)) continue;
    for (const source of ['secret', 'configMap', 'downwardAPI', 'projected']) {
      const src = volume[source];
      if (isObject(src) && src.defaultMode === undefined) src.defaultMode = 420;
    }
  }
}

function defaultPodSpec(spec: JsonObject): void {
  fillDefaults(spec, POD_SPEC_DEFAULTS);
  for (const list of CONTAINER_LISTS) {
    for (const c of Array.isArray(spec[list]) ? spec[list] : []) if (isObject(c)) defaultContainer(c);
  }
  defaultVolumes(spec);
}

/** Drop null / {} / [] / "" members recursively (Go omitempty), keeping array positions. */
function pruneEmpty(value: Json): Json | undefined {
  if (Array.isArray(value)) {
    const items = value.map((v) => pruneEmpty(v) ?? null);
    return items.length === 0 ? undefined : items;
  }
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const pruned = pruneEmpty(v);
      if (pruned !== undefined) out[k] = pruned;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (value === null || value === '') return undefined;
  return value;
}

function normalizeTemplate(template: unknown): Json | undefined {
  const copy = cloneJson((template ?? {}) as Json);
  if (!isObject(copy)) return pruneEmpty(copy);
  const metadata = copy.metadata;
  if (isObject(metadata) && isObject(metadata.labels)) deleteControllerPodLabels(metadata.labels);
  if (isObject(metadata)) delete metadata.creationTimestamp;
  if (isObject(copy.spec)) defaultPodSpec(copy.spec);
  return pruneEmpty(copy);
}

/** True when two pod templates describe the same pods, ignoring the hash label and Kubernetes defaulting. */
export function templatesMatch(a: unknown, b: unknown): boolean {
  return deepEqual(normalizeTemplate(a), normalizeTemplate(b));
}
