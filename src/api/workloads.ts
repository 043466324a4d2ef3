import type { Condition, KubeObject, LabelSelector, ObjectMeta } from './meta.js';

/** The pod template is opaque to truesplit except for its metadata: it is hashed and copied, never interpreted. */
export interface PodTemplateSpec {
  metadata?: Partial<ObjectMeta>;
  spec?: Record<string, unknown> & { containers?: { name: string; image?: string }[] };
}

export interface ReplicaSet extends KubeObject {
  kind: 'ReplicaSet';
  spec: { replicas?: number; minReadySeconds?: number; selector: LabelSelector; template: PodTemplateSpec };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    fullyLabeledReplicas?: number;
    observedGeneration?: number;
  };
}

/** apps/v1 Deployment, as a `workloadRef` target: its template and selector are read, its replicas scaled down. */
export interface Deployment extends KubeObject {
  kind: 'Deployment';
  spec: { replicas?: number; selector?: LabelSelector; template?: PodTemplateSpec };
  status?: { replicas?: number; availableReplicas?: number; observedGeneration?: number };
}

/** core/v1 PodTemplate, as a `workloadRef` target. */
export interface PodTemplate extends KubeObject {
  kind: 'PodTemplate';
  template?: PodTemplateSpec;
}

export interface Pod extends KubeObject {
  kind: 'Pod';
  spec?: { nodeName?: string; containers?: { name: string; image?: string }[] };
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: Condition[];
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

export interface ContainerStatus {
  name: string;
  state?: { waiting?: { reason?: string; message?: string }; [state: string]: unknown };
  [field: string]: unknown;
}

/** batch/v1 Job: what the `job` metric provider creates and reads. */
export interface Job extends KubeObject {
  kind: 'Job';
  spec: Record<string, unknown> & { selector?: LabelSelector; template: PodTemplateSpec };
  status?: {
    conditions?: Condition[];
    active?: number;
    succeeded?: number;
    failed?: number;
    [field: string]: unknown;
  };
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

export interface Service extends KubeObject {
  kind: 'Service';
  spec: { selector?: Record<string, string>; ports?: ServicePort[]; clusterIP?: string; type?: string };
}

export interface Namespace extends KubeObject {
  kind: 'Namespace';
}

export function isPodReady(pod: Pod): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}
