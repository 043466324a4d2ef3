/**
 * The dashboard's mutating verbs. Like `kubectl argo rollouts`, they only express intent through merge patches on
 * the Rollout's spec or status subresource; the controller does the rest.
 */
import type { Rollout } from '../api/rollout.js';
import type { Cluster, MergePatch } from '../kube/cluster.js';

export const ROLLOUT_ACTIONS = [
  'promote',
  'promote-full',
  'abort',
  'retry',
  'pause',
  'resume',
  'set-image',
] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

export function isRolloutAction(value: string): value is RolloutAction {
  return (ROLLOUT_ACTIONS as readonly string[]).includes(value);
}

/** A request the caller got wrong (HTTP 400), with the field path at fault. */
export class ActionInputError extends Error {
  override readonly name = 'ActionInputError';
}

interface Patches {
  spec?: MergePatch;
  status?: MergePatch;
}

/** The patches of a verb without input (pure, tested). */
export function actionPatches(action: Exclude<RolloutAction, 'set-image'>, rollout: Rollout): Patches {
  switch (action) {
    case 'promote':
      return { spec: { spec: { paused: false } }, status: { status: { pauseConditions: null } } };
    case 'promote-full':
      return {
        ...(rollout.spec.paused ? { spec: { spec: { paused: false } } } : {}),
        status: { status: { promoteFull: true } },
      };
    case 'abort':
      return { status: { status: { abort: true } } };
    case 'retry':
      return { status: { status: { abort: false } } };
    case 'pause':
      return { spec: { spec: { paused: true } } };
    case 'resume':
      return { spec: { spec: { paused: false } } };
  }
}

export interface SetImageInput {
  container: string;
  image: string;
}

export function parseSetImage(body: unknown): SetImageInput {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  for (const field of ['container', 'image'] as const) {
    if (typeof record[field] !== 'string' || record[field] === '') {
      throw new ActionInputError(`set-image: body.${field} must be a non-empty string`);
    }
  }
  return { container: record.container as string, image: record.image as string };
}

/** The containers list with one image replaced (merge patches replace arrays whole). */
export function setImagePatch(rollout: Rollout, input: SetImageInput): MergePatch {
  const containers = rollout.spec.template?.spec?.containers ?? [];
  if (!containers.some((c) => c.name === input.container)) {
    const names = containers.map((c) => c.name).join(', ') || 'none';
    throw new ActionInputError(
      `Rollout ${rollout.metadata.namespace ?? ''}/${rollout.metadata.name} has no container "${input.container}" in spec.template.spec.containers (has: ${names})`,
    );
  }
  const next = containers.map((c) => (c.name === input.container ? { ...c, image: input.image } : c));
  return {
    metadata: { resourceVersion: rollout.metadata.resourceVersion ?? null },
    spec: { template: { spec: { containers: next } } },
  };
}

export async function runRolloutAction(
  cluster: Cluster,
  namespace: string,
  name: string,
  action: RolloutAction,
  body: unknown,
): Promise<Rollout> {
  const rollout = await cluster.get('Rollout', namespace, name);
  if (action === 'set-image')
    return cluster.patch('Rollout', namespace, name, setImagePatch(rollout, parseSetImage(body)));
  const patches = actionPatches(action, rollout);
  let result = rollout;
  if (patches.spec) result = await cluster.patch('Rollout', namespace, name, patches.spec);
  if (patches.status)
    result = await cluster.patch('Rollout', namespace, name, patches.status, { subresource: 'status' });
  return result;
}
