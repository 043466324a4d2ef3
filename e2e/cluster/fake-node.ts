/**
 * The fake Node the pod-ready helper binds pods to: created with a Ready
 * status, and kept alive by renewing its Lease in kube-node-lease, which is
 * the heartbeat KCM's node lifecycle controller reads. Without it the node
 * would go Unknown after the grace period and its pods would be evicted.
 */
import type { KubeAccess } from './kube-http.ts';
import { kubeCall, kubeRequest } from './kube-http.ts';

export const NODE_IP = '10.0.1.1';

export interface NodeAccess {
  access: KubeAccess;
  node: string;
  abort: AbortController;
  log: (msg: string) => void;
}

export async function ensureNode(s: NodeAccess): Promise<void> {
  const node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: s.node,
      labels: { 'kubernetes.io/hostname': s.node, 'kubernetes.io/os': 'linux', type: 'fake' },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: '10.244.0.0/16' },
  };
  await kubeCall(s.access, 'POST', '/api/v1/nodes', { body: node, allow: [409] });
  await kubeCall(s.access, 'PATCH', `/api/v1/nodes/${s.node}/status`, {
    body: { status: nodeStatus(s.node, new Date().toISOString()) },
    contentType: 'application/merge-patch+json',
  });
}

/** A kubelet's Ready report; capacity is generous so nothing is ever unschedulable. */
function nodeStatus(node: string, now: string) {
  const capacity = { cpu: '32', memory: '256Gi', pods: '250' };
  const condition = (type: string, status: string, reason: string) => ({
    type,
    status,
    reason,
    message: reason,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  return {
    capacity,
    allocatable: capacity,
    addresses: [
      { type: 'InternalIP', address: NODE_IP },
      { type: 'Hostname', address: node },
    ],
    conditions: [
      condition('Ready', 'True', 'KubeletReady'),
      condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
      condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
      condition('PIDPressure', 'False', 'KubeletHasSufficientPID'),
    ],
    nodeInfo: { kubeletVersion: 'v1.34.0-truesplit-fake', architecture: 'amd64', operatingSystem: 'linux' },
  };
}

/** Renews the node Lease every 10 s (the heartbeat KCM's node lifecycle controller reads). */
export async function leaseLoop(s: NodeAccess): Promise<void> {
  const path = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
  while (!s.abort.signal.aborted) {
    const spec = {
      holderIdentity: s.node,
      leaseDurationSeconds: 40,
      renewTime: new Date().toISOString().replace('Z', '000Z'),
    };
    try {
      const res = await kubeRequest(s.access, 'PATCH', `${path}/${s.node}`, {
        body: { spec },
        contentType: 'application/merge-patch+json',
      });
      if (res.status === 404) {
        const lease = {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: s.node },
          spec,
        };
        await kubeRequest(s.access, 'POST', path, { body: lease });
      }
    } catch (err) {
      if (!s.abort.signal.aborted) s.log(`lease renewal failed: ${String(err)}`);
    }
    await sleepUnlessAborted(10_000, s.abort.signal);
  }
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}
