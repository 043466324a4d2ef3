/** A kubelet stand-in for controller tests that need pods: each ReplicaSet keeps spec.replicas pods. */
import type { Pod } from '../../src/api/workloads.js';
import { formatTime } from '../../src/util/time.js';
import { NS } from '../kube/fixtures.js';
import type { Harness } from './harness.js';

let serial = 0;

/** Creates missing pods (not Ready yet) and marks existing ones Ready: one round per step of a kubelet. */
export async function simulatePods(h: Harness): Promise<void> {
  const pods = (await h.cluster.list('Pod', { namespace: NS })).items;
  for (const pod of pods.filter((p) => !p.status?.conditions?.length)) {
    const conditions = [
      { type: 'Ready', status: 'True' as const, lastTransitionTime: formatTime(h.clock.now()) },
    ];
    await h.cluster.updateStatus('Pod', { ...pod, status: { phase: 'Running', conditions } });
  }
  for (const rs of await h.replicaSets()) {
    const owned = pods.filter((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid);
    for (const extra of owned.slice(rs.spec.replicas ?? 0))
      await h.cluster.delete('Pod', NS, extra.metadata.name);
    for (let i = owned.length; i < (rs.spec.replicas ?? 0); i++) {
      const pod: Pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${rs.metadata.name}-${serial++}`,
          namespace: NS,
          labels: rs.spec.template?.metadata?.labels ?? {},
          ...(rs.spec.template?.metadata?.annotations
            ? { annotations: rs.spec.template.metadata.annotations }
            : {}),
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: rs.metadata.name,
              uid: rs.metadata.uid ?? '',
              controller: true,
            },
          ],
        },
      };
      await h.cluster.create('Pod', pod);
    }
  }
}

export const readyPods = async (h: Harness) =>
  (await h.cluster.list('Pod', { namespace: NS })).items.filter((p) => p.status?.conditions?.length).length;
