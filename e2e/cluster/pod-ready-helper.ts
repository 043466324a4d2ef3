/**
 * Kubelet and scheduler stand-in for the e2e control plane.
 *
 * There is no kubelet, no container runtime and no kube-scheduler. This
 * helper watches all pods and:
 *  - binds pods without `spec.nodeName` to the fake node (pods/binding);
 *  - marks bound pods Running and Ready (pods/status) with a podIP from
 *    10.244.0.0/16, after `readyDelayMs` or the pod's
 *    `e2e.truesplit.io/ready-delay-ms` annotation; a pod annotated
 *    `e2e.truesplit.io/never-ready: "true"` goes Running but never Ready;
 *  - completes a pod annotated `e2e.truesplit.io/exit-code: "N"` (a Job's
 *    pod, say) `e2e.truesplit.io/run-ms` (default 500) after it runs: phase
 *    Succeeded for 0, Failed otherwise, its containers terminated with N;
 *  - removes terminating pods at once (grace period 0).
 * It also creates the fake Node (Ready) and renews its Lease, so the node
 * lifecycle controller never taints it or evicts its pods.
 */
import type { KubeAccess } from './kube-http.ts';
import { ensureNode, leaseLoop, NODE_IP } from './fake-node.ts';
import { kubeCall, sleep, watch } from './kube-http.ts';

export { NODE_IP };

export const NODE_NAME = 'truesplit-node-0';
export const READY_DELAY_ANNOTATION = 'e2e.truesplit.io/ready-delay-ms';
export const NEVER_READY_ANNOTATION = 'e2e.truesplit.io/never-ready';
export const EXIT_CODE_ANNOTATION = 'e2e.truesplit.io/exit-code';
export const RUN_MS_ANNOTATION = 'e2e.truesplit.io/run-ms';

export interface PodReadyHelperOptions {
  nodeName?: string;
  /** delay between binding and Ready, unless the pod's annotation says otherwise */
  readyDelayMs?: number;
  log?: (msg: string) => void;
}

export interface PodReadyHelper {
  stop(): Promise<void>;
}

interface Container {
  name: string;
  image?: string;
}

interface Pod {
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion?: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    annotations?: Record<string, string>;
  };
  spec: { nodeName?: string; containers: Container[]; initContainers?: Container[] };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

interface HelperState {
  access: KubeAccess;
  node: string;
  readyDelayMs: number;
  log: (msg: string) => void;
  abort: AbortController;
  timers: Map<string, NodeJS.Timeout>;
  handled: Set<string>;
  nextIp: number;
}

const running = new Set<PodReadyHelper>();

export async function start(access: KubeAccess, opts: PodReadyHelperOptions = {}): Promise<PodReadyHelper> {
  const state: HelperState = {
    access,
    node: opts.nodeName ?? NODE_NAME,
    readyDelayMs: opts.readyDelayMs ?? 0,
    log: opts.log ?? (() => undefined),
    abort: new AbortController(),
    timers: new Map(),
    handled: new Set(),
    nextIp: 2,
  };
  await ensureNode(state);
  const loops = Promise.all([watchLoop(state), leaseLoop(state)]);
  const helper: PodReadyHelper = {
    async stop() {
      running.delete(helper);
      state.abort.abort();
      for (const t of state.timers.values()) clearTimeout(t);
      await loops.catch(() => undefined);
    },
  };
  running.add(helper);
  return helper;
}

/** Stops every helper started in this process. */
export async function stop(): Promise<void> {
  await Promise.all([...running].map((h) => h.stop()));
}

/** List, then watch from the list's resourceVersion; relist whenever the watch ends. */
async function watchLoop(s: HelperState): Promise<void> {
  while (!s.abort.signal.aborted) {
    try {
      const list = await kubeCall(s.access, 'GET', '/api/v1/pods');
      const body = list.body as { metadata: { resourceVersion: string }; items: Pod[] };
      for (const pod of body.items) handlePod(s, pod);
      const path = `/api/v1/pods?watch=1&allowWatchBookmarks=true&resourceVersion=${body.metadata.resourceVersion}`;
      for await (const ev of watch<Pod>(s.access, path, s.abort.signal)) {
        if (ev.type === 'ADDED' || ev.type === 'MODIFIED') handlePod(s, ev.object);
        if (ev.type === 'DELETED') forget(s, ev.object.metadata.uid);
        if (ev.type === 'ERROR') break;
      }
    } catch (err) {
      if (s.abort.signal.aborted) return;
      s.log(`pod watch failed, relisting: ${String(err)}`);
      await sleep(500);
    }
  }
}

function forget(s: HelperState, uid: string): void {
  clearTimeout(s.timers.get(uid));
  s.timers.delete(uid);
  s.handled.delete(uid);
}

function handlePod(s: HelperState, pod: Pod): void {
  const { uid } = pod.metadata;
  if (pod.metadata.deletionTimestamp !== undefined) {
    forget(s, uid);
    void act(s, 'delete', pod, () => deletePod(s, pod));
  } else if (!pod.spec.nodeName) {
    void act(s, 'bind', pod, () => bindPod(s, pod));
  } else if (pod.spec.nodeName === s.node && needsStatus(pod) && !s.handled.has(uid)) {
    s.handled.add(uid);
    const annotated = Number(pod.metadata.annotations?.[READY_DELAY_ANNOTATION]);
    const delay = Number.isFinite(annotated) ? annotated : s.readyDelayMs;
    const timer = setTimeout(() => {
      s.timers.delete(uid);
      void act(s, 'mark ready', pod, () => markRunning(s, pod));
    }, delay);
    s.timers.set(uid, timer);
  }
}

function needsStatus(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === undefined || phase === 'Pending';
}

async function act(s: HelperState, what: string, pod: Pod, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!s.abort.signal.aborted) {
      s.log(`${what} ${pod.metadata.namespace}/${pod.metadata.name} failed: ${String(err)}`);
      s.handled.delete(pod.metadata.uid);
    }
  }
}

function podPath(pod: Pod, sub = ''): string {
  return `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}${sub}`;
}

async function bindPod(s: HelperState, pod: Pod): Promise<void> {
  const binding = {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
    target: { apiVersion: 'v1', kind: 'Node', name: s.node },
  };
  await kubeCall(s.access, 'POST', podPath(pod, '/binding'), { body: binding, allow: [404, 409] });
}

async function deletePod(s: HelperState, pod: Pod): Promise<void> {
  if ((pod.metadata.finalizers ?? []).length > 0) {
    await kubeCall(s.access, 'PATCH', podPath(pod), {
      body: { metadata: { finalizers: null } },
      contentType: 'application/merge-patch+json',
      allow: [404],
    });
  }
  const options = { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 };
  await kubeCall(s.access, 'DELETE', podPath(pod), { body: options, allow: [404, 409] });
}

function allocateIp(s: HelperState): string {
  const n = s.nextIp++;
  return `10.244.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
}

async function markRunning(s: HelperState, pod: Pod): Promise<void> {
  const ready = pod.metadata.annotations?.[NEVER_READY_ANNOTATION] !== 'true';
  const status = runningStatus(pod, allocateIp(s), ready, new Date().toISOString());
  await kubeCall(s.access, 'PATCH', podPath(pod, '/status'), {
    body: { status },
    contentType: 'application/merge-patch+json',
    allow: [404],
  });
  const exitCode = Number(pod.metadata.annotations?.[EXIT_CODE_ANNOTATION] ?? Number.NaN);
  if (!Number.isInteger(exitCode)) return;
  const runMs = Number(pod.metadata.annotations?.[RUN_MS_ANNOTATION] ?? 500);
  const timer = setTimeout(
    () => {
      s.timers.delete(pod.metadata.uid);
      void act(s, 'complete', pod, () => markCompleted(s, pod, exitCode));
    },
    Number.isFinite(runMs) ? runMs : 500,
  );
  s.timers.set(pod.metadata.uid, timer);
}

/** What a kubelet reports once every container of a `restartPolicy: Never` pod has exited with `exitCode`. */
async function markCompleted(s: HelperState, pod: Pod, exitCode: number): Promise<void> {
  const now = new Date().toISOString();
  const reason = exitCode === 0 ? 'Completed' : 'Error';
  const containerStatuses = pod.spec.containers.map((c) => ({
    name: c.name,
    image: c.image ?? '',
    imageID: '',
    ready: false,
    started: false,
    restartCount: 0,
    state: { terminated: { exitCode, reason, startedAt: now, finishedAt: now } },
  }));
  const condition = (type: string, ok: boolean) => ({
    type,
    status: ok ? 'True' : 'False',
    ...(ok ? {} : { reason: 'PodCompleted' }),
    lastTransitionTime: now,
  });
  const status = {
    phase: exitCode === 0 ? 'Succeeded' : 'Failed',
    conditions: [
      condition('PodScheduled', true),
      condition('Initialized', true),
      condition('ContainersReady', false),
      condition('Ready', false),
    ],
    containerStatuses,
  };
  await kubeCall(s.access, 'PATCH', podPath(pod, '/status'), {
    body: { status },
    contentType: 'application/merge-patch+json',
    allow: [404],
  });
}

/** What a kubelet reports once every container runs (init containers completed). */
function runningStatus(pod: Pod, podIP: string, ready: boolean, now: string) {
  const cond = (type: string, ok: boolean) => ({
    type,
    status: ok ? 'True' : 'False',
    lastTransitionTime: now,
  });
  const containerStatus = (c: Container, i: number) => ({
    name: c.name,
    image: c.image ?? '',
    imageID: '',
    containerID: `containerd://${pod.metadata.uid.replaceAll('-', '')}${i}`,
    ready,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: now } },
  });
  const initStatus = (c: Container) => ({
    name: c.name,
    image: c.image ?? '',
    imageID: '',
    ready: true,
    restartCount: 0,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now } },
  });
  return {
    phase: 'Running',
    hostIP: NODE_IP,
    hostIPs: [{ ip: NODE_IP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: now,
    conditions: [
      cond('PodReadyToStartContainers', true),
      cond('Initialized', true),
      cond('ContainersReady', ready),
      cond('Ready', ready),
      cond('PodScheduled', true),
    ],
    containerStatuses: pod.spec.containers.map(containerStatus),
    initContainerStatuses: (pod.spec.initContainers ?? []).map(initStatus),
  };
}
