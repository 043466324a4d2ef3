import type { KubeObject } from './meta.js';
import type { StringMatch } from './rollout.js';

/**
 * Istio networking types. Every interface keeps unknown fields (`[field: string]: unknown`): truesplit rewrites
 * weights and subset labels and must hand every other field back exactly as the user wrote it.
 */
export interface PortSelector {
  number?: number;
  [field: string]: unknown;
}

export interface Destination {
  host: string;
  subset?: string;
  port?: PortSelector;
  [field: string]: unknown;
}

export interface RouteDestination {
  destination: Destination;
  weight?: number;
  [field: string]: unknown;
}

export interface HTTPMatchRequest {
  name?: string;
  uri?: StringMatch;
  method?: StringMatch;
  headers?: Record<string, StringMatch>;
  port?: number;
  gateways?: string[];
  [field: string]: unknown;
}

export interface HTTPRoute {
  name?: string;
  match?: HTTPMatchRequest[];
  route?: RouteDestination[];
  mirror?: Destination;
  mirrorPercentage?: { value: number };
  [field: string]: unknown;
}

export interface L4MatchAttributes {
  port?: number;
  sniHosts?: string[];
  gateways?: string[];
  [field: string]: unknown;
}

export interface TLSRoute {
  match?: L4MatchAttributes[];
  route?: RouteDestination[];
  [field: string]: unknown;
}

export interface TCPRoute {
  match?: L4MatchAttributes[];
  route?: RouteDestination[];
  [field: string]: unknown;
}

export interface VirtualServiceSpec {
  hosts?: string[];
  gateways?: string[];
  http?: HTTPRoute[];
  tls?: TLSRoute[];
  tcp?: TCPRoute[];
  exportTo?: string[];
  [field: string]: unknown;
}

export interface VirtualService extends KubeObject {
  kind: 'VirtualService';
  spec: VirtualServiceSpec;
  status?: IstioStatus;
}

/**
 * What istiod writes in `status` (istio.io/api meta/v1alpha1 IstioStatus) when config-distribution tracking is on
 * (`PILOT_ENABLE_STATUS`): the generation it reports on and a `Reconciled` condition ("3/3 proxies up to date.").
 */
export interface IstioStatus {
  observedGeneration?: number | string;
  conditions?: {
    type?: string;
    status?: string;
    message?: string;
    lastProbeTime?: string;
    lastTransitionTime?: string;
  }[];
  [field: string]: unknown;
}

export interface Subset {
  name: string;
  labels?: Record<string, string>;
  [field: string]: unknown;
}

export interface DestinationRule extends KubeObject {
  kind: 'DestinationRule';
  spec: { host: string; subsets?: Subset[]; exportTo?: string[]; [field: string]: unknown };
  status?: IstioStatus;
}

export interface GatewayServer {
  hosts: string[];
  port?: { number: number; name?: string; protocol?: string };
  [field: string]: unknown;
}

export interface Gateway extends KubeObject {
  kind: 'Gateway';
  spec: { selector?: Record<string, string>; servers?: GatewayServer[]; [field: string]: unknown };
}

export interface Sidecar extends KubeObject {
  kind: 'Sidecar';
  spec: {
    workloadSelector?: { labels?: Record<string, string> };
    egress?: { hosts: string[]; port?: unknown; [field: string]: unknown }[];
    [field: string]: unknown;
  };
}

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE' | 'UNSET';

export interface PeerAuthentication extends KubeObject {
  kind: 'PeerAuthentication';
  spec: {
    selector?: { matchLabels?: Record<string, string> };
    mtls?: { mode?: MtlsMode };
    portLevelMtls?: Record<string, { mode?: MtlsMode }>;
    [field: string]: unknown;
  };
}
