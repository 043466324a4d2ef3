/**
 * `truesplit sandbox`: an in-memory cluster with the demo (or the user's manifests), the workload simulator standing
 * in for kube-controller-manager and kubelets, the real Rollout and AnalysisRun controllers, synthetic clients per
 * traffic path, the demo canary's metrics endpoint (healthy or failing, as the user flips it), and the dashboard.
 */
import { InputError } from '../manifests/errors.js';
import { AnalysisRunController } from '../controller/analysis/analysis-controller.js';
import { defaultConditionEvaluator, defaultProviders } from '../controller/analysis/analysis-defaults.js';
import { RolloutController } from '../controller/controller.js';
import { defaultPlanning } from '../controller/planning.js';
import { systemClock, type Clock } from '../kube/clock.js';
import { MemoryCluster } from '../kube/memory-cluster.js';
import { RolloutStore, type SharedInformers } from '../dashboard/rollout-store.js';
import { startDashboardServer, type CanarySwitch, type DashboardServer } from '../dashboard/server.js';
import { APPLICABLE_FIXES, applyFix, FixError, type FixOptionId } from './demo-fixes.js';
import { CanaryMetrics, startCanaryMetricsServer, type CanaryMetricsServer } from './canary-metrics.js';
import { DEMO_CANARY_IMAGE, DEMO_NAMESPACE, DEMO_ROLLOUT, DEMO_STABLE_IMAGE } from './demo.js';
import { RequestDriver } from './request-driver.js';
import { seededRng } from './request-simulator.js';
import { seedDemo, seedFromDirectory, type SeedResult } from './seed.js';
import { WorkloadSimulator } from './workload-simulator.js';

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** Load these manifests instead of the demo. */
  manifestsDir?: string;
  /** Built UI directory (default: next to the dashboard module). */
  webRoot?: string;
  /** The dashboard's access token (default: generated). */
  token?: string;
  /** Host names the dashboard answers to besides loopback and the bind address. */
  allowedHosts?: readonly string[];
  maxEventStreams?: number;
  /** Pod readiness delay of the workload simulator. Default 1000 ms. */
  readyDelayMs?: number;
  /** Seed of the request simulator's PRNG. */
  seed?: number;
  /** With the demo: once revision 1 is healthy, set the canary image to start the rollout. Default true. */
  startCanary?: boolean;
  /** With the demo: the analysis step's measurement interval (default `3s`) and count (default 10). */
  analysisInterval?: string;
  analysisCount?: number;
  clock?: Clock;
  onError?: (error: unknown) => void;
}

export interface Sandbox {
  url: string;
  /** Opens the dashboard in a browser (sets the session cookie). */
  loginUrl: string;
  /** Required on every dashboard request (`Authorization: Bearer`). */
  token: string;
  cluster: MemoryCluster;
  workloads: WorkloadSimulator;
  requests: RequestDriver;
  store: RolloutStore;
  controller: RolloutController;
  analysis: AnalysisRunController;
  /** The demo canary's health, which its analysis measures (undefined with -f). */
  canary: CanaryMetrics | undefined;
  dashboard: DashboardServer;
  seeded: SeedResult;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = options.clock ?? systemClock();
  const report = options.onError ?? ((err: unknown) => console.error('sandbox:', err));
  // One copy of each object (ADR 0190, ADR 0250): the cluster's, shared by every informer and watch over it.
  const cluster = new MemoryCluster({ clock, historyLimit: 10_000, sharedReads: true });
  const canary = options.manifestsDir ? undefined : new CanaryMetrics(seededRng(options.seed ?? Date.now()));
  const canaryServer = canary ? await startCanaryMetricsServer(canary) : undefined;
  const seeded = await seedSandbox(cluster, options, canaryServer).catch(async (err: unknown) => {
    await canaryServer?.close();
    throw err;
  });
  // The driver reads the store's paths only once started, below.
  const requests: RequestDriver = new RequestDriver({
    clock,
    paths: () => store.routablePaths(),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const { controller, analysis } = newControllers(cluster, clock);
  const store: RolloutStore = new RolloutStore(cluster, {
    clock,
    shared: sharedInformers(controller),
    observed: (key) => {
      const split = requests.observed(key);
      return split.share !== null ? { share: split.share, requests: split.requests } : undefined;
    },
    onError: report,
  });
  // First, so a busy port or an unusable token stops start-up before anything runs.
  const dashboard = await startDashboardServer({
    cluster,
    store,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.webRoot !== undefined ? { webRoot: options.webRoot } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.allowedHosts !== undefined ? { allowedHosts: options.allowedHosts } : {}),
    ...(options.maxEventStreams !== undefined ? { maxEventStreams: options.maxEventStreams } : {}),
    sandbox: {
      fixOptions: APPLICABLE_FIXES,
      applyFix: (body) => applySandboxFix(cluster, store, body),
      ...(canary ? { canary: canarySwitch(canary) } : {}),
    },
  }).catch(async (err: unknown) => {
    await canaryServer?.close();
    throw err;
  });
  const workloads = new WorkloadSimulator(cluster, {
    clock,
    readyDelayMs: options.readyDelayMs ?? 1000,
    onError: report,
  });
  workloads.start();
  const controllersDone = startControllers(controller, analysis, report);
  store.start();
  requests.start();
  const tickListener = setInterval(() => dashboard.notify(), 500);
  tickListener.unref();
  const stopKickoff =
    options.manifestsDir || options.startCanary === false
      ? () => undefined
      : startDemoCanary(cluster, store, report);
  return {
    url: dashboard.url,
    loginUrl: dashboard.loginUrl,
    token: dashboard.token,
    cluster,
    workloads,
    requests,
    store,
    controller,
    analysis,
    canary,
    dashboard,
    seeded,
    close: async () => {
      clearInterval(tickListener);
      stopKickoff();
      requests.stop();
      await dashboard.close();
      store.stop();
      analysis.stop();
      controller.stop();
      workloads.stop();
      await controllersDone;
      await canaryServer?.close();
    },
  };
}

/** The Rollout controller and, sharing its AnalysisRun informer as the manager does, the AnalysisRun controller. */
function newControllers(cluster: MemoryCluster, clock: Clock) {
  const controller = new RolloutController({ cluster, planning: defaultPlanning, clock });
  const analysis = new AnalysisRunController({
    cluster,
    runs: controller.informers.analysisRuns,
    providers: defaultProviders({ cluster }),
    evaluate: defaultConditionEvaluator,
    clock,
  });
  return { controller, analysis };
}

/** The dashboard reads the controller's caches: one informer per kind in the process (only Pods are its own). */
function sharedInformers(controller: RolloutController): SharedInformers {
  const informers = controller.informers;
  return {
    Rollout: informers.rollouts,
    ReplicaSet: informers.replicaSets,
    Namespace: informers.namespaces,
    Service: informers.services,
    VirtualService: informers.virtualServices,
    DestinationRule: informers.destinationRules,
    Gateway: informers.gateways,
    Sidecar: informers.sidecars,
    PeerAuthentication: informers.peerAuthentications,
    AnalysisRun: informers.analysisRuns,
  };
}

function startControllers(
  controller: RolloutController,
  analysis: AnalysisRunController,
  report: (err: unknown) => void,
): Promise<unknown> {
  controller.startInformers();
  return Promise.all([controller.run(2).catch(report), analysis.run(4).catch(report)]);
}

/** The user's manifests, or the demo with its analysis step measuring the canary metrics endpoint. */
async function seedSandbox(
  cluster: MemoryCluster,
  options: SandboxOptions,
  canaryServer: CanaryMetricsServer | undefined,
): Promise<SeedResult> {
  if (options.manifestsDir) return seedUserManifests(cluster, options.manifestsDir);
  const analysis = canaryServer
    ? {
        url: canaryServer.url,
        interval: options.analysisInterval ?? '3s',
        count: options.analysisCount ?? 10,
      }
    : undefined;
  return seedDemo(cluster, analysis);
}

function canarySwitch(canary: CanaryMetrics): CanarySwitch {
  return {
    rollout: `${DEMO_NAMESPACE}/${DEMO_ROLLOUT}`,
    health: () => canary.health(),
    setHealth: (health) => canary.setHealth(health),
  };
}

async function seedUserManifests(cluster: MemoryCluster, dir: string): Promise<SeedResult> {
  try {
    return await seedFromDirectory(cluster, dir);
  } catch (err) {
    // The user's manifests cannot be loaded (missing path, invalid YAML or objects): theirs to fix, exit 2.
    throw err instanceof InputError ? err : new InputError(err instanceof Error ? err.message : String(err));
  }
}

/** The demo starts like the seed report: revision 1 healthy, then a new image that the canary steps roll out. */
function startDemoCanary(
  cluster: MemoryCluster,
  store: RolloutStore,
  report: (err: unknown) => void,
): () => void {
  let done = false;
  const unsubscribe = store.onChange(() => {
    if (done) return;
    const rollout = store
      .rollouts()
      .find((r) => r.metadata.namespace === DEMO_NAMESPACE && r.metadata.name === DEMO_ROLLOUT);
    const status = rollout?.status;
    const image = rollout?.spec.template?.spec?.containers?.[0]?.image;
    if (!rollout || image !== DEMO_STABLE_IMAGE || status?.phase !== 'Healthy' || !status.stableRS) return;
    if (status.stableRS !== status.currentPodHash || (status.availableReplicas ?? 0) < 1) return;
    done = true;
    unsubscribe();
    const containers = (rollout.spec.template?.spec?.containers ?? []).map((c, i) =>
      i === 0 ? { ...c, image: DEMO_CANARY_IMAGE } : c,
    );
    cluster
      .patch('Rollout', DEMO_NAMESPACE, DEMO_ROLLOUT, { spec: { template: { spec: { containers } } } })
      .catch(report);
  });
  return () => {
    done = true;
    unsubscribe();
  };
}

/** `POST /api/v1/sandbox/fix {code, rollout: "ns/name", option?}`. */
async function applySandboxFix(cluster: MemoryCluster, store: RolloutStore, body: unknown) {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const { code, rollout, option } = record;
  if (typeof code !== 'string' || code === '') throw new FixError('body.code must be a finding code');
  if (typeof rollout !== 'string' || !/^[^/]+\/[^/]+$/.test(rollout))
    throw new FixError('body.rollout must be "namespace/name"');
  if (option !== undefined && typeof option !== 'string') throw new FixError('body.option must be a string');
  const [namespace = '', name = ''] = rollout.split('/');
  const view = store.view(namespace, name);
  const callerNamespaces = (view?.paths ?? [])
    .filter((p) => p.kind === 'plain' && p.from !== '*' && p.findingCodes.includes(code))
    .map((p) => p.from);
  return applyFix(cluster, {
    code,
    namespace,
    rollout: name,
    callerNamespaces,
    ...(option !== undefined ? { option: option as FixOptionId } : {}),
  });
}
