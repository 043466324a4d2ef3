/**
 * The AnalysisRun controller against the in-memory cluster with a manual clock and fake providers: each fake
 * answers from a function of (metric name, attempt) and records when it was asked and with which metric.
 */
import { Registry } from 'prom-client';
import type { AnalysisRun, Metric } from '../../../src/api/analysis.js';
import type {
  MeasureRequest,
  MetricProviderPort,
  ProviderMeasurement,
} from '../../../src/analysis/provider.js';
import { registerAnalysisMetrics } from '../../../src/controller/analysis/analysis-metrics.js';
import { AnalysisRunController } from '../../../src/controller/analysis/analysis-controller.js';
import type { ControllerLogger } from '../../../src/controller/controller.js';
import type { NewObject } from '../../../src/kube/cluster.js';
import { Informer } from '../../../src/kube/informer.js';
import { flush, newCluster, NS } from '../../kube/fixtures.js';
import { fakeEvaluator } from '../../analysis/fake-evaluator.js';

export const T0 = Date.parse('2026-01-01T00:00:00Z');

export interface Call {
  metric: Metric;
  at: number;
}

export class FakeProvider implements MetricProviderPort {
  readonly calls: Call[] = [];
  private readonly attempts = new Map<string, number>();
  constructor(
    readonly type: string,
    private readonly answer: (metric: string, attempt: number) => ProviderMeasurement,
  ) {}
  run(request: MeasureRequest): Promise<ProviderMeasurement> {
    const attempt = (this.attempts.get(request.metric.name) ?? 0) + 1;
    this.attempts.set(request.metric.name, attempt);
    this.calls.push({ metric: request.metric, at: request.now.getTime() });
    return Promise.resolve(this.answer(request.metric.name, attempt));
  }
  /** Seconds since T0 of each call. */
  times(): number[] {
    return this.calls.map((c) => (c.at - T0) / 1000);
  }
}

export const logLines: string[] = [];
export const recordingLogger: ControllerLogger = {
  info: (obj, msg) => logLines.push(JSON.stringify({ ...obj, msg })),
  warn: (obj, msg) => logLines.push(JSON.stringify({ ...obj, msg })),
  error: (obj, msg) => logLines.push(JSON.stringify({ ...obj, msg })),
};

export async function startAnalysis(providers: MetricProviderPort[]) {
  const { cluster, clock } = await newCluster();
  const registry = new Registry();
  let informer = new Informer(cluster, 'AnalysisRun', { clock });
  const make = () =>
    new AnalysisRunController({
      cluster,
      runs: informer,
      providers: new Map(providers.map((p) => [p.type, p])),
      evaluate: fakeEvaluator,
      clock,
      logger: recordingLogger,
      metrics: registerAnalysisMetrics(new Registry(), () => informer.list()),
    });
  let controller = make();
  const metrics = registerAnalysisMetrics(registry, () => informer.list());
  informer.start();
  let workers = controller.run(4);
  await flush();
  const h = {
    cluster,
    clock,
    registry,
    metrics,
    get controller() {
      return controller;
    },
    async settle() {
      await flush(10);
    },
    /** Moves the clock in 100 ms steps, letting timed requeues fire and reconciles finish. */
    async advance(ms: number) {
      for (let t = 0; t < ms; t += 100) {
        clock.advance(Math.min(100, ms - t));
        await flush(10);
      }
    },
    async create(metrics: Metric[], spec: Partial<AnalysisRun['spec']> = {}, name = 'run') {
      const run: NewObject<AnalysisRun> = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisRun',
        metadata: { name, namespace: NS },
        spec: { metrics, ...spec },
      };
      await cluster.create('AnalysisRun', run);
      await flush(10);
    },
    run: (name = 'run') => cluster.get('AnalysisRun', NS, name),
    /** Stops the controller and its informer as a SIGKILL would, and starts fresh ones on the same cluster. */
    async restart() {
      controller.stop();
      informer.stop();
      await workers;
      informer = new Informer(cluster, 'AnalysisRun', { clock });
      controller = make();
      informer.start();
      workers = controller.run(4);
      await flush(10);
    },
    async stop() {
      controller.stop();
      informer.stop();
      await workers;
    },
  };
  return h;
}
