import { stringify } from 'yaml';
import type { Rollout, VirtualService } from '../api/index.js';
import { objectRef, POD_TEMPLATE_HASH_LABEL } from '../api/index.js';
import type { RolloutContext } from './context.js';
import { hasStarHost, MESH_GATEWAY, parseServiceFqdn } from './hosts.js';
import {
  addHostWrite,
  bindToMeshWrite,
  injectionWrites,
  meshCopyName,
  meshCopyWrite,
  podRatioWrite,
  virtualServicesWrite,
  writeDocument,
  type FixWrite,
} from './fix-writes.js';
import type { FindingCode } from './types.js';

/** What a fix needs besides the context: the objects and the callers behind one merged finding. */
export interface FixInput {
  ctx: RolloutContext;
  objects: string[];
  /** Caller namespaces of the paths that raised the finding (`*` excluded). */
  callerNamespaces: string[];
  /** Every canary weight the Rollout's steps use (for the replica count that makes pod ratios exact). */
  weights: number[];
  /** Plain callers dial the stable Service of host-level routing: stable-only by design. */
  pinned?: boolean;
}

const yamlDoc = (value: unknown) =>
  stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd();
/** A write as the YAML shown with the finding. */
const writeYaml = (write: FixWrite) => yamlDoc(writeDocument(write));
const nsOf = (obj: { metadata: { namespace?: string } }) => obj.metadata.namespace ?? 'default';

function findVs(ctx: RolloutContext, ref: string | undefined): VirtualService | undefined {
  return ctx.index.snapshot.virtualServices.find((vs) => objectRef(vs) === ref);
}

function meshBindingFix(input: FixInput): string {
  const vs = findVs(input.ctx, input.objects[0]);
  const fqdn = input.ctx.dialled.fqdn;
  if (!vs)
    return `Bind the VirtualService to the mesh: add "${MESH_GATEWAY}" to spec.gateways and ${fqdn} to spec.hosts.`;
  const existing = userMeshVs(input.ctx);
  if (existing) return manageExistingFix(input.ctx, vs, existing);
  if (!hasStarHost(vs)) {
    return `# ${objectRef(vs)}: bind it to the mesh and to the Service name\n${writeYaml(bindToMeshWrite(vs, fqdn))}`;
  }
  return splitFix(input.ctx, vs);
}

/** The Rollout's references with the mesh copy of `vs` listed after it (with the same routes). */
export function refsWithMeshCopy(
  ctx: RolloutContext,
  vs: VirtualService,
): { name: string; routes?: string[] }[] {
  const istio = ctx.state.rollout.spec.strategy.canary?.trafficRouting?.istio;
  const refs = istio?.virtualServices ?? (istio?.virtualService ? [istio.virtualService] : []);
  const ref = refs.find((r) => r.name.split('.')[0] === vs.metadata.name);
  const routes = ref?.routes ? { routes: ref.routes } : {};
  return [
    { name: vs.metadata.name, ...routes },
    { name: meshCopyName(vs), ...routes },
  ];
}

/** A mesh-bound VirtualService for the Service that the Rollout does not manage (rule 2.4: never add a second). */
function userMeshVs(ctx: RolloutContext): VirtualService | undefined {
  return (ctx.index.meshVsByHost.get(ctx.dialled.fqdn) ?? []).find((v) => !ctx.referenced.includes(v));
}

function manageExistingFix(ctx: RolloutContext, vs: VirtualService, existing: VirtualService): string {
  const istio = ctx.state.rollout.spec.strategy.canary?.trafficRouting?.istio;
  const refs = istio?.virtualServices ?? (istio?.virtualService ? [istio.virtualService] : []);
  const ref = refs.find((r) => r.name.split('.')[0] === vs.metadata.name);
  const routes = ref?.routes ? { routes: ref.routes } : {};
  const name =
    nsOf(existing) === ctx.namespace ? existing.metadata.name : `${existing.metadata.name}.${nsOf(existing)}`;
  const write = virtualServicesWrite(ctx.state.rollout, [...refs, { name, ...routes }]);
  return [
    `# In-mesh callers use ${objectRef(existing)}, which the Rollout does not manage: let the Rollout set its weights`,
    `# (its routes must name the canary and stable destinations) in ${objectRef(ctx.state.rollout)} (merge patch):`,
    writeYaml(write),
  ].join('\n');
}

/** `*` cannot stay on a mesh-bound VirtualService: keep it for the gateway and add one for the mesh. */
function splitFix(ctx: RolloutContext, vs: VirtualService): string {
  return [
    `# hosts: ["*"] is invalid on a mesh-bound VirtualService: keep ${objectRef(vs)} for the gateway as it is,`,
    '# add a second VirtualService for in-mesh callers (truesplit manages its weights like the first one):',
    writeYaml(meshCopyWrite(vs, ctx.dialled.fqdn)),
    '---',
    `# and list both in ${objectRef(ctx.state.rollout)} (merge patch):`,
    writeYaml(virtualServicesWrite(ctx.state.rollout, refsWithMeshCopy(ctx, vs))),
  ].join('\n');
}

/** The injection writes as kubectl commands (pods get their sidecar when restarted). */
function injectCommands(input: FixInput): string[] {
  const namespaces = input.callerNamespaces.length > 0 ? input.callerNamespaces : ['<caller-namespace>'];
  return injectionWrites(namespaces).map(
    ({ target: { name } }) =>
      `kubectl label namespace ${name} istio-injection=enabled --overwrite && kubectl -n ${name} rollout restart deployment`,
  );
}

function plainCallersFix(input: FixInput, pinned: boolean): string {
  const { ctx } = input;
  if (pinned)
    return [
      '# Nothing to fix. To include these callers in the canary, give them a sidecar:',
      ...injectCommands(input),
    ].join('\n');
  const rollout: Rollout = ctx.state.rollout;
  const svc = parseServiceFqdn(ctx.dialled.fqdn)?.name ?? rollout.metadata.name;
  const { [POD_TEMPLATE_HASH_LABEL]: _hash, ...selector } = ctx.dialled.service?.spec.selector ?? {};
  const stableOnly = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${svc}-stable`, namespace: ctx.namespace },
    spec: { selector, ports: ctx.dialled.service?.spec.ports ?? [] },
  };
  return [
    '# Option 1: give the callers a sidecar',
    ...injectCommands(input),
    `# Option 2: make the pod ratio follow the weight (precision 1/replicas; remove setCanaryScale steps)`,
    writeYaml(podRatioWrite(rollout, input.weights)),
    '# Option 3: pin non-mesh callers to stable: a stable-only Service they dial (truesplit adds the stable hash to its selector)',
    yamlDoc(stableOnly),
    '---',
    yamlDoc({ spec: { strategy: { canary: { stableService: `${svc}-stable` } } } }),
  ].join('\n');
}

function hostsFix(input: FixInput, code: FindingCode): string {
  const vs = findVs(input.ctx, input.objects[0]);
  const fqdn = input.ctx.dialled.fqdn;
  if (!vs) return `Add ${fqdn} to the VirtualService's spec.hosts.`;
  const lead =
    code === 'mesh-wildcard'
      ? `# ${objectRef(vs)}: "*" is rejected on a mesh-bound VirtualService; name the Service instead`
      : `# ${objectRef(vs)}: short names resolve in the VirtualService's namespace (${nsOf(vs)}); use the FQDN`;
  const tail =
    code === 'mesh-wildcard' && (vs.spec.gateways ?? []).length > 1 ? `\n${splitFix(input.ctx, vs)}` : '';
  return `${lead}\n${writeYaml(addHostWrite(vs, fqdn))}${tail}`;
}

function exportToFix(input: FixInput): string {
  const vs = findVs(input.ctx, input.objects[0]);
  const callers = input.callerNamespaces.length > 0 ? input.callerNamespaces : ['*'];
  const exportTo = [...new Set([...(vs?.spec.exportTo ?? []), ...callers])];
  return `# ${input.objects[0] ?? 'VirtualService'}: export it to the caller namespaces\n${yamlDoc({ spec: { exportTo } })}`;
}

function sidecarFix(input: FixInput): string {
  const sidecarRef = input.objects.find((o) => o.startsWith('Sidecar/')) ?? 'Sidecar';
  const svcNs = input.ctx.dialled.service ? nsOf(input.ctx.dialled.service) : input.ctx.namespace;
  const hosts = ['./*', `${input.ctx.index.rootNs}/*`, `${svcNs}/${input.ctx.dialled.fqdn}`];
  return `# ${sidecarRef}: import the Service (keep your other entries)\n${yamlDoc({ spec: { egress: [{ hosts }] } })}`;
}

function subsetFix(ctx: RolloutContext): string {
  const dr = ctx.state.rollout.spec.strategy.canary?.trafficRouting?.istio?.destinationRule;
  const canary = dr?.canarySubsetName ?? 'canary';
  const stable = dr?.stableSubsetName ?? 'stable';
  const doc = {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'DestinationRule',
    metadata: { name: dr?.name ?? `${ctx.state.rollout.metadata.name}-destrule`, namespace: ctx.namespace },
    spec: {
      host: ctx.dialled.fqdn,
      subsets: [
        { name: canary, labels: {} },
        { name: stable, labels: {} },
      ],
    },
  };
  const selector = Object.entries(ctx.dialled.service?.spec.selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return [
    '# Define both subsets (truesplit injects rollouts-pod-template-hash into their labels):',
    yamlDoc(doc),
    '# and check that the subset pods are ready:',
    `kubectl -n ${ctx.namespace} get pods -l ${selector || '<selector>'} -L rollouts-pod-template-hash`,
  ].join('\n');
}

/** A Service over all the Rollout's pods for callers to dial, routed by the VirtualService to ping and pong. */
function pingPongDialledFix(input: FixInput): string {
  const { ctx } = input;
  const rollout: Rollout = ctx.state.rollout;
  const { [POD_TEMPLATE_HASH_LABEL]: _hash, ...selector } = ctx.dialled.service?.spec.selector ?? {};
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: rollout.metadata.name, namespace: ctx.namespace },
    spec: { selector, ports: ctx.dialled.service?.spec.ports ?? [] },
  };
  const fqdn = `${rollout.metadata.name}.${ctx.namespace}.svc.cluster.local`;
  return [
    "# Give callers a Service that never changes role, over all the Rollout's pods:",
    yamlDoc(service),
    `# and add ${fqdn} to the hosts of the VirtualService that weighs ping and pong (bound to "${MESH_GATEWAY}").`,
    '# Callers without a sidecar still split by pod count on it; give them a sidecar to follow the weights.',
  ].join('\n');
}

/** The Gateway the VirtualService names, serving its hosts; or the `gateways` entry corrected. */
function missingGatewayFix(input: FixInput): string {
  const [vsRef = '', gwRef = ''] = input.objects;
  const [, namespace = '', name = ''] = gwRef.split('/');
  const vs = input.ctx.referenced.find((v) => objectRef(v) === vsRef);
  const gateway = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: vs?.spec.hosts ?? ['*'] }],
    },
  };
  return [
    `# Create the Gateway ${vsRef} names (selector: your ingress gateway's pod labels):`,
    yamlDoc(gateway),
    `# or correct its entry in spec.gateways of ${vsRef} (a short name is in the VirtualService's namespace; another namespace is written ns/name).`,
  ].join('\n');
}

const STATIC_FIXES: Partial<Record<FindingCode, (input: FixInput) => string>> = {
  'mesh-conflict': (i) =>
    `# Keep exactly one mesh-bound VirtualService for ${i.ctx.dialled.fqdn}: merge the routes into the one the Rollout manages and delete the others\n` +
    i.objects
      .filter((o) => !i.ctx.referenced.some((vs) => objectRef(vs) === o))
      .map((o) => `kubectl -n ${o.split('/')[1] ?? ''} delete virtualservice ${o.split('/')[2] ?? ''}`)
      .join('\n'),
  'ambient-no-waypoint': (i) => {
    const ns = i.ctx.dialled.service ? nsOf(i.ctx.dialled.service) : i.ctx.namespace;
    return `istioctl waypoint apply -n ${ns} --enroll-namespace --wait`;
  },
  'strict-mtls-plain': (i) =>
    [
      '# Give the callers a sidecar (preferred):',
      ...(i.callerNamespaces.length > 0 ? i.callerNamespaces : ['<caller-namespace>']).map(
        (ns) => `kubectl label namespace ${ns} istio-injection=enabled --overwrite`,
      ),
      '# or accept plaintext on the destination workloads:',
      yamlDoc({ spec: { mtls: { mode: 'PERMISSIVE' } } }),
    ].join('\n'),
  'no-ready-endpoints': (i) => {
    const sel = Object.entries(i.ctx.dialled.service?.spec.selector ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return `kubectl -n ${i.ctx.namespace} get pods -l ${sel || '<selector>'} -o wide   # the selector must match ready pods of the Rollout's template`;
  },
  'no-default-route': () =>
    yamlDoc({ spec: { http: [{ name: 'default', route: [{ destination: { host: '<service>' } }] }] } }),
  'prediction-uncertain': () =>
    '# Nothing to change for truesplit: read the split Istio really gives this caller (istioctl proxy-config routes <pod> -o json), or simplify the routing to a shape the model covers (docs/adr/0040-traffic-path-model.md).',
  'ping-pong-dialled': (i) => pingPongDialledFix(i),
  'gateway-missing': (i) => missingGatewayFix(i),
  'ambient-waypoint-alpha': () =>
    '# No change required: VirtualService on a waypoint is alpha in Istio. Consider a Gateway API HTTPRoute whose parentRefs name the Service.',
};

export function fixFor(code: FindingCode, input: FixInput): string {
  switch (code) {
    case 'mesh-binding':
      return meshBindingFix(input);
    case 'mesh-host':
    case 'mesh-wildcard':
      return hostsFix(input, code);
    case 'export-to':
      return exportToFix(input);
    case 'plain-callers':
      return plainCallersFix(input, input.pinned === true);
    case 'sidecar-egress':
      return sidecarFix(input);
    case 'subset-missing':
      return subsetFix(input.ctx);
    default:
      return STATIC_FIXES[code]?.(input) ?? '';
  }
}
