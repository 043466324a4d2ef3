/**
 * Enqueue rules for the objects only the traffic-path model reads. They change the path condition (and can open a
 * path gate) of Rollouts that do not name them: a Namespace label turns on injection for every caller, a Gateway,
 * Sidecar or PeerAuthentication in any namespace shapes callers anywhere. The workqueue deduplicates the burst.
 * VirtualServices keep the reference rule (only the named ones enqueue): a VirtualService the Rollout does not name
 * (say, a conflicting mesh-bound one) is judged at the next reconcile — any event, the gate's recheck, or a resync.
 */
import type { Informer } from '../kube/informer.js';

export interface PathInformers {
  rollouts: Pick<Informer<'Rollout'>, 'keys'>;
  namespaces: Pick<Informer<'Namespace'>, 'onChange'>;
  gateways: Pick<Informer<'Gateway'>, 'onChange'>;
  sidecars: Pick<Informer<'Sidecar'>, 'onChange'>;
  peerAuthentications: Pick<Informer<'PeerAuthentication'>, 'onChange'>;
}

export function wirePathEnqueueRules(informers: PathInformers, enqueue: (rolloutKey: string) => void): void {
  const everyRollout = () => {
    for (const key of informers.rollouts.keys()) enqueue(key);
  };
  informers.namespaces.onChange(everyRollout);
  informers.gateways.onChange(everyRollout);
  informers.sidecars.onChange(everyRollout);
  informers.peerAuthentications.onChange(everyRollout);
}
