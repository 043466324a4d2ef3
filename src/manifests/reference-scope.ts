/**
 * The objects a Rollout's reference checks may read, found without scanning the whole input for every Rollout: every
 * check looks objects up by name (`validateRolloutContext`, the Istio route checks), and every such name is written
 * somewhere in the Rollout's spec (`name` or Argo's `name.namespace`). Analysis templates are kept whole: nested
 * templates name each other, not the Rollout.
 */
import type { KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';

const TEMPLATE_KINDS = new Set(['AnalysisTemplate', 'ClusterAnalysisTemplate']);

/** Every string of a value, and each of its `.`- and `/`-separated parts. */
function collectNames(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    into.add(value);
    for (const part of value.split(/[./]/)) into.add(part);
  } else if (Array.isArray(value)) {
    for (const item of value) collectNames(item, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) collectNames(item, into);
  }
}

/** `(rollout) => objects` in input order: the objects whose name the Rollout's spec mentions, and every template. */
export function referenceScope(objects: readonly KubeObject[]): (rollout: Rollout) => KubeObject[] {
  const byName = new Map<string, number[]>();
  const templates: number[] = [];
  objects.forEach((object, position) => {
    if (TEMPLATE_KINDS.has(object.kind)) templates.push(position);
    const name = object.metadata.name;
    const list = byName.get(name);
    if (list) list.push(position);
    else byName.set(name, [position]);
  });
  return (rollout) => {
    const names = new Set<string>();
    collectNames(rollout.spec, names);
    const positions = new Set(templates);
    for (const name of names) for (const position of byName.get(name) ?? []) positions.add(position);
    return [...positions].sort((a, b) => a - b).map((position) => objects[position] as KubeObject);
  };
}
