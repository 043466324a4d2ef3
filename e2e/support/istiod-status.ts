/**
 * Plays istiod's config-distribution status writer (`PILOT_ENABLE_STATUS`, pilot/pkg/status/distribution) on the
 * real control plane, which runs no istiod: a VirtualService's new generation is reported, after `delayMs` of
 * "proxies catching up", on the `/status` subresource as istiod writes it — `status.observedGeneration` and a
 * `Reconciled` condition "N/N proxies up to date.". Every generation is logged with when it was first seen and when
 * it was reported, so a test can order the controller's writes against the reports.
 */
import * as k8s from '@kubernetes/client-node';
import type { IstioStatus, VirtualService } from '../../src/api/istio.ts';
import type { E2eClient } from './kube.ts';
import { routeWeights } from './fixtures.ts';
import { sleep } from './wait-for.ts';

const VIRTUAL_SERVICES = { group: 'networking.istio.io', version: 'v1', plural: 'virtualservices' } as const;
const POLL_MS = 50;

export interface ReportedGeneration {
  generation: number;
  /** The weights of the route `primary` at this generation. */
  weights: Record<string, number>;
  firstSeenAt: number;
  reportedAt?: number;
}

export class IstiodStatusWriter {
  readonly log: ReportedGeneration[] = [];
  private stopped = false;
  private readonly loop: Promise<void>;
  /** While frozen, new generations are seen but never reported (a proxy that never acknowledges). */
  frozen = false;

  constructor(
    private readonly client: E2eClient,
    private readonly namespace: string,
    private readonly name: string,
    private readonly delayMs: number,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.tick(await this.client.virtualService(this.namespace, this.name));
      } catch {
        // Not created yet, or a conflict with the controller's write: look again.
      }
      await sleep(POLL_MS);
    }
  }

  private async tick(vs: VirtualService): Promise<void> {
    const generation = vs.metadata.generation ?? 0;
    let entry = this.log.find((e) => e.generation === generation);
    if (!entry) {
      entry = { generation, weights: routeWeights(vs), firstSeenAt: Date.now() };
      this.log.push(entry);
    }
    if (entry.reportedAt !== undefined || this.frozen || Date.now() - entry.firstSeenAt < this.delayMs)
      return;
    const now = new Date().toISOString();
    const status: IstioStatus = {
      observedGeneration: generation,
      conditions: [
        {
          type: 'Reconciled',
          status: 'True',
          message: '2/2 proxies up to date.',
          lastProbeTime: now,
          lastTransitionTime: now,
        },
      ],
    };
    await this.client.custom.patchNamespacedCustomObjectStatus(
      { ...VIRTUAL_SERVICES, namespace: this.namespace, name: this.name, body: { status } },
      mergePatchOptions(),
    );
    entry.reportedAt = Date.now();
  }

  reported(generation: number): ReportedGeneration | undefined {
    return this.log.find((e) => e.generation === generation && e.reportedAt !== undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

function mergePatchOptions() {
  return k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
}
