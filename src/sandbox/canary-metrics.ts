/**
 * The demo canary's metrics: a small HTTP endpoint on loopback that the demo AnalysisTemplate's `web` metric queries
 * (`GET /canary/error-rate` → `{"errorRate": 0.0123, "health": "healthy"}`), so the analysis goes through the real
 * AnalysisRun controller and `web` provider. Whether the canary is healthy or failing is the user's switch in the
 * dashboard; each answer draws the error rate from the seeded PRNG within that state's range, so measurements vary
 * like real traffic while every healthy one passes the demo's successCondition and every failing one meets its
 * failureCondition.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CanaryHealth } from '../dashboard/server.js';
import type { Rng } from './request-simulator.js';

/** Error rates (fractions) each state answers within: below 0.05 passes the demo's analysis, 0.1 and above fails it. */
export const ERROR_RATE_RANGE: Record<CanaryHealth, readonly [number, number]> = {
  healthy: [0.002, 0.02],
  failing: [0.12, 0.3],
};

export const CANARY_METRICS_PATH = '/canary/error-rate';

export class CanaryMetrics {
  private state: CanaryHealth = 'healthy';

  constructor(private readonly rng: Rng) {}

  health(): CanaryHealth {
    return this.state;
  }

  setHealth(health: CanaryHealth): void {
    this.state = health;
  }

  /** One measurement's answer: an error rate within the current state's range, to 4 decimals. */
  sample(): { errorRate: number; health: CanaryHealth } {
    const [low, high] = ERROR_RATE_RANGE[this.state];
    const errorRate = Math.round((low + (high - low) * this.rng()) * 10_000) / 10_000;
    return { errorRate, health: this.state };
  }
}

export interface CanaryMetricsServer {
  /** The URL the demo's metric queries. */
  url: string;
  close(): Promise<void>;
}

/** Serves `metrics` on 127.0.0.1 at a free port: GET of the one path, 404 for anything else. */
export async function startCanaryMetricsServer(metrics: CanaryMetrics): Promise<CanaryMetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' || path !== CANARY_METRICS_PATH) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    const body = JSON.stringify(metrics.sample());
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${CANARY_METRICS_PATH}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
