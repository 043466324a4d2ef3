/**
 * RBAC exactly as used: the controller runs as the shipped ServiceAccount through a canary of each kind (subset:
 * DestinationRule; host: Service switches), a `revisionHistoryLimit: 0` cleanup (the old ReplicaSet deleted once
 * scaled to zero), `canaryMetadata` (pods listed and patched as roles change), a `restartAt` restart (pod
 * evictions), a `workloadRef` migration (Deployments watched and scaled down), a step analysis with a `job` metric
 * (the run created, its status patched; Jobs created and read, the older one listed and deleted as the measurements
 * are trimmed to `measurementRetention`; the run deleted once the update completes, `successfulRunHistoryLimit: 0`),
 * a Lease acquisition and renewals, and a repeated Warning event (an invalid Rollout touched twice: the event's
 * count is patched). The API server's audit log records every request
 * the ServiceAccount made; the set of `group/resource verb` it used must equal the set deploy/rbac grants — nothing
 * used that is not granted (no 403), nothing granted that is not used.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { AppRefs } from './support/app-state.ts';
import { waitForApp } from './support/app-state.ts';
import { readAudit } from './support/audit.ts';
import { RBAC_DIR } from './support/controller-identity.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { analysisRunsOf, analysisTemplate, healthyAt } from './support/analysis.ts';
import { hostCanary, subsetCanary } from './support/fixtures.ts';
import { EXIT_CODE_ANNOTATION } from './cluster/pod-ready-helper.ts';
import { sleep, waitFor } from './support/wait-for.ts';

const ns = 'audit';
const subsetApp: AppRefs = { namespace: ns, name: 'cart', destinationRule: 'cart' };
const hostApp: AppRefs = { namespace: ns, name: 'search', services: ['search-stable', 'search-canary'] };
const legacyApp: AppRefs = { namespace: ns, name: 'legacy', services: ['legacy-stable', 'legacy-canary'] };
const checkedApp: AppRefs = { namespace: ns, name: 'checkout', destinationRule: 'checkout' };
const STEPS = [{ setWeight: 50 }, { pause: { duration: 1 } }];
let env: E2eEnvironment;

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** `group/resource verb` for every rule of the shipped ClusterRole and Role. */
function granted(): Set<string> {
  const grants = new Set<string>();
  for (const file of ['cluster-role.yaml', 'role.yaml']) {
    const role = parseAllDocuments(readFileSync(join(RBAC_DIR, file), 'utf8'))[0]!.toJS() as {
      rules: Rule[];
    };
    for (const r of role.rules)
      for (const g of r.apiGroups)
        for (const res of r.resources) for (const v of r.verbs) grants.add(`${g}/${res} ${v}`);
  }
  return grants;
}

beforeAll(async () => {
  env = await startEnvironment();
  await env.admin.createNamespace(ns);
});

afterAll(async () => {
  await env?.stop();
});

/** A webhook nobody listens on: sends fail and are retried, the reads and the claim are what the audit sees. */
async function configureNotifications(e: E2eEnvironment): Promise<void> {
  const namespace = e.identity.namespace;
  await e.admin.core.createNamespacedConfigMap({
    namespace,
    body: {
      metadata: { name: 'argo-rollouts-notification-configmap' },
      data: {
        'service.webhook.hook': 'url: http://127.0.0.1:9/$path',
        'trigger.on-rollout-completed': '- send: [done]',
        'template.done': 'message: done',
      },
    },
  });
  await e.admin.core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'argo-rollouts-notification-secret' }, stringData: { path: 'hooks' } },
  });
}

/**
 * `checkout`: a step analysis whose `job` metric measures twice (the pod helper completes each Job's pod with exit 0),
 * keeping one measurement, and no successful run once the update is over.
 */
async function createCheckedApp(e: E2eEnvironment): Promise<void> {
  const smoke = analysisTemplate(ns, 'smoke', [
    {
      name: 'smoke',
      count: 2,
      interval: '1s',
      provider: {
        job: {
          spec: {
            backoffLimit: 0,
            template: {
              metadata: { annotations: { [EXIT_CODE_ANNOTATION]: '0' } },
              spec: {
                restartPolicy: 'Never',
                containers: [{ name: 'smoke', image: 'busybox', command: ['true'] }],
              },
            },
          },
        },
      },
    },
  ]);
  const steps = [
    { setWeight: 50 },
    {
      analysis: {
        templates: [{ templateName: 'smoke' }],
        measurementRetention: [{ metricName: 'smoke', limit: 1 }],
      },
    },
  ];
  const checked = subsetCanary({ ...checkedApp, replicas: 1, steps });
  checked.rollout.spec.analysis = { successfulRunHistoryLimit: 0 };
  await e.admin.createAll([smoke, ...checked.objects]);
}

describe('RBAC exactly as used', () => {
  it(
    'the verbs in the audit log equal the verbs deploy/rbac grants, both ways',
    { timeout: 180_000 },
    async () => {
      await env.startController('controller-audit', {
        leaderElect: true,
        leaseNamespace: env.identity.namespace,
      });
      await configureNotifications(env);
      const subset = subsetCanary({ ...subsetApp, replicas: 2, steps: STEPS });
      subset.rollout.spec.revisionHistoryLimit = 0;
      // A subscriber: the controller reads the notification ConfigMap and Secret and claims the occurrence (ADR 0160).
      subset.rollout.metadata.annotations = {
        ...subset.rollout.metadata.annotations,
        'notifications.argoproj.io/subscribe.on-rollout-completed.hook': '',
      };
      await env.admin.createAll(subset.objects);
      const host = hostCanary({ ...hostApp, replicas: 2, steps: STEPS });
      host.rollout.spec.strategy.canary!.canaryMetadata = { labels: { role: 'canary' } };
      host.rollout.spec.strategy.canary!.stableMetadata = { labels: { role: 'stable' } };
      await env.admin.createAll(host.objects);
      const legacy = hostCanary({ ...legacyApp, replicas: 1, steps: STEPS });
      await env.admin.createAll([
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: legacyApp.name, namespace: ns },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: legacyApp.name } },
            template: legacy.rollout.spec.template,
          },
        } as { kind: string; metadata: { namespace?: string } },
      ]);
      delete legacy.rollout.spec.template;
      delete legacy.rollout.spec.selector;
      legacy.rollout.spec.workloadRef = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: legacyApp.name,
        scaleDown: 'onsuccess',
      };
      await env.admin.createAll(legacy.objects);
      await createCheckedApp(env);
      const updated = [subsetApp, hostApp, checkedApp];
      for (const app of updated) await waitForApp(env.admin, app, `${app.name} healthy`, healthyAt(1));
      for (const app of updated) await env.admin.setImage(ns, app.name, `registry.example/${app.name}:2`);
      for (const app of updated)
        await waitForApp(env.admin, app, `${app.name} healthy at 2`, healthyAt(2), 60_000);
      await waitFor(
        'the successful run of checkout deleted (successfulRunHistoryLimit: 0)',
        () => analysisRunsOf(env.admin, ns, checkedApp.name),
        (runs) => runs.length === 0,
        { timeoutMs: 30_000 },
      );
      await waitFor(
        'revision 1 of cart deleted (revisionHistoryLimit: 0)',
        () => env.admin.replicaSets(ns, subsetApp.name),
        (replicaSets) => replicaSets.length === 1,
        { timeoutMs: 60_000 },
      );

      await waitFor(
        'the legacy Deployment scaled down (workloadRef scaleDown: onsuccess)',
        () => env.admin.apps.readNamespacedDeployment({ namespace: ns, name: legacyApp.name }),
        (d) => d.spec?.replicas === 0,
        { timeoutMs: 60_000 },
      );
      await sleep(1_100); // restartAt is in whole seconds: every pod is strictly older
      const restartAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      await env.admin.patchRolloutSpec(ns, subsetApp.name, { restartAt });
      await waitFor(
        'cart restarted (status.restartedAt)',
        () => env.admin.rollout(ns, subsetApp.name),
        (r) => r.status?.restartedAt === restartAt,
        { timeoutMs: 60_000 },
      );

      const invalid = subsetCanary({
        namespace: ns,
        name: 'broken',
        replicas: 1,
        steps: [{ setWeight: 150 }],
      });
      await env.admin.createAll([invalid.rollout]);
      await waitFor(
        'InvalidSpec on broken',
        () => env.admin.rollout(ns, 'broken'),
        (r) => (r.status?.conditions ?? []).some((c) => c.type === 'InvalidSpec'),
      );
      await env.admin.patchRolloutSpec(ns, 'broken', { minReadySeconds: 1 });
      const username = env.identity.username;
      const eventPatched = () =>
        readAudit(env.plane.workDir).some(
          (r) => r.username === username && r.resource === '/events' && r.verb === 'patch',
        );
      await waitFor(
        'the repeated InvalidSpec event patched',
        () => Promise.resolve(eventPatched()),
        (ok) => ok,
        {
          timeoutMs: 30_000,
        },
      );
      await sleep(3_000); // a Lease renewal or two more

      const records = readAudit(env.plane.workDir).filter((r) => r.username === username);
      const used = new Set(records.map((r) => `${r.resource} ${r.verb}`));
      const grants = granted();
      const table = [...new Set([...used, ...grants])].sort().map((g) => {
        const n = records.filter((r) => `${r.resource} ${r.verb}` === g).length;
        return `${g.padEnd(52)} ${grants.has(g) ? 'granted' : 'NOT GRANTED'}  ${used.has(g) ? `used ×${n}` : 'NOT USED'}`;
      });
      console.log(`RBAC audit (${records.length} requests by ${username}):\n  ${table.join('\n  ')}`);
      expect(records.filter((r) => r.code === 403).map((r) => `${r.resource} ${r.verb}`)).toEqual([]);
      expect([...used].filter((g) => !grants.has(g)).sort(), 'used but not granted').toEqual([]);
      expect([...grants].filter((g) => !used.has(g)).sort(), 'granted but not used').toEqual([]);
    },
  );
});
