/** The controller's notifier: Argo's notification ConfigMap read through the (fenced) controller cluster. */
import type { Registry } from 'prom-client';
import type { Cluster } from '../kube/cluster.js';
import type { Clock } from '../kube/clock.js';
import { httpSender, type HttpSender } from '../notifications/delivery/http.js';
import { registerNotificationMetrics } from '../notifications/delivery/metrics.js';
import { Notifier, type NotifierLogger } from '../notifications/delivery/notifier.js';
import { NotificationConfigSource } from '../notifications/delivery/source.js';

export type { HttpSender, Notifier };

export interface NotifierSetup {
  cluster: Cluster;
  clock: Clock;
  registry: Registry;
  logger: NotifierLogger;
  /** Where `argo-rollouts-notification-configmap` lives (the controller's namespace). */
  namespace: string;
  /** `--self-service-notification-enabled`: a Rollout's namespace may hold its own ConfigMap and Secret too. */
  selfService: boolean;
  send?: HttpSender;
}

export function createNotifier(setup: NotifierSetup): Notifier {
  const source = new NotificationConfigSource({
    cluster: setup.cluster,
    clock: setup.clock,
    controllerNamespace: setup.namespace,
    selfService: setup.selfService,
    onInvalid: (namespace, message) =>
      setup.logger.warn({ namespace, err: message }, 'notification configuration ignored'),
  });
  return new Notifier({
    cluster: setup.cluster,
    clock: setup.clock,
    source,
    send: setup.send ?? httpSender(),
    metrics: registerNotificationMetrics(setup.registry),
    logger: setup.logger,
  });
}
