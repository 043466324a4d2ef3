/**
 * Reads the notification ConfigMap and Secret through the Cluster port, from the controller's namespace and — with
 * `--self-service-notification-enabled`, as in Argo — the Rollout's namespace too. Parsed configurations are kept for
 * a short while: an edit shows up within `ttlMs`. One read per namespace per `ttlMs`, shared by the callers waiting
 * for it and kept when it failed too (a forbidden ConfigMap must not cost a request per Event). A missing ConfigMap
 * means "not configured"; a missing Secret is an empty one (notifications-engine's rules).
 */
import type { Cluster, Secret } from '../../kube/cluster.js';
import type { Clock } from '../../kube/clock.js';
import { isNotFound } from '../../kube/errors.js';
import {
  NOTIFICATION_CONFIGMAP,
  NOTIFICATION_SECRET,
  parseNotificationConfig,
  type NotificationConfig,
} from '../config.js';

export interface ConfigSourceOptions {
  cluster: Cluster;
  clock: Clock;
  /** The controller's namespace (POD_NAMESPACE). */
  controllerNamespace: string;
  selfService: boolean;
  ttlMs?: number;
  /** A configuration that does not parse: the message names the key, never a secret value. */
  onInvalid: (namespace: string, message: string) => void;
}

interface Cached {
  at: number;
  config: Promise<NotificationConfig | undefined>;
}

function decodeSecret(secret: Secret | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret?.data ?? {}))
    values[key] = Buffer.from(value, 'base64').toString('utf8');
  return { ...values, ...secret?.stringData };
}

export class NotificationConfigSource {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly options: ConfigSourceOptions) {}

  /** The configurations in force for a Rollout in `namespace`, the controller's first. */
  async configsFor(namespace: string): Promise<NotificationConfig[]> {
    const namespaces = [this.options.controllerNamespace];
    if (this.options.selfService && namespace !== this.options.controllerNamespace)
      namespaces.push(namespace);
    const configs = await Promise.all(namespaces.map((ns) => this.configIn(ns)));
    return configs.filter((c): c is NotificationConfig => c !== undefined);
  }

  private configIn(namespace: string): Promise<NotificationConfig | undefined> {
    const now = this.options.clock.now();
    const cached = this.cache.get(namespace);
    if (cached && now - cached.at < (this.options.ttlMs ?? 10_000)) return cached.config;
    const config = this.load(namespace);
    config.catch(() => undefined); // the callers see the failure; an unawaited copy must not crash the process
    this.cache.set(namespace, { at: now, config });
    return config;
  }

  private async load(namespace: string): Promise<NotificationConfig | undefined> {
    const { cluster } = this.options;
    const configMap = await orUndefined(cluster.get('ConfigMap', namespace, NOTIFICATION_CONFIGMAP));
    if (!configMap) return undefined;
    const secret = await orUndefined(cluster.get('Secret', namespace, NOTIFICATION_SECRET));
    try {
      return parseNotificationConfig(
        { namespace, name: NOTIFICATION_CONFIGMAP, data: configMap.data ?? {} },
        decodeSecret(secret),
      );
    } catch (err) {
      this.options.onInvalid(namespace, (err as Error).message);
      return undefined;
    }
  }
}

async function orUndefined<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
